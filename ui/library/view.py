"""The library grid: import by menu, button or drag-and-drop; double-click opens the editor."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.domain.sync_state import SyncState
from core.domain.timefmt import format_time
from core.library.overview import VodCard
from ui.theme import icon, pixmap

from .delegate import THUMB_ROLE, VOD_ROLE, VodCardDelegate

SYNC_BADGES = {
    SyncState.SYNCED: "synced",
    SyncState.LOCAL_CHANGES: "changed",
    SyncState.UPLOADING: "uploading",
    SyncState.CONFLICT: "conflict",
    SyncState.ERROR: "sync error",
}


def card_data(card: VodCard) -> dict:
    vod, chapter_count = card.vod, card.chapter_count
    badges = [vod.status]
    sync_badge = SYNC_BADGES.get(card.sync_state)  # none for a VOD never uploaded
    if sync_badge and sync_badge not in badges:
        badges.append(sync_badge)
    parts = [f"{chapter_count} chapter{'s' if chapter_count != 1 else ''}"]
    if vod.height:
        parts.append(f"{vod.height}p")
    if vod.size_bytes:
        parts.append(_size(vod.size_bytes))
    if vod.created_at:
        parts.append(vod.created_at.strftime("%b %d"))
    return {
        "id": vod.id,
        "title": vod.title,
        "duration_text": format_time(vod.duration, decimals=0),
        "badges": badges,
        "detail": "  ·  ".join(parts),
        "status": vod.status,
    }


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"


class LibraryView(QWidget):
    open_requested = Signal(str)
    import_requested = Signal()

    def __init__(self, context, tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        header = QWidget(objectName="HeaderBar")
        row = QHBoxLayout(header)
        row.setContentsMargins(18, 12, 18, 12)
        logo = QLabel()
        logo.setPixmap(pixmap("logo", "accent", 28))
        row.addWidget(logo)
        title = QLabel("Library", objectName="HeaderTitle")
        row.addWidget(title)
        self.count_label = QLabel(objectName="Muted")
        row.addWidget(self.count_label)
        row.addStretch(1)
        self.search = QLineEdit(placeholderText="Search VODs")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search", "muted"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setFixedWidth(240)
        self.search.textChanged.connect(self._apply_search)
        row.addWidget(self.search)
        self.import_button = QPushButton(icon("import", "#ffffff"), "  Import VOD")
        self.import_button.setProperty("accent", True)
        self.import_button.clicked.connect(self.import_requested.emit)
        row.addWidget(self.import_button)
        layout.addWidget(header)

        self.stack = QStackedWidget()
        self.model = QStandardItemModel(self)
        self.grid = QListView()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setSpacing(4)
        self.grid.setMouseTracking(True)
        self.grid.setModel(self.model)
        self.grid.setItemDelegate(VodCardDelegate(self.grid))
        self.grid.setContentsMargins(12, 12, 12, 12)
        self.grid.setStyleSheet(
            "QListView { padding: 14px; background: #111117; }"
            "QListView::item:selected { background: transparent; }"
        )
        self.grid.doubleClicked.connect(
            lambda index: self.open_requested.emit(index.data(VOD_ROLE)["id"])
        )
        self.grid.activated.connect(
            lambda index: self.open_requested.emit(index.data(VOD_ROLE)["id"])
        )
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self._empty_state())
        layout.addWidget(self.stack, 1)

    def _empty_state(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addStretch(1)
        art = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        art.setPixmap(pixmap("film", "#5b4a9e", 84))
        column.addWidget(art)
        heading = QLabel("Bring in your first stream", alignment=Qt.AlignmentFlag.AlignCenter)
        heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        column.addWidget(heading)
        hint = QLabel(
            "Drop a recording anywhere on this window, or click Import VOD.\n"
            "Everything stays on your machine until you upload.",
            objectName="EmptyState",
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        column.addWidget(hint)
        column.addStretch(2)
        return page

    def refresh(self) -> None:
        cards = self.context.vods.cards()
        self.model.clear()
        for card in cards:
            vod = card.vod
            item = QStandardItem()
            item.setData(card_data(card), VOD_ROLE)
            if card.default_thumbnail:
                item.setData(QPixmap(card.default_thumbnail), THUMB_ROLE)
            item.setToolTip(f"{vod.title}\n{vod.file_path}\nDouble-click to edit")
            item.setSizeHint(QSize(288, 231))
            self.model.appendRow(item)
        self.count_label.setText(f"{len(cards)} VOD{'s' if len(cards) != 1 else ''}")
        self.stack.setCurrentIndex(0 if cards else 1)
        self._apply_search(self.search.text())

    def _apply_search(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.model.rowCount()):
            title = self.model.item(row).data(VOD_ROLE)["title"].casefold()
            self.grid.setRowHidden(row, bool(needle) and needle not in title)

    def select(self, vod_id: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(VOD_ROLE)["id"] == vod_id:
                self.grid.setCurrentIndex(self.model.index(row, 0))
