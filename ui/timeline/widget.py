"""The timeline widget: paints ``core.timeline`` state and turns mouse input into requests.

It never changes chapters itself. A finished drag emits ``create_requested`` or
``range_change_requested``; the editor turns that into one undoable command through the
chapter service and hands the widget the new chapters with ``set_chapters``.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import QCursor, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QWidget

from core.domain.chapters import ChapterSource, ChapterTimeline
from core.timeline import ChapterIndex, DragKind, DragSession, HitKind, Snapper, Viewport

from .painting import (
    FILMSTRIP_HEIGHT,
    FILMSTRIP_TOP,
    LANE_TOP,
    RULER_HEIGHT,
    Palette,
    paint_timeline,
)

SNAP_PX = 8.0
ZOOM_STEP = 1.25

_DRAG_KINDS = {
    HitKind.EMPTY: DragKind.CREATE,
    HitKind.BODY: DragKind.MOVE,
    HitKind.START_EDGE: DragKind.RESIZE_START,
    HitKind.END_EDGE: DragKind.RESIZE_END,
}


class TimelineWidget(QWidget):
    seek_requested = Signal(float)
    selection_changed = Signal(object)  # chapter id or None
    create_requested = Signal(float, float)
    range_change_requested = Signal(str, float, float)
    rename_requested = Signal(str, str)
    delete_requested = Signal(str)
    view_changed = Signal()
    #: a drawn chapter stopped at a neighbour: (the neighbour's title, where it stopped)
    create_clamped = Signal(str, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setMinimumHeight(int(FILMSTRIP_TOP + FILMSTRIP_HEIGHT + 8))
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.palette_cache = Palette()
        self.index = ChapterIndex(ChapterTimeline(1.0))
        self.viewport = Viewport(duration=1.0, width=max(1, self.width()))
        self.playhead = 0.0
        self.selected_id: str | None = None
        self.drag: DragSession | None = None
        self.snapping = True
        self.keyframes: list[float] = []
        self.mark_in: float | None = None
        self.mark_out: float | None = None
        self.follow_playhead = True
        self.filmstrip = None  # a FilmstripLoader, set by the editor
        self.show_filmstrip = True
        self._press: tuple[QPoint, object] | None = None
        #: while drawing: the neighbour that stops the new chapter, if the pointer is past it
        self.clamped_by: ClampedBy | None = None
        self._scrubbing = False
        self._editor: QLineEdit | None = None

    # --- state from the editor -----------------------------------------------------------
    def set_chapters(self, timeline: ChapterTimeline) -> None:
        if abs(timeline.duration - self.viewport.duration) > 1e-9:
            self.viewport.set_duration(timeline.duration)
        self.index = ChapterIndex(timeline)
        if self.selected_id and self.index.get(self.selected_id) is None:
            self.select(None)
        self.update()

    def set_playhead(self, seconds: float, *, follow: bool = False) -> None:
        old_x = self.viewport.time_to_x(self.playhead)
        self.playhead = seconds
        if follow and self.follow_playhead and self.drag is None and self.viewport.follow(seconds):
            self.view_changed.emit()
            self.update()
            return
        new_x = self.viewport.time_to_x(seconds)
        # Repaint only the two thin strips the playhead left and entered.
        for x in (old_x, new_x):
            self.update(QRect(int(x) - 8, 0, 17, self.height()))

    def set_filmstrip(self, loader) -> None:
        self.filmstrip = loader
        if loader is not None:
            loader.frame_ready.connect(self._frame_ready)

    def _frame_ready(self, seconds: float) -> None:
        x = self.viewport.time_to_x(seconds)
        if -200 < x < self.width() + 200:
            self.update(QRect(int(x) - 2, int(FILMSTRIP_TOP), 400, int(FILMSTRIP_HEIGHT)))

    def set_keyframes(self, keyframes: list[float]) -> None:
        self.keyframes = sorted(keyframes)

    def select(self, chapter_id: str | None, *, notify: bool = True, reveal: bool = False) -> None:
        if chapter_id == self.selected_id:
            return
        self.selected_id = chapter_id
        if reveal and chapter_id:
            chapter = self.index.get(chapter_id)
            if chapter and not (
                self.viewport.visible_start <= chapter.start_time <= self.viewport.visible_end
            ):
                self.viewport.scroll_to(chapter.start_time - self.viewport.visible_seconds * 0.1)
                self.view_changed.emit()
        self.update()
        if notify:
            self.selection_changed.emit(chapter_id)

    def zoom(self, factor: float, x: float | None = None) -> None:
        self.viewport.zoom_around(self.width() / 2 if x is None else x, factor)
        self.view_changed.emit()
        self.update()

    def zoom_to_fit(self) -> None:
        self.viewport.zoom_to_fit()
        self.view_changed.emit()
        self.update()

    # --- Qt events -----------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self.viewport.resize(max(1, event.size().width()))
        self.view_changed.emit()
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        paint_timeline(painter, self)
        painter.end()

    def _in_ruler(self, y: float) -> bool:
        return y < RULER_HEIGHT

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        position = event.position()
        if self._in_ruler(position.y()):
            self._scrubbing = True
            self.seek_requested.emit(self.viewport.x_to_time_clamped(position.x()))
            return
        hit = self.index.hit_test(self.viewport, position.x())
        if hit.chapter is not None:
            self.select(hit.chapter.id)
        self._press = (position.toPoint(), hit)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        if self._scrubbing:
            self.seek_requested.emit(self.viewport.x_to_time_clamped(position.x()))
            return
        if self._press is not None and self.drag is None:
            start, hit = self._press
            # The desktop's drag distance: a click that wobbles a few pixels is a click.
            if abs(position.x() - start.x()) >= QApplication.startDragDistance():
                self._begin_drag(hit)
        if self.drag is not None:
            self._scroll_near_edges(position.x())
            seconds = self.viewport.x_to_time_clamped(position.x())
            self.drag.update(seconds, self.viewport.seconds_for_pixels(SNAP_PX))
            self.clamped_by = self._neighbour_in_the_way(seconds)
            self.update()
            return
        self._update_cursor(position.x(), position.y())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self._scrubbing:
            self._scrubbing = False
            return
        drag, press = self.drag, self._press
        clamped_by, self.clamped_by = self.clamped_by, None
        self.drag, self._press = None, None
        if drag is not None:
            self.update()
            if drag.changed:
                if drag.chapter is None:
                    self.create_requested.emit(drag.start, drag.end)
                    if clamped_by is not None:
                        self.create_clamped.emit(clamped_by.title, clamped_by.stop)
                else:
                    self.range_change_requested.emit(drag.chapter.id, drag.start, drag.end)
            return
        if press is not None and press[1].kind == HitKind.EMPTY:
            self.select(None)
            self.seek_requested.emit(self.viewport.x_to_time_clamped(event.position().x()))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._in_ruler(event.position().y()):
            return
        hit = self.index.hit_test(self.viewport, event.position().x())
        if hit.chapter is not None:
            self.begin_rename(hit.chapter.id)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = delta.y() / 120.0
            if steps:
                self.zoom(ZOOM_STEP**steps, event.position().x())
        else:
            amount = delta.x() if abs(delta.x()) > abs(delta.y()) else delta.y()
            self.viewport.scroll_by_pixels(-amount)
            self.view_changed.emit()
            self.update()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.drag is not None:
            self.drag, self._press = None, None
            self.update()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_id:
            self.delete_requested.emit(self.selected_id)
            return
        super().keyPressEvent(event)

    def leaveEvent(self, event) -> None:
        self.unsetCursor()
        super().leaveEvent(event)

    # --- helpers -------------------------------------------------------------------------
    def _scroll_near_edges(self, x: float) -> None:
        """Dragging past an edge scrolls the view, so a chapter can be drawn longer than the
        visible part of a zoomed-in timeline."""
        margin = 24.0
        if x < margin:
            step = x - margin
        elif x > self.width() - margin:
            step = x - (self.width() - margin)
        else:
            return
        before = self.viewport.offset
        self.viewport.scroll_by_pixels(step)
        if self.viewport.offset != before:
            self.view_changed.emit()

    def _neighbour_in_the_way(self, pointer: float) -> ClampedBy | None:
        """While drawing a chapter: the chapter the pointer has gone past (the new one
        stops at its edge), or None."""
        drag = self.drag
        if drag is None or drag.chapter is not None:
            return None
        lo, hi = drag.free_range
        if pointer > hi + 1e-9 and hi < self.viewport.duration - 1e-9:
            neighbour = self.index.at(hi + 1e-6)
            return ClampedBy(neighbour.title, hi) if neighbour else None
        if pointer < lo - 1e-9 and lo > 1e-9:
            neighbour = self.index.at(lo - 1e-6)
            return ClampedBy(neighbour.title, lo) if neighbour else None
        return None

    def _begin_drag(self, hit) -> None:
        snapper = Snapper(
            playhead=self.playhead,
            sorted_sources=[self.index.edges, self.keyframes],
            enabled=self.snapping,
        )
        if hit.kind == HitKind.EMPTY and self.index.at(hit.seconds) is not None:
            return
        self.drag = DragSession.begin(
            _DRAG_KINDS[hit.kind],
            self.index.timeline,
            min(self.viewport.duration, max(0.0, hit.seconds)),
            hit.chapter,
            snapper,
        )
        if hit.kind == HitKind.BODY:
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def _update_cursor(self, x: float, y: float) -> None:
        if self._in_ruler(y):
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            return
        hit = self.index.hit_test(self.viewport, x)
        shapes = {
            HitKind.EMPTY: Qt.CursorShape.CrossCursor,
            HitKind.BODY: Qt.CursorShape.OpenHandCursor,
            HitKind.START_EDGE: Qt.CursorShape.SizeHorCursor,
            HitKind.END_EDGE: Qt.CursorShape.SizeHorCursor,
        }
        self.setCursor(shapes[hit.kind])
        if hit.chapter is not None:
            chapter = hit.chapter
            detail = f"{chapter.title}\n{_span(chapter.start_time, chapter.end_time)}"
            if chapter.source == ChapterSource.AI:
                score = chapter.confidence_score
                detail += "\nAI chapter" + (
                    f" · confidence {score:.0%}" if score is not None else ""
                )
            QToolTip.showText(QCursor.pos(), detail, self)
        else:
            QToolTip.hideText()

    def begin_rename(self, chapter_id: str) -> None:
        chapter = self.index.get(chapter_id)
        if chapter is None:
            return
        self.select(chapter_id)
        x0 = max(0, int(self.viewport.time_to_x(chapter.start_time)))
        x1 = min(self.width(), int(self.viewport.time_to_x(chapter.end_time)))
        editor = QLineEdit(chapter.title, self)
        editor.setGeometry(x0, int(LANE_TOP + 6), max(160, x1 - x0), 24)
        editor.selectAll()
        editor.show()
        editor.setFocus()
        self._editor = editor

        def finish() -> None:
            if self._editor is not editor:
                return
            self._editor = None
            text = editor.text().strip()
            editor.deleteLater()
            self.setFocus()
            if text and text != chapter.title:
                self.rename_requested.emit(chapter_id, text)

        editor.editingFinished.connect(finish)

    @property
    def rename_editor(self) -> QLineEdit | None:
        return self._editor


class ClampedBy(NamedTuple):
    title: str
    stop: float


def _span(start: float, end: float) -> str:
    from core.domain.timefmt import format_display_time

    return f"{format_display_time(start)} – {format_display_time(end)}"
