"""Drawing chapters with the mouse: a small wobble is a click, and a chapter drawn into its
neighbour says where it stopped."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from .helpers import LANE_Y, drag, drag_pixels, stored, x_of


def test_a_four_pixel_wobble_on_empty_timeline_is_a_click_not_a_chapter(editor, context, vod):
    timeline = editor.timeline
    assert QApplication.startDragDistance() > 4  # the desktop's threshold, not a fixed 4 px
    start = x_of(timeline, 5)
    drag_pixels(timeline, start, start + 4)
    assert stored(context, vod.id) == []
    assert editor.playhead() > 0  # it was taken as a click: the playhead went there


def test_a_drag_longer_than_the_drag_distance_draws_a_chapter(editor, context, vod):
    timeline = editor.timeline
    start = x_of(timeline, 5)
    drag_pixels(timeline, start, start + QApplication.startDragDistance() + 30)
    assert len(stored(context, vod.id)) == 1


def test_drawing_into_a_neighbour_shows_where_the_chapter_stopped(qtbot, editor, context, vod):
    context.chapters.add(vod.id, title="Boss fight", start_time=10, end_time=14)
    editor.reload_chapters()
    timeline = editor.timeline
    # while drawing: the pointer is past the neighbour and the preview says so
    start, past = x_of(timeline, 4), x_of(timeline, 16)
    QTest.mousePress(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(start, LANE_Y)
    )
    for step in range(1, 7):
        QTest.mouseMove(timeline, QPoint(start + (past - start) * step // 6, LANE_Y))
    assert timeline.clamped_by is not None and timeline.clamped_by.title == "Boss fight"
    QTest.mouseRelease(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(past, LANE_Y)
    )
    drawn = [c for c in stored(context, vod.id) if c.title != "Boss fight"]
    assert [(round(c.start_time, 1), c.end_time) for c in drawn] == [(4.0, 10.0)]
    text, error = editor.messages[-1]
    assert "stops at 0:10" in text and "Boss fight" in text and not error


def test_a_drag_that_stays_clear_of_neighbours_says_nothing_about_stopping(editor, context, vod):
    context.chapters.add(vod.id, title="Later", start_time=15, end_time=18)
    editor.reload_chapters()
    drag(editor.timeline, 2, 8)
    assert not any("stops at" in text for text, _ in editor.messages)
