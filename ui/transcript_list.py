"""The AI tab's transcript: a list view over the segments themselves.

A ten-hour transcript has tens of thousands of lines (word-level recognisers give one per
word or two); making a list item for each took the GUI thread 0.1 s per 10,000 lines. The
model formats only the lines the view paints, and the view lays the lines out in batches.
The model keeps each line as a tuple of a number and a string, which Python's collector stops
tracking at its first pass: 60,000 segment objects kept alive here made every later full
collection (on the GUI thread) longer.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtWidgets import QListView, QWidget

from core.ai.transcript import Segment
from core.domain.timefmt import format_time

START_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class TranscriptModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines: list[tuple[float, str]] = []

    def set_segments(self, segments: Sequence[Segment]) -> None:
        self.beginResetModel()
        self._lines = [(s.start, s.text) for s in segments]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._lines)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        start, text = self._lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"[{format_time(start)}] {text}"
        if role == START_ROLE:
            return start
        return None


class TranscriptList(QListView):
    """Activating a line (double-click, or a single click by platform style, or Enter)
    emits its start in seconds."""

    line_activated = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        # Laid out in batches between events: all at once, 60,000 lines held the GUI 90 ms.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(5000)
        self.setToolTip("Double-click a line to jump there")
        self._model = TranscriptModel(self)
        self.setModel(self._model)
        self.activated.connect(self._activated)

    def show_segments(self, segments: Sequence[Segment]) -> None:
        self._model.set_segments(segments)

    def count(self) -> int:
        return self._model.rowCount()

    def line_text(self, row: int) -> str:
        return str(self._model.data(self._model.index(row)))

    def line_rect(self, row: int) -> QRect:
        return self.visualRect(self._model.index(row))

    def select_line(self, row: int) -> None:
        self.setCurrentIndex(self._model.index(row))

    def _activated(self, index: QModelIndex) -> None:
        start = self._model.data(index, START_ROLE)
        if isinstance(start, float | int):
            self.line_activated.emit(float(start))
