"""The signals lane under the chapters: the audio waveform with silences, static and black
screens and scene cuts marked on it.

The lane is drawn as one 8-bit indexed image built with numpy (a colour per kind of mark,
the waveform's columns from ``core.timeline.signals.waveform_columns``) and cached until
the view, the shown kinds or the data change: playback repaints reuse it, a zoom or
scroll costs one numpy pass over at most a few thousand columns.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from core.domain.signals import SignalKind
from core.domain.waveform import WaveformPyramid
from core.timeline.signals import MARK_KINDS, SignalMarks, waveform_columns

# colour table indices, later ones drawn over earlier ones
_BACKGROUND, _SILENCE, _STATIC, _BLACK, _WAVE, _STATIC_EDGE, _BLACK_EDGE, _CUT = range(8)
_COLOURS = [
    "#14141b",  # background (the timeline's)
    "#1e2a44",  # silence: a muted blue band
    "#2e2616",  # static screen: an amber tint
    "#0b0b0f",  # black screen
    "#7c89c9",  # waveform
    "#f59e0b",  # static screen: the strip along the top
    "#94a3b8",  # black screen: the strip along the top
    "#22d3ee",  # scene cut
]
EDGE_STRIP = 4
#: a quiet recording is shown louder, up to this factor, so its shape stays visible
MAX_DISPLAY_GAIN = 8.0


class SignalLane:
    """State and drawing of the lane; the widget owns one and forwards paint and hover."""

    def __init__(self) -> None:
        self.marks = SignalMarks()
        self.shown: set[SignalKind] = set(MARK_KINDS)
        self.show_waveform = True
        self._stored: list[tuple[float, WaveformPyramid]] = []
        self._live: Callable[[], list[tuple[float, WaveformPyramid]]] | None = None
        self.following = None  # what ``_live`` reads from, while an analysis runs
        self.status_text = ""
        self._cache: tuple[tuple, QImage] | None = None
        self._gain_for: tuple | None = None
        self._gain = 1.0
        self.table = [QColor(c).rgb() for c in _COLOURS]

    # --- data ----------------------------------------------------------------------------
    def set_marks(self, marks: SignalMarks) -> None:
        self.marks = marks
        self._cache = None

    def set_waveform(self, pyramid: WaveformPyramid | None) -> None:
        self._stored = [(0.0, pyramid)] if pyramid is not None else []
        self._live, self.following = None, None
        self._cache = None

    def follow_waveform(
        self, snapshot: Callable[[], list[tuple[float, WaveformPyramid]]], source=None
    ) -> None:
        """Draw a waveform still being analysed: ``snapshot()`` gives what exists so far,
        as ``(start seconds, pyramid)`` per part of the file being read."""
        self._live, self.following = snapshot, source
        self._cache = None

    def waveform_parts(self) -> list[tuple[float, WaveformPyramid]]:
        return self._live() if self._live is not None else self._stored

    def seconds_drawn(self) -> float:
        """How much of the recording's audio the lane can draw now."""
        return sum(pyramid.seconds_covered for _, pyramid in self.waveform_parts())

    def set_shown(self, kind: SignalKind, on: bool) -> None:
        (self.shown.add if on else self.shown.discard)(kind)
        self._cache = None

    @property
    def has_content(self) -> bool:
        return bool(len(self.marks)) or self.seconds_drawn() > 0

    # --- drawing -------------------------------------------------------------------------
    def paint(self, painter: QPainter, view, top: float, width: int, height: int) -> None:
        parts = self.waveform_parts() if self.show_waveform else []
        filled = tuple(len(pyramid.levels[0]) for _, pyramid in parts if pyramid.levels)
        key = (
            view.offset,
            view.pixels_per_second,
            width,
            height,
            tuple(id(pyramid) for _, pyramid in parts) if self._live is None else -1,
            filled,
            id(self.marks),
            tuple(sorted(self.shown)),
        )
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self._render(parts, view, width, height))
        painter.drawImage(QRectF(0, top, width, height), self._cache[1])
        if self.status_text:
            painter.setPen(QColor("#a8a8bf"))
            painter.drawText(
                QRectF(8, top, width - 16, height),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                self.status_text,
            )

    def _render(self, parts, view, width: int, height: int) -> QImage:
        image = np.zeros((height, width), dtype=np.uint8)
        start, end = view.visible_start, view.visible_end

        def columns(kind: SignalKind) -> np.ndarray:
            """Which pixel columns the visible events of ``kind`` cover (at least one each)."""
            starts, ends = self.marks.spans(kind, start, end)
            covered = np.zeros(width + 1, dtype=np.int32)
            if len(starts):
                x0 = np.clip(
                    ((starts - view.offset) * view.pixels_per_second).astype(int), 0, width
                )
                x1 = np.clip(np.ceil((ends - view.offset) * view.pixels_per_second), 0, width)
                x1 = np.maximum(x1.astype(int), np.minimum(x0 + 1, width))
                np.add.at(covered, x0, 1)
                np.add.at(covered, x1, -1)
            return np.cumsum(covered[:width]) > 0

        if SignalKind.SILENCE in self.shown:
            image[:, columns(SignalKind.SILENCE)] = _SILENCE
        if SignalKind.STATIC in self.shown:
            for kind, fill, edge in (
                (SignalKind.STATIC, _STATIC, _STATIC_EDGE),
                (SignalKind.BLACK, _BLACK, _BLACK_EDGE),
            ):
                span = columns(kind)
                image[:, span] = fill
                image[:EDGE_STRIP, span] = edge
        if parts:
            self._draw_wave(image, parts, view, width, height)
        if SignalKind.SCENE in self.shown:
            cuts, _ = self.marks.spans(SignalKind.SCENE, start, end)
            xs = np.round((cuts - view.offset) * view.pixels_per_second).astype(int)
            xs = xs[(xs >= 0) & (xs < width)]
            if len(xs):
                image[:, xs] = _CUT
        picture = QImage(image.data, width, height, width, QImage.Format.Format_Indexed8)
        picture.setColorTable(self.table)
        # Converted once here (which also copies away from ``image``, a temporary): every
        # repaint during playback then blits it without a conversion.
        return picture.convertToFormat(QImage.Format.Format_RGB32)

    def _draw_wave(self, image: np.ndarray, pyramid, view, width: int, height: int) -> None:
        lows, highs, filled = waveform_columns(pyramid, view.offset, view.pixels_per_second, width)
        if not filled.any():
            return
        gain = self._display_gain(pyramid)
        middle = (height - 1) / 2.0
        half = (height - 2) / 2.0
        top = np.clip(np.floor(middle - np.clip(highs * gain, -1, 1) * half), 0, height - 1)
        bottom = np.clip(np.ceil(middle - np.clip(lows * gain, -1, 1) * half), 0, height - 1)
        rows = np.arange(height)[:, None]
        inside = (rows >= top[None, :]) & (rows <= bottom[None, :]) & filled[None, :]
        image[inside] = _WAVE

    def _display_gain(self, parts) -> float:
        coarse = [pyramid.levels[-1] for _, pyramid in parts if pyramid.levels]
        key = tuple((id(level.mins), len(level)) for level in coarse)
        if self._gain_for != key and any(len(level) for level in coarse):
            peak = max(
                max(abs(int(level.mins.min())), int(level.maxs.max()))
                for level in coarse
                if len(level)
            )
            self._gain = min(MAX_DISPLAY_GAIN, max(1.0, 0.9 / max(peak, 1) * 128.0))
            self._gain_for = key
        return self._gain

    # --- hover ---------------------------------------------------------------------------
    def describe_at(self, view, x: float, tolerance_px: float = 4.0) -> str | None:
        """Tooltip text for the mark under pixel ``x``."""
        from core.domain.timefmt import format_time

        seconds = view.x_to_time(x)
        slack = tolerance_px / view.pixels_per_second
        if SignalKind.SCENE in self.shown:
            for event in self.marks.visible(SignalKind.SCENE, seconds - slack, seconds + slack):
                score = f" (score {event.score:.0%})" if event.score is not None else ""
                return f"Scene cut at {format_time(event.start)}{score}"
        for kind in (SignalKind.STATIC, SignalKind.BLACK, SignalKind.SILENCE):
            toggle = SignalKind.STATIC if kind == SignalKind.BLACK else kind
            if toggle not in self.shown:
                continue
            for event in self.marks.visible(kind, seconds, seconds):
                return (
                    f"{kind.label.capitalize()} {format_time(event.start)}–"
                    f"{format_time(event.end)} ({event.duration:.0f} s)"
                )
        return None


def paint_snap_label(painter: QPainter, x: float, y: float, label: str, palette) -> None:
    """The name of what a dragged edge snapped to, in a small box by the snap line."""
    text = f"⟂ {label}"
    painter.setFont(palette.font)
    box_width = palette.metrics.horizontalAdvance(text) + 10
    box = QRectF(x + 4, y, box_width, 16)
    painter.fillRect(box, QColor("#fde047"))
    painter.setPen(QColor("#14141b"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.setPen(palette.snap)
    painter.drawLine(QPointF(x, y), QPointF(x, y + 16))
