"""The timeline with its toolbar (snap, zoom, add chapter, signal marks) and a scrollbar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollBar,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.signals import SignalKind
from ui.elided_label import ElidedLabel
from ui.theme import icon

from .widget import ZOOM_STEP, TimelineWidget

SIGNAL_TOGGLES = (
    (SignalKind.SCENE, "scene-cut", "Show scene cuts (and snap to them)"),
    (SignalKind.SILENCE, "mute", "Show silences (and snap to their edges)"),
    (SignalKind.STATIC, "static-screen", "Show static and black screens (and snap to them)"),
)


class TimelineView(QWidget):
    add_at_playhead = Signal()
    analyze_requested = Signal()
    cancel_analysis_requested = Signal()
    suggest_requested = Signal()

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
            "magnet",
            "Snap to the playhead, chapter edges, keyframes and the signals shown",
            checkable=True,
        )
        self.snap_button.setChecked(self.timeline.snapping)
        self.snap_button.toggled.connect(self._set_snapping)
        self.filmstrip_button = tool("film", "Show frames under the timeline", checkable=True)
        self.filmstrip_button.setChecked(True)
        self.filmstrip_button.toggled.connect(self._set_filmstrip)
        row.addSpacing(10)
        self.signal_buttons: dict[SignalKind, QToolButton] = {}
        for kind, name, tip in SIGNAL_TOGGLES:
            button = tool(name, tip, checkable=True)
            button.setChecked(kind in self.timeline.signal_lane.shown)
            button.toggled.connect(lambda on, k=kind: self._show_signal(k, on))
            self.signal_buttons[kind] = button
        self.analyze_button = tool("waveform", "Analyse the recording's signals", self._analyze)
        self.analysis_label = QLabel(objectName="Muted")
        row.addWidget(self.analysis_label)
        self.suggest_button = tool(
            "sparkles",
            "Suggest chapters from signals: long static screens, long silences and strong "
            "scene cuts become AI chapters (manual chapters stay as they are)",
            self.suggest_requested.emit,
        )
        self.suggest_button.setEnabled(False)
        row.addSpacing(10)
        self.hint = ElidedLabel(
            "Drag on empty space to draw a chapter · drag edges to resize · double-click to rename",
            elide=Qt.TextElideMode.ElideRight,
            objectName="Muted",
        )
        # the hint gives way on a narrow window instead of widening it
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
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
        self._analysing = False

    def set_analysis_state(self, running: bool, text: str = "") -> None:
        """Running: the button cancels and ``text`` shows progress; otherwise it (re)starts."""
        self._analysing = running
        self.analyze_button.setIcon(icon("cancel" if running else "waveform"))
        self.analyze_button.setToolTip(
            "Stop analysing the signals" if running else "Analyse the recording's signals again"
        )
        self.analysis_label.setText(text)

    def _analyze(self) -> None:
        if self._analysing:
            self.cancel_analysis_requested.emit()
        else:
            self.analyze_requested.emit()

    def _show_signal(self, kind: SignalKind, on: bool) -> None:
        self.timeline.signal_lane.set_shown(kind, on)
        self.timeline.update()

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
