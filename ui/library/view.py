"""The library grid: import by menu, button or drag-and-drop; double-click opens the editor."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QImageReader,
    QKeySequence,
    QPixmap,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.domain.plurals import plural
from core.domain.sizes import describe_size, format_size
from core.domain.sync_state import SyncState
from core.domain.timefmt import format_time
from core.library.overview import VodCard
from ui.theme import icon, pixmap

from .delegate import CARD_WIDTH, THUMB_HEIGHT, THUMB_ROLE, VOD_ROLE, VodCardDelegate

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
    if vod.claimed_duration:
        badges.append("cut short")
    parts = [plural(chapter_count, "chapter")]
    if vod.height:
        parts.append(f"{vod.height}p")
    if vod.size_bytes:
        parts.append(format_size(vod.size_bytes))
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


class LibraryView(QWidget):
    open_requested = Signal(str)
    import_requested = Signal()
    #: a VOD id: the user asked to take it out of the library (the window asks how)
    remove_requested = Signal(str)

    def __init__(self, context, tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tasks = tasks
        self._thumbs: dict[str, QPixmap] = {}  # cover images by path, at card size
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
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._card_menu)
        remove = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.grid)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self._remove_current)
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
        wanted: dict[str, str] = {}
        for card in cards:
            vod = card.vod
            item = QStandardItem()
            item.setData(card_data(card), VOD_ROLE)
            if card.default_thumbnail:
                cached = self._thumbs.get(card.default_thumbnail)
                if cached is not None:
                    item.setData(cached, THUMB_ROLE)
                else:
                    wanted[vod.id] = card.default_thumbnail
            size = f"\n{describe_size(vod.size_bytes)}" if vod.size_bytes else ""
            warning = self.context.vods.truncation_warning(vod)
            cut_short = f"\n{warning}." if warning else ""
            item.setToolTip(f"{vod.title}\n{vod.file_path}{size}{cut_short}\nDouble-click to edit")
            item.setSizeHint(QSize(288, 231))
            self.model.appendRow(item)
        self.count_label.setText(plural(len(cards), "VOD"))
        if wanted:
            self._load_thumbnails(wanted)
        self.stack.setCurrentIndex(0 if cards else 1)
        self._apply_search(self.search.text())

    def _apply_search(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.model.rowCount()):
            title = self.model.item(row).data(VOD_ROLE)["title"].casefold()
            self.grid.setRowHidden(row, bool(needle) and needle not in title)

    def _load_thumbnails(self, wanted: dict[str, str]) -> None:
        """Decode the cards' cover images off the GUI thread, at card size (a default
        thumbnail is the largest one made: decoding a dozen on the GUI thread froze it)."""

        def load(progress, cancel):
            images = {}
            for vod_id, path in wanted.items():
                if cancel.is_set():
                    break
                reader = QImageReader(path)
                size = reader.size()
                if size.isValid():
                    reader.setScaledSize(
                        size.scaled(
                            CARD_WIDTH, THUMB_HEIGHT, Qt.AspectRatioMode.KeepAspectRatioByExpanding
                        )
                    )
                image = reader.read()
                if not image.isNull():
                    images[vod_id] = (path, image)
            return images

        self.tasks.run_task(load, on_done=self._thumbnails_loaded, on_error=lambda error: None)

    def _thumbnails_loaded(self, images: dict) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            found = images.get(item.data(VOD_ROLE)["id"])
            if found is not None:
                path, image = found
                pixmap = self._thumbs[path] = QPixmap.fromImage(image)
                item.setData(pixmap, THUMB_ROLE)

    def current_id(self) -> str | None:
        index = self.grid.currentIndex()
        return index.data(VOD_ROLE)["id"] if index.isValid() else None

    def _remove_current(self) -> None:
        vod_id = self.current_id()
        if vod_id:
            self.remove_requested.emit(vod_id)

    def _card_menu(self, position) -> None:
        index = self.grid.indexAt(position)
        if not index.isValid():
            return
        self.grid.setCurrentIndex(index)
        vod_id = index.data(VOD_ROLE)["id"]
        menu = QMenu(self)
        menu.addAction(icon("chapters"), "Open", lambda: self.open_requested.emit(vod_id))
        menu.addSeparator()
        menu.addAction(
            icon("trash", "danger"),
            "Remove from library…",
            lambda: self.remove_requested.emit(vod_id),
        )
        self.card_menu = menu
        menu.popup(self.grid.viewport().mapToGlobal(position))

    def select(self, vod_id: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(VOD_ROLE)["id"] == vod_id:
                self.grid.setCurrentIndex(self.model.index(row, 0))
