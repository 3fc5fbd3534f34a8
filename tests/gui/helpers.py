"""Mouse gestures on the timeline, in seconds rather than pixels."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from ui.timeline.painting import LANE_HEIGHT, LANE_TOP, RULER_HEIGHT

LANE_Y = int(LANE_TOP + LANE_HEIGHT / 2)
RULER_Y = int(RULER_HEIGHT / 2)


def x_of(timeline, seconds: float) -> int:
    return round(timeline.viewport.time_to_x(seconds))


def drag(
    timeline, from_seconds: float, to_seconds: float, *, y: int = LANE_Y, steps: int = 6
) -> None:
    start, end = x_of(timeline, from_seconds), x_of(timeline, to_seconds)
    QTest.mousePress(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(start, y)
    )
    for step in range(1, steps + 1):
        QTest.mouseMove(timeline, QPoint(start + (end - start) * step // steps, y))
    QTest.mouseRelease(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(end, y)
    )


def drag_pixels(timeline, start_x: int, end_x: int, *, y: int = LANE_Y, steps: int = 6) -> None:
    QTest.mousePress(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(start_x, y)
    )
    for step in range(1, steps + 1):
        QTest.mouseMove(timeline, QPoint(start_x + (end_x - start_x) * step // steps, y))
    QTest.mouseRelease(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(end_x, y)
    )


def stored(context, vod_id):
    return context.chapters.list(vod_id).chapters
