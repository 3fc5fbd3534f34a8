"""The timeline with its toolbar (snap, zoom, add chapter) and a horizontal scrollbar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QScrollBar, QToolButton, QVBoxLayout, QWidget

from ui.elided_label import ElidedLabel
from ui.theme import icon

from .widget import ZOOM_STEP, TimelineWidget


class TimelineView(QWidget):
    add_at_playhead = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = TimelineWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        bar = QWidget(objectName="TimelineToolbar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 4, 10, 4)
        row.setSpacing(4)

        def tool(name: str, tip: str, slot=None, checkable: bool = False) -> QToolButton:
            button = QToolButton(toolTip=tip, checkable=checkable)
            button.setProperty("flat", not checkable)
            button.setIcon(icon(name))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if slot:
                button.clicked.connect(slot)
            row.addWidget(button)
            return button

        self.add_button = tool(
            "flag", "Add a chapter at the playhead (M)", self.add_at_playhead.emit
        )
        row.addSpacing(6)
        self.snap_button = tool(
            "magnet", "Snap to playhead, chapter edges and keyframes", checkable=True
        )
        self.snap_button.setChecked(self.timeline.snapping)
        self.snap_button.toggled.connect(self._set_snapping)
        self.filmstrip_button = tool("film", "Show frames under the timeline", checkable=True)
        self.filmstrip_button.setChecked(True)
        self.filmstrip_button.toggled.connect(self._set_filmstrip)
        row.addSpacing(10)
        self.hint = ElidedLabel(
            "Drag on empty space to draw a chapter · drag edges to resize · double-click to rename",
            objectName="Muted",
        )
        row.addWidget(self.hint, 1)
        tool("zoom-out", "Zoom out (Ctrl+wheel)", lambda: self.timeline.zoom(1 / ZOOM_STEP**2))
        tool("zoom-in", "Zoom in (Ctrl+wheel)", lambda: self.timeline.zoom(ZOOM_STEP**2))
        tool("zoom-fit", "Show the whole VOD", self.timeline.zoom_to_fit)
        layout.addWidget(bar)
        layout.addWidget(self.timeline, 1)

        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal)
        self.scrollbar.valueChanged.connect(self._scrolled)
        layout.addWidget(self.scrollbar)
        self.timeline.view_changed.connect(self._sync_scrollbar)
        self._sync_scrollbar()

    def _set_filmstrip(self, on: bool) -> None:
        self.timeline.show_filmstrip = on
        self.timeline.update()

    def _set_snapping(self, on: bool) -> None:
        self.timeline.snapping = on

    def _sync_scrollbar(self) -> None:
        view = self.timeline.viewport
        total = int(view.duration * view.pixels_per_second)
        page = int(view.width)
        self.scrollbar.blockSignals(True)
        self.scrollbar.setRange(0, max(0, total - page))
        self.scrollbar.setPageStep(page)
        self.scrollbar.setSingleStep(max(1, page // 20))
        self.scrollbar.setValue(int(view.offset * view.pixels_per_second))
        self.scrollbar.blockSignals(False)
        self.scrollbar.setVisible(total > page + 1)

    def _scrolled(self, value: int) -> None:
        view = self.timeline.viewport
        view.scroll_to(value / view.pixels_per_second)
        self.timeline.update()
