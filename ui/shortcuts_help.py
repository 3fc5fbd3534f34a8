"""The keyboard help: one list of the editor's keys, shown in its own window (Help ▸ Keyboard
shortcuts, or ``?``), never over the timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: (section, keys, what they do), in the order the help shows them
SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    ("Player", "Space", "play / pause"),
    ("Player", "J / K / L", "shuttle back / stop / forward (press again to go faster)"),
    ("Player", "← / →", "back / forward 5 s"),
    ("Player", ", / .", "previous / next frame"),
    ("Player", "Home / End", "go to the start / the end"),
    ("Chapters", "drag on empty timeline", "draw a chapter (it stops at its neighbours)"),
    ("Chapters", "I / O", "set in / out (with a chapter selected: move its start / end)"),
    ("Chapters", "M", "add a chapter at the playhead (until the next chapter)"),
    ("Chapters", "Alt+← / Alt+→", "previous / next chapter"),
    ("Chapters", "double-click", "rename the chapter"),
    ("Chapters", "Delete", "delete the selected chapter (on the timeline or in the list)"),
    ("Clips", "Ctrl+E", "export the selected chapter, or the in–out range, as a clip"),
    ("Clips", "right-click", "export a chapter, every chapter, or the in–out range"),
    ("Thumbnails", "Delete", "delete the selected thumbnail (Undo in the panel)"),
    ("Editing", "Ctrl+Z / Ctrl+Shift+Z", "undo / redo"),
    ("View", "Ctrl+wheel, Ctrl+= / Ctrl+-", "zoom the timeline around the cursor / in / out"),
    ("View", "Ctrl+0", "show the whole VOD"),
    ("Window", "Ctrl+O", "import a recording"),
    ("Window", "Ctrl+L", "back to the library"),
    ("Window", "?", "this help"),
)


def shortcuts_text() -> str:
    return "\n".join(f"{keys}: {what}" for _section, keys, what in SHORTCUTS)


class ShortcutsDialog(QDialog):
    """Non-modal: it can stay open beside the editor while the keys are tried."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Keys act on the part of the window that has the keyboard focus: the player and "
            "timeline, the chapter list or the thumbnails.",
            wordWrap=True,
            objectName="Muted",
        )
        layout.addWidget(intro)
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setHorizontalHeaderLabels(["", "Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.setShowGrid(False)
        table.setWordWrap(False)
        for row, (section, keys, what) in enumerate(SHORTCUTS):
            shown = section if row == 0 or SHORTCUTS[row - 1][0] != section else ""
            for column, text in enumerate((shown, keys, what)):
                item = QTableWidgetItem(text)
                if column == 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, column, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.table = table
        self._fit_to_text()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

    def _fit_to_text(self) -> None:
        """As large as every line needs (a help cut off with "…" helps nobody), within the
        screen: a short fixed list, so measuring every row costs nothing."""
        table = self.table
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        columns = sum(table.columnWidth(c) for c in range(table.columnCount()))
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        frame = 2 * table.frameWidth()
        margins = self.layout().contentsMargins()
        chrome_width = margins.left() + margins.right() + frame
        width = columns + table.verticalScrollBar().sizeHint().width() + chrome_width
        height = rows + table.horizontalHeader().height() + frame + 120
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 80)
        self.resize(max(width, 480), max(height, 320))

    def text(self) -> str:
        return shortcuts_text()
