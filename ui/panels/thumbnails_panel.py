"""Thumbnails: generate the defaults or one at the playhead, pick the default, delete others.

Generation runs on a worker thread with progress and cancel; images load off the GUI
thread too, so a VOD with many thumbnails never stalls the editor. A deleted thumbnail
leaves the grid at once but its files stay until the Undo bar goes away (10 s, the next
delete, or closing the editor), so Undo brings it back whole.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.media_specs import DEFAULT_THUMBNAIL_INDEX, THUMBNAIL_SIZES
from core.domain.sizes import describe_size
from core.domain.timefmt import format_display_time
from ui.tasks import describe_error
from ui.theme import icon

TILE = QSize(136, 77)
INFO_ROLE = Qt.ItemDataRole.UserRole + 1
RESOLUTION_CHOICES = (
    ("small, medium, large", ["small", "medium", "large"]),
    ("all sizes", list(THUMBNAIL_SIZES)),
    ("small only", ["small"]),
    ("large only", ["large"]),
)


class ThumbnailsPanel(QWidget):
    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.service = host.context.thumbnails
        self.task = None
        self.infos: list = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)

        row = QHBoxLayout()
        self.generate_button = QPushButton(icon("image", "#ffffff"), " Generate defaults")
        self.generate_button.setProperty("accent", True)
        self.generate_button.setToolTip(
            "Five frames at 20–100 % of the VOD; the middle one becomes the default"
        )
        self.generate_button.clicked.connect(lambda: self.generate(None))
        self.playhead_button = QPushButton(icon("flag"), " At playhead")
        self.playhead_button.setToolTip("One thumbnail at the current frame")
        self.playhead_button.clicked.connect(lambda: self.generate([self.host.playhead()]))
        self.sizes = QComboBox(toolTip="Resolutions to make")
        for label, names in RESOLUTION_CHOICES:
            self.sizes.addItem(label, names)
        self.chapters_button = QPushButton(icon("chapters"), "")
        self.chapters_button.setToolTip(
            "One thumbnail per chapter, picked near its start (saved as each chapter's thumbnail)"
        )
        self.chapters_button.clicked.connect(self.generate_for_chapters)
        row.addWidget(self.generate_button)
        row.addWidget(self.playhead_button)
        row.addWidget(self.chapters_button)
        row.addStretch(1)
        layout.addLayout(row)

        progress_row = QHBoxLayout()
        self.progress = QProgressBar(textVisible=False, maximumHeight=8)
        self.progress_label = QLabel(objectName="Muted")
        self.cancel_button = QToolButton(toolTip="Cancel")
        self.cancel_button.setIcon(icon("cancel", "muted"))
        self.cancel_button.setProperty("flat", True)
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.cancel_button)
        layout.addLayout(progress_row)
        self._set_busy(False)

        self.filter = QComboBox()
        self.filter.addItem("All resolutions", None)
        for name, size in THUMBNAIL_SIZES.items():
            self.filter.addItem(f"{name} ({size.width}×{size.height})", name)
        self.filter.currentIndexChanged.connect(self._fill)
        sizes_row = QHBoxLayout()
        sizes_row.addWidget(QLabel("Make"))
        sizes_row.addWidget(self.sizes, 1)
        sizes_row.addWidget(QLabel("Show"))
        sizes_row.addWidget(self.filter, 1)
        layout.addLayout(sizes_row)

        self.grid = QListWidget()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(TILE)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setSpacing(8)
        self.grid.setWordWrap(True)
        self.grid.setUniformItemSizes(True)
        self.grid.setGridSize(QSize(TILE.width() + 16, TILE.height() + 44))
        self.grid.itemSelectionChanged.connect(self._update_actions)
        self.grid.itemDoubleClicked.connect(
            lambda item: self.host.seek(item.data(INFO_ROLE).timestamp)
        )
        delete_key = QShortcut(QKeySequence(Qt.Key.Key_Delete), self.grid)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)  # this grid's key only
        delete_key.activated.connect(self.delete_selected)
        layout.addWidget(self.grid, 1)
        self.empty = QLabel(
            "No thumbnails yet — generate the defaults to pick a cover.",
            objectName="EmptyState",
            wordWrap=True,
            alignment=Qt.AlignmentFlag.AlignCenter,
        )
        layout.addWidget(self.empty)

        self._pending = None  # the deleted thumbnail whose files wait for the Undo bar
        self._pending_timer = QTimer(self, singleShot=True, interval=10000)
        self._pending_timer.timeout.connect(self.commit_delete)
        self.undo_bar = QWidget(objectName="UndoBar")
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(0, 0, 0, 0)
        self.undo_label = QLabel(objectName="Muted", wordWrap=True)
        self.undo_button = QPushButton(icon("undo"), " Undo")
        self.undo_button.clicked.connect(self.undo_delete)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        self.undo_bar.hide()
        layout.addWidget(self.undo_bar)

        actions = QHBoxLayout()
        self.default_button = QPushButton(icon("star", "warning"), " Make default")
        self.default_button.clicked.connect(self.make_default)
        self.delete_button = QPushButton(icon("trash", "danger"), "")
        self.delete_button.setToolTip("Delete this thumbnail (not the default)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.folder_button = QPushButton(icon("folder"), "")
        self.folder_button.setToolTip("Open the file's folder")
        self.folder_button.clicked.connect(self.open_folder)
        actions.addWidget(self.default_button, 1)
        actions.addWidget(self.delete_button)
        actions.addWidget(self.folder_button)
        layout.addLayout(actions)
        self._images: dict[str, QImage] = {}
        self.refresh()

    # --- data ----------------------------------------------------------------------------
    def refresh(self) -> None:
        service, vod_id = self.service, self.host.vod_id

        def load(progress, cancel):
            infos = service.list(vod_id)
            images = {}
            for info in infos:
                if cancel.is_set():
                    break
                if info.thumbnail_id not in self._images:
                    image = QImage(info.jpeg_path)
                    if not image.isNull():
                        images[info.thumbnail_id] = image.scaled(
                            TILE,
                            Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation,
                        )
            return infos, images

        self.host.tasks.run_task(load, on_done=self._loaded, on_error=self._failed)

    def _loaded(self, result) -> None:
        self.infos, images = result
        self._images.update(images)
        self._fill()

    def _fill(self) -> None:
        selected = self.selected()
        wanted = self.filter.currentData()
        self.grid.clear()
        pending = self._pending.thumbnail_id if self._pending else None
        for info in sorted(self.infos, key=lambda i: (i.timestamp, i.width)):
            if (wanted and info.resolution != wanted) or info.thumbnail_id == pending:
                continue
            image = self._images.get(info.thumbnail_id)
            label = f"{'★ ' if info.is_default else ''}{format_display_time(info.timestamp)}\n{info.resolution_label}"
            item = QListWidgetItem(
                QIcon(QPixmap.fromImage(image)) if image else icon("image", "muted"), label
            )
            item.setData(INFO_ROLE, info)
            item.setToolTip(
                f"{info.jpeg_path}\n{describe_size(info.size_bytes)}"
                + ("\nDefault thumbnail" if info.is_default else "")
            )
            if info.is_default:
                item.setForeground(Qt.GlobalColor.yellow)
            self.grid.addItem(item)
            if selected and selected.thumbnail_id == info.thumbnail_id:
                item.setSelected(True)
        self.empty.setVisible(not self.infos)
        self.grid.setVisible(bool(self.infos))
        self._update_actions()

    def shown_ids(self) -> list[str]:
        """Ids of the thumbnails in the grid, in order."""
        return [
            self.grid.item(row).data(INFO_ROLE).thumbnail_id for row in range(self.grid.count())
        ]

    def selected(self):
        items = self.grid.selectedItems()
        return items[0].data(INFO_ROLE) if items else None

    def select(self, thumbnail_id: str) -> None:
        for row in range(self.grid.count()):
            item = self.grid.item(row)
            item.setSelected(item.data(INFO_ROLE).thumbnail_id == thumbnail_id)

    def _update_actions(self) -> None:
        info = self.selected()
        self.default_button.setEnabled(info is not None and not info.is_default)
        self.delete_button.setEnabled(info is not None and not info.is_default)
        self.folder_button.setEnabled(info is not None)

    # --- actions -------------------------------------------------------------------------
    def generate(self, timestamps: list[float] | None) -> None:
        if self.task is not None:
            return
        service, vod_id = self.service, self.host.vod_id
        sizes = self.sizes.currentData()
        # The platform's default moment for the default batch; a frame picked by hand
        # does not take the default away from the one the user chose.
        make_default = DEFAULT_THUMBNAIL_INDEX if timestamps is None else None

        def work(progress, cancel):
            return service.generate(
                vod_id,
                timestamps=timestamps,
                resolutions=sizes,
                set_default=make_default,
                progress=progress,
                cancel=cancel,
            )

        self._set_busy(True)
        self.task = self.host.tasks.run_task(
            work,
            on_done=self._generated,
            on_error=self._failed,
            on_progress=self._progress,
            label="Making thumbnails",
        )

    def generate_for_chapters(self) -> None:
        if self.task is not None:
            return
        service, vod_id = self.service, self.host.vod_id

        def work(progress, cancel):
            return service.generate_for_chapters(vod_id, progress=progress, cancel=cancel)

        def done(result) -> None:
            self.task = None
            self._set_busy(False)
            self.host.push_change("Make chapter thumbnails", result.changes)
            self.host.show_message(f"{len(result.value)} chapter thumbnails ready (Ctrl+Z undoes)")

        self._set_busy(True)
        self.task = self.host.tasks.run_task(
            work,
            on_done=done,
            on_error=self._failed,
            on_progress=self._progress,
            label="Making chapter thumbnails",
        )

    def _progress(self, fraction, text: str) -> None:
        self.progress.setRange(0, 1000 if fraction is not None else 0)
        if fraction is not None:
            self.progress.setValue(int(fraction * 1000))
        self.progress_label.setText(text)

    def _generated(self, infos) -> None:
        self.task = None
        self._set_busy(False)
        self.host.show_message(f"{len(infos)} thumbnails ready")
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.task = None
        self._set_busy(False)
        self.host.show_message(f"Thumbnails: {describe_error(error)}", error=True)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.progress_label.setText("cancelling…")

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.progress, self.progress_label, self.cancel_button):
            widget.setVisible(busy)
        self.generate_button.setEnabled(not busy)
        self.playhead_button.setEnabled(not busy)
        self.chapters_button.setEnabled(not busy)
        if busy:
            self.progress.setRange(0, 0)
            self.progress_label.setText("starting…")

    def make_default(self) -> None:
        info = self.selected()
        if info is None:
            return
        try:
            self.service.set_default(self.host.vod_id, info.thumbnail_id)
        except Exception as error:
            self.host.show_message(describe_error(error), error=True)
            return
        self.host.show_message(
            f"Default thumbnail: {format_display_time(info.timestamp)} at {info.resolution_label}"
        )
        self.infos = self.service.list(self.host.vod_id)
        self._fill()
        self.select(info.thumbnail_id)

    def delete_selected(self) -> None:
        """Take the selected thumbnail out of the grid; its files go when the Undo bar does."""
        info = self.selected()
        if info is None:
            return
        if info.is_default:
            self.host.show_message(
                "The default thumbnail cannot be deleted: make another one the default first",
                error=True,
            )
            return
        self.commit_delete()  # one pending delete at a time
        self._pending = info
        self.undo_label.setText(
            f"Thumbnail at {format_display_time(info.timestamp)} ({info.resolution_label}) deleted"
        )
        self.undo_bar.show()
        self._pending_timer.start()
        self._fill()
        self.grid.setFocus()

    def undo_delete(self) -> None:
        if self._pending is None:
            return
        restored, self._pending = self._pending, None
        self._pending_timer.stop()
        self.undo_bar.hide()
        self._fill()
        self.select(restored.thumbnail_id)
        self.host.show_message(f"Thumbnail at {format_display_time(restored.timestamp)} restored")

    def commit_delete(self) -> None:
        """Delete the pending thumbnail's row and files for good (no Undo after this)."""
        info, self._pending = self._pending, None
        self._pending_timer.stop()
        self.undo_bar.hide()
        if info is None:
            return
        try:
            self.service.delete(self.host.vod_id, info.thumbnail_id)
        except Exception as error:
            self.host.show_message(describe_error(error), error=True)
            self._fill()
            return
        self.infos = [i for i in self.infos if i.thumbnail_id != info.thumbnail_id]
        self._fill()

    def open_folder(self) -> None:
        info = self.selected()
        if info is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(info.jpeg_path).parent)))

    def close_panel(self) -> None:
        self.commit_delete()
        self.cancel()
