"""The editor's Upload tab: publish the VOD (tus upload + post) and keep it in sync.

All work goes through ``host.context.uploads`` and ``host.context.sync`` on worker threads;
pause and cancel reach the running upload through its ``UploadControl``. A sync's pulled
chapters reach the editor as a change set (``host.merge_change``); a local chapter change
re-reads the sync state on a worker thread, and only once the VOD is on the platform.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.domain.changes import ChangeOrigin
from core.domain.sync_state import SyncState
from core.domain.visibility import Visibility
from core.platform import UploadControl, UploadOptions
from core.platform.errors import PlatformNotConfiguredError

STATE_TEXT = {
    SyncState.NOT_UPLOADED: "Not on the platform yet",
    SyncState.UPLOADING: "Upload not finished",
    SyncState.SYNCED: "Synced",
    SyncState.LOCAL_CHANGES: "Local changes waiting to sync",
    SyncState.CONFLICT: "Conflict: choose which version to keep",
    SyncState.ERROR: "Sync error",
}


class UploadPanel(QWidget):
    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self._control: UploadControl | None = None
        self._upload_task = None
        self._sync_task = None
        self._state_task = None
        self._state_stale = False
        self._read_order = itertools.count()
        self._shown_read = -1
        self._uploaded = False
        self._pending_error: str | None = None
        #: the sync state last read; None until the first read (on a worker) returns
        self.state: str | None = None
        #: tus chunk in bytes; None keeps the uploader's default (50 MiB)
        self.chunk_size: int | None = None
        self._build()
        host.chapters_changed.connect(self._chapters_changed)
        self._fill_from_vod()
        # Whether the VOD is on the platform already is not known until the first read.
        self.upload_button.setEnabled(False)
        self.sync_button.setEnabled(False)
        self.refresh_state()

    # --- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        self.title_edit = QLineEdit()
        self.description_edit = QPlainTextEdit()
        self.description_edit.setFixedHeight(70)
        self.visibility_box = QComboBox()
        self.visibility_box.addItems([v.value for v in Visibility])
        self.group_edit = QLineEdit()
        self.group_edit.setPlaceholderText("optional group UUID")
        self.nsfw_check = QCheckBox("NSFW")
        self.warning_edit = QLineEdit()
        self.warning_edit.setPlaceholderText("optional content warning")
        form = QFormLayout()
        form.addRow("Title", self.title_edit)
        form.addRow("Description", self.description_edit)
        form.addRow("Visibility", self.visibility_box)
        form.addRow("Group", self.group_edit)
        form.addRow("Content warning", self.warning_edit)
        form.addRow("", self.nsfw_check)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self._uploading = False
        # Shown while uploading or part-uploaded; an idle empty bar reads as stuck.
        self.progress_bar.valueChanged.connect(lambda _: self._show_progress_bar())
        self.progress_bar.hide()
        self.progress_label = QLabel("", wordWrap=True)
        # A long error wraps inside the panel instead of widening the window.
        self.progress_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.upload_button = QPushButton("Upload")
        self.pause_button = QPushButton("Pause")
        self.cancel_button = QPushButton("Cancel")
        self.upload_button.clicked.connect(self.start_upload)
        self.pause_button.clicked.connect(self.pause_upload)
        self.cancel_button.clicked.connect(self.cancel_upload)
        self.settings_button = QPushButton("Open Settings…")
        self.settings_button.setToolTip("Enter the platform's address and token")
        self.settings_button.clicked.connect(self.open_settings)
        self.settings_button.hide()
        buttons = QHBoxLayout()
        for button in (self.upload_button, self.pause_button, self.cancel_button):
            buttons.addWidget(button)
        upload_box = QGroupBox("Publish")
        upload_layout = QVBoxLayout(upload_box)
        upload_layout.addLayout(form)
        upload_layout.addWidget(self.progress_bar)
        upload_layout.addWidget(self.progress_label)
        upload_layout.addWidget(self.settings_button)
        upload_layout.addLayout(buttons)

        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        self.sync_button = QPushButton("Sync now")
        self.sync_button.clicked.connect(self.start_sync)
        self.conflict_list = QListWidget()
        self.keep_local_button = QPushButton("Keep mine")
        self.keep_remote_button = QPushButton("Keep platform's")
        self.keep_local_button.clicked.connect(lambda: self.resolve_selected("local"))
        self.keep_remote_button.clicked.connect(lambda: self.resolve_selected("remote"))
        resolve_row = QHBoxLayout()
        resolve_row.addWidget(self.keep_local_button)
        resolve_row.addWidget(self.keep_remote_button)
        sync_box = QGroupBox("Sync")
        sync_layout = QVBoxLayout(sync_box)
        sync_layout.addWidget(self.state_label)
        sync_layout.addWidget(self.sync_button)
        sync_layout.addWidget(self.conflict_list)
        sync_layout.addLayout(resolve_row)

        layout = QVBoxLayout(self)
        layout.addWidget(upload_box)
        layout.addWidget(sync_box)
        layout.addStretch(1)

    def _fill_from_vod(self) -> None:
        vod = self.host.vod  # read by the editor when it opened: no database read here
        self.title_edit.setText(vod.title)
        self.description_edit.setPlainText(vod.description or "")
        self.visibility_box.setCurrentText(vod.visibility or Visibility.PUBLIC)
        self.group_edit.setText(vod.group_id or "")
        self.warning_edit.setText(vod.content_warning or "")
        self.nsfw_check.setChecked(bool(vod.is_nsfw))

    # --- upload --------------------------------------------------------------------------
    def options(self) -> UploadOptions:
        return UploadOptions(
            title=self.title_edit.text().strip() or None,
            description=self.description_edit.toPlainText().strip() or None,
            visibility=self.visibility_box.currentText(),
            group_id=self.group_edit.text().strip() or None,
            content_warning=self.warning_edit.text().strip() or None,
            is_nsfw=self.nsfw_check.isChecked(),
            **({"chunk_size": self.chunk_size} if self.chunk_size else {}),
        )

    def start_upload(self) -> None:
        """Upload, or resume a paused or interrupted upload from the server's offset."""
        if self._upload_task is not None and self._upload_task.is_running():
            return
        options = self.options()
        uploads, vod_id = self.host.context.uploads, self.host.vod_id
        # Made here, on the GUI thread, so Pause/Cancel work from the first moment.
        control = self._control = UploadControl()

        def work(progress, cancel):
            control.bind_cancel(cancel)
            return uploads.upload(
                vod_id,
                options,
                control=control,
                progress=lambda p: progress(p.fraction, f"{p.phase}: {p.describe()}"),
            )

        self._set_uploading(True)
        self._upload_task = self.host.tasks.run_task(
            work,
            on_done=self._upload_done,
            on_error=self._upload_failed,
            on_progress=self._upload_progress,
            label="Uploading VOD",
        )

    def pause_upload(self) -> None:
        if self._control is not None:
            self._control.pause()

    def cancel_upload(self) -> None:
        if self._control is not None:
            self._control.cancel()

    def _upload_progress(self, fraction: float | None, text: str) -> None:
        if fraction is not None:
            self.progress_bar.setValue(int(fraction * 100))
        self.progress_label.setText(text)

    def _upload_done(self, result) -> None:
        self._set_uploading(False)
        if result.status == "completed":
            self.progress_bar.setValue(100)
            self.host.show_message("Uploaded and posted on the platform")
        elif result.status == "paused":
            self.upload_button.setText("Resume")
            self.host.show_message("Upload paused; Resume continues where it stopped")
        else:
            self.progress_bar.setValue(0)
            self.progress_label.setText("Upload cancelled")
        self.refresh_state()

    def _upload_failed(self, error: BaseException) -> None:
        self._set_uploading(False)
        if self._needs_settings(error):
            return
        self.upload_button.setText("Resume")
        self.progress_label.setText(f"Upload stopped: {error}")
        self.host.show_message(str(error), error=True)
        self.refresh_state()

    def _needs_settings(self, error: BaseException) -> bool:
        """No platform configured: say where to set it up (Settings), not which environment
        variable a developer would set."""
        if not isinstance(error, PlatformNotConfiguredError):
            self.settings_button.hide()
            return False
        self.progress_label.setText(
            "The platform is not set up yet: enter its address and your token in Settings, "
            "then upload again."
        )
        self.settings_button.show()
        self.host.show_message("Set up the platform in Settings before uploading", error=True)
        return True

    def open_settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.host.context, self.window(), tasks=self.host.tasks)
        dialog.saved.connect(lambda text: self.host.show_message(text))
        dialog.saved.connect(lambda _text: self.settings_button.hide())
        self.settings_dialog = dialog
        dialog.open()

    def _show_progress_bar(self) -> None:
        self.progress_bar.setVisible(self._uploading or self.progress_bar.value() > 0)

    def _set_uploading(self, running: bool) -> None:
        self._uploading = running
        self._show_progress_bar()
        self.upload_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        for field in (
            self.title_edit,
            self.description_edit,
            self.visibility_box,
            self.group_edit,
            self.warning_edit,
            self.nsfw_check,
        ):
            field.setEnabled(not running)

    # --- sync ----------------------------------------------------------------------------
    def refresh_state(self, last_error: str | None = None) -> None:
        """Read the sync state on a worker (a read on the GUI thread would wait on another
        writer's lock); ``last_error`` is shown with it."""
        if last_error is not None:
            self._pending_error = last_error
        self._read_state_in_background()

    def _read_state(self) -> tuple:
        """The sync state and conflicts, numbered in the order they were read (on any
        thread), so an older read that finishes late never replaces a newer one."""
        sync, vod_id = self.host.context.sync, self.host.vod_id
        order = next(self._read_order)
        return order, sync.state(vod_id), sync.conflicts(vod_id)

    def _chapters_changed(self, changes) -> None:
        # Chapter edits change the sync state only once the VOD is on the platform; a pull
        # is followed by the sync's own state read.
        if changes and changes.origin is not ChangeOrigin.PULL and self._uploaded:
            self._read_state_in_background()

    def _read_state_in_background(self) -> None:
        """The state and conflicts, read on a worker thread; edits in a row share one read,
        and a running sync reads them when it ends."""
        if _running(self._state_task) or _running(self._sync_task):
            self._state_stale = True
            return
        self._state_task = self.host.tasks.run_task(
            lambda progress, cancel: self._read_state(),
            on_done=self._state_read,
            on_error=lambda error: self.state_label.setText(
                f"{STATE_TEXT[SyncState.ERROR]}: {error}"
            ),
        )

    def _state_read(self, read) -> None:
        if not _running(self._sync_task):  # "Syncing…" stays until the sync's own read
            self._show_state(read)
        self._read_again_if_stale()

    def _read_again_if_stale(self) -> None:
        if self._state_stale:
            self._state_stale = False
            self._read_state_in_background()

    def _show_state(self, read: tuple, last_error: str | None = None) -> None:
        order, state, conflicts = read
        if order < self._shown_read:
            return
        self._shown_read = order
        text = STATE_TEXT.get(state.state, state.state)
        if state.state == SyncState.LOCAL_CHANGES:
            text += f" ({state.pending_changes})"
        error = last_error or self._pending_error or state.last_error
        self._pending_error = None
        if error:
            text = f"{STATE_TEXT[SyncState.ERROR]}: {error}"
        self.state_label.setText(text)
        self.state = SyncState.ERROR if error else state.state
        uploaded = self._uploaded = bool(state.remote_id)
        self.sync_button.setEnabled(uploaded)
        if uploaded:
            self.upload_button.setEnabled(False)
            self.upload_button.setText("Uploaded")
            self.pause_button.setEnabled(False)
            self.cancel_button.setEnabled(False)
        elif self._upload_task is None or not self._upload_task.is_running():
            self.upload_button.setEnabled(True)
            self.pause_button.setEnabled(False)
            self.cancel_button.setEnabled(False)
            if state.upload_status in ("paused", "uploading", "failed"):
                self.upload_button.setText("Resume")
                if state.upload_size:
                    self.progress_bar.setValue(int(100 * state.upload_offset / state.upload_size))
        self.conflict_list.clear()
        for conflict in conflicts:
            item = QListWidgetItem(
                f"{_title(conflict.local)} ↔ {_title(conflict.remote)} — {conflict.reason}"
            )
            item.setData(Qt.ItemDataRole.UserRole, conflict.chapter_id)
            self.conflict_list.addItem(item)
        has_conflicts = self.conflict_list.count() > 0
        self.keep_local_button.setEnabled(has_conflicts)
        self.keep_remote_button.setEnabled(has_conflicts)
        if has_conflicts and self.conflict_list.currentRow() < 0:
            self.conflict_list.setCurrentRow(0)

    def start_sync(self) -> None:
        if self._sync_task is not None and self._sync_task.is_running():
            return
        sync, vod_id = self.host.context.sync, self.host.vod_id
        self.sync_button.setEnabled(False)
        self.state_label.setText("Syncing…")

        def work(progress, cancel):
            return sync.sync(vod_id)[0], self._read_state()

        self._sync_task = self.host.tasks.run_task(
            work,
            on_done=self._sync_done,
            on_error=self._sync_failed,
            label="Syncing with the platform",
        )

    def resolve_selected(self, keep: str) -> None:
        item = self.conflict_list.currentItem()
        if item is None:
            return
        sync, vod_id = self.host.context.sync, self.host.vod_id
        chapter_id = item.data(Qt.ItemDataRole.UserRole)
        self.keep_local_button.setEnabled(False)  # one choice per conflict
        self.keep_remote_button.setEnabled(False)

        def resolved(result) -> None:
            if result.changes:  # keeping the platform's side of a chapter it does not have
                self.host.merge_change(result.changes)
            self.start_sync()

        def failed(error: BaseException) -> None:
            self.host.show_message(str(error), error=True)
            self.refresh_state()  # the conflicts as they are now, buttons with them

        self.host.tasks.run_task(
            lambda progress, cancel: sync.resolve(vod_id, chapter_id, keep),
            on_done=resolved,
            on_error=failed,
            label="Resolving a conflict",
        )

    def _sync_done(self, result) -> None:
        report, read = result
        if report.changes:
            self.host.merge_change(report.changes)
        self._show_state(read, report.errors[0] if report.errors else None)
        self._read_again_if_stale()
        if report.conflicts:
            self.host.show_message(f"{len(set(report.conflicts))} chapter conflicts to resolve")
        elif report.unreadable:
            self.host.show_message(
                f"{len(report.unreadable)} platform record(s) could not be read and were "
                f"skipped (their local changes wait): {report.unreadable[0]}",
                error=True,
            )
        elif report.thumbnail == "set":
            self.host.show_message("Default thumbnail set on the platform")

    def _sync_failed(self, error: BaseException) -> None:
        if self._needs_settings(error):
            self.refresh_state()
            return
        self.refresh_state(str(error))
        self.host.show_message(str(error), error=True)


def _title(snapshot) -> str:
    return f"“{snapshot['title']}”" if snapshot else "(deleted)"


def _running(task) -> bool:
    return task is not None and task.is_running()
