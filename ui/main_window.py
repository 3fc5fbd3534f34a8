"""The main window: library and editor pages, menus, drag-and-drop import, status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from .elided_label import ElidedLabel
from .library import LibraryView
from .preferences import last_folder, remember_folder
from .tasks import TaskRunner, describe_error
from .theme import icon
from .toast import Toast

VIDEO_FILTER = "Videos (*.mp4 *.mkv *.mov *.flv *.ts *.webm *.m4v *.avi);;All files (*)"
VIDEO_SUFFIXES = {".mp4", ".mkv", ".mov", ".flv", ".ts", ".webm", ".m4v", ".avi", ".m2ts"}


class MainWindow(QMainWindow):
    """Built with a context, or without one and given it by ``attach_context`` once the
    database is open (so the window shows before SQLAlchemy and Alembic are even imported)."""

    def __init__(self, context=None) -> None:
        super().__init__()
        self.context = None
        self.library = None
        self._pending_imports: list[str] = []
        self.setWindowTitle("VOD Studio")
        self.setWindowIcon(icon("logo", "accent", 64))
        self.resize(1440, 900)
        self.setAcceptDrops(True)
        self.tasks = TaskRunner(self)
        self.tasks.error.connect(lambda text: self.show_message(text, error=True))
        self.tasks.damage_found.connect(self.offer_repair)
        self.tasks.activity_changed.connect(self._update_activity)
        self.editor = None
        self._opening: str | None = None  # the VOD being read for the editor, off-thread
        self.shortcuts_dialog = None
        self.repair = None  # the damaged-database dialog, while it is offered
        self._make_context_for = None  # how open_context builds a context for a folder
        self.quit_prompt: QMessageBox | None = None
        self._quit_confirmed = False

        self.pages = QStackedWidget()
        self.loading = QLabel(
            "Opening your library…", objectName="EmptyState", alignment=Qt.AlignmentFlag.AlignCenter
        )
        self.pages.addWidget(self.loading)
        self.setCentralWidget(self.pages)
        self.toast = Toast(self)
        self._build_menus()
        self._build_status_bar()
        self._restore_geometry()
        if context is not None:
            self.attach_context(context)

    def attach_context(self, context) -> None:
        self.context = context
        self.library = LibraryView(context, self.tasks)
        self.library.open_requested.connect(self.request_open)
        self.library.import_requested.connect(self.choose_import)
        self.library.remove_requested.connect(self.remove_vod)
        self.pages.addWidget(self.library)
        self.pages.setCurrentWidget(self.library)
        self.data_label.setText(f"Data: {context.data_dir}")
        self.library.refresh()
        self._resume_transcodes()
        for path in self._pending_imports:
            self.import_file(path)
        self._pending_imports.clear()
        from .warmup import warm_up_editor

        warm_up_editor(self.tasks)  # the first opening of the editor then imports nothing

    def open_context(self, make_context, make_context_for=None) -> None:
        """Open the data directory off the GUI thread, then show the library.

        ``make_context_for(folder=None)``, when given, builds a context for another folder:
        the damaged-database dialog offers one (``ui.database_repair``)."""
        self._make_context_for = make_context_for

        def work(progress, cancel):
            context = make_context()
            try:
                _ = context.database  # imports SQLAlchemy/Alembic and migrates: the slow part
                context.database.check_pages()  # damage past the header: offer the way out now
                context.thumbnails.reconcile_files()  # what a killed run left behind
            except BaseException:
                context.close()  # no connection left on a file a restore is about to set aside
                raise
            return context

        def failed(error: BaseException) -> None:
            from core.store.damage import DatabaseDamagedError

            self.loading.setText(f"Could not open the data directory:\n{describe_error(error)}")
            self.loading.setObjectName("ErrorText")
            self.loading.setStyleSheet("color: #ff8097;")
            if isinstance(error, DatabaseDamagedError):
                from .database_repair import DatabaseRepair

                self.loading.setText("The library's database file is damaged.")

                self.repair = DatabaseRepair(
                    self, error, error.path.parent, make_context_for or (lambda *_: make_context())
                )
                self.repair.show()

        self.tasks.run_task(
            work, on_done=self.attach_context, on_error=failed, label="Opening the library"
        )

    def offer_repair(self, error: BaseException) -> None:
        """Damage met while working (past the start's check): offer the start's way out now.
        Choosing it first lets go of the library (tasks stopped, a running transcode queued,
        the database closed), so nothing writes to the file being set aside."""
        from core.store.backups import damaged
        from core.store.damage import damage_reason
        from core.store.db import DATABASE_FILENAME

        reason = damage_reason(error)
        if not reason or self.context is None or self._make_context_for is None:
            return
        if self.repair is not None and self.repair.dialog.isVisible():
            return  # one offer at a time, however many tasks meet the damage
        from .database_repair import DatabaseRepair

        data_dir = Path(self.context.data_dir)
        self.repair = DatabaseRepair(
            self,
            damaged(data_dir / DATABASE_FILENAME, reason),
            data_dir,
            self._make_context_for,
            before_switch=self.release_context,
        )
        self.repair.show()

    def release_context(self) -> None:
        """Stop using the open library: back to the page shown while one opens."""
        from .jobs_bridge import stop_job_bridge

        if self.context is None:
            return
        self.tasks.cancel_all()
        self._close_editor()
        stop_job_bridge(self.context)  # a running transcode is queued again
        self.tasks.wait(5000)  # cancelled work lets go of the database before it closes
        if self.library is not None:
            self.pages.removeWidget(self.library)
            self.library.deleteLater()
            self.library = None
        self.loading.setText("Opening your library…")
        self.pages.setCurrentWidget(self.loading)
        self.context.close()
        self.context = None

    # --- chrome --------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.import_action = QAction(
            icon("import"), "&Import VOD…", self, shortcut=QKeySequence.StandardKey.Open
        )
        self.import_action.triggered.connect(self.choose_import)
        file_menu.addAction(self.import_action)
        library_action = QAction(icon("library"), "&Library", self, shortcut="Ctrl+L")
        library_action.triggered.connect(self.show_library)
        file_menu.addAction(library_action)
        self.remove_action = QAction(icon("trash"), "&Remove from library…", self)
        self.remove_action.setToolTip(
            "Take the VOD out of the library; you choose what happens to its files"
        )
        self.remove_action.triggered.connect(self._remove_current)
        file_menu.addAction(self.remove_action)
        file_menu.addSeparator()
        settings_action = QAction(icon("settings"), "&Settings…", self, shortcut="Ctrl+,")
        settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)
        self.edit_menu = bar.addMenu("&Edit")
        self.chapters_menu = bar.addMenu("&Chapters")
        self.chapters_menu.setEnabled(False)  # filled while a VOD is open in the editor
        help_menu = bar.addMenu("&Help")
        shortcuts = QAction("&Keyboard shortcuts", self, shortcut="?")
        shortcuts.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        self.addAction(shortcuts)  # "?" works while the menu bar is closed
        about = QAction("About VOD Studio", self)
        about.triggered.connect(self.open_about)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        status.setSizeGripEnabled(False)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 8, 0)
        self.activity_label = ElidedLabel()
        self.activity_bar = QProgressBar(maximumWidth=160, maximumHeight=10, textVisible=False)
        self.activity_cancel = QToolButton(toolTip="Cancel background work")
        self.activity_cancel.setProperty("flat", True)
        self.activity_cancel.setIcon(icon("cancel", "muted"))
        self.activity_cancel.clicked.connect(self.tasks.cancel_all)
        for widget in (self.activity_label, self.activity_bar, self.activity_cancel):
            row.addWidget(widget)
        # Messages get a label of their own, cut to the room it has: QStatusBar's temporary
        # message is painted over whatever sits beside it (the data folder, for one).
        self.message_label = ElidedLabel("")
        self._message_timer = QTimer(self, singleShot=True, interval=8000)
        self._message_timer.timeout.connect(lambda: self.message_label.setText(""))
        status.addWidget(self.message_label, 1)
        self.data_label = ElidedLabel("", objectName="Muted")
        self.data_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.data_label.setMaximumWidth(420)
        status.addPermanentWidget(self.data_label)
        status.addPermanentWidget(holder)
        self._update_activity()

    def _update_activity(self) -> None:
        labelled = [t for t in self.tasks.active.values() if t.label]
        visible = bool(labelled)
        for widget in (self.activity_label, self.activity_bar, self.activity_cancel):
            widget.setVisible(visible)
        if not visible:
            return
        task = labelled[-1]
        more = f"  (+{len(labelled) - 1} more)" if len(labelled) > 1 else ""
        self.activity_label.setText(f"{task.label}{' — ' + task.text if task.text else ''}{more}")
        if task.fraction is None:
            self.activity_bar.setRange(0, 0)
        else:
            self.activity_bar.setRange(0, 1000)
            self.activity_bar.setValue(int(task.fraction * 1000))

    def show_message(self, text: str, error: bool = False) -> None:
        self.toast.show_message(text, error)
        self.message_label.setText(text)
        self._message_timer.start()

    # --- pages ---------------------------------------------------------------------------
    def show_library(self) -> None:
        if self.library is None:
            return
        self._close_editor()
        self.library.refresh()
        self.pages.setCurrentWidget(self.library)
        self.setWindowTitle("VOD Studio")

    def request_open(self, vod_id: str) -> None:
        """Open the VOD from the library: its row and chapters are read off the GUI thread
        (and the editor's modules imported, the first time), then the editor shows."""
        if self.context is None or self._opening == vod_id:
            return  # a double-click also activates: one opening is enough
        if self.editor is not None and self.editor.vod_id == vod_id:
            self.pages.setCurrentWidget(self.editor)
            self.editor.focus_keys()
            return
        self._opening = vod_id
        context = self.context

        def read(progress, cancel):
            from .warmup import import_editor_modules

            import_editor_modules()
            vod = context.vods.get(vod_id)
            return vod, context.chapters.timeline(vod.id)

        def failed(error: BaseException) -> None:
            self._opening = None
            self.show_message(f"Could not open the VOD: {describe_error(error)}", error=True)

        def read_done(result) -> None:
            if self._opening != vod_id:
                return  # another VOD was asked for meanwhile
            self._opening = None
            self.open_vod(vod_id, preloaded=result)

        self.tasks.run_task(read, on_done=read_done, on_error=failed, label="Opening the VOD")

    def open_vod(self, vod_id: str, *, preloaded=None) -> None:
        """Show the VOD in the editor now (``preloaded``: its ``VodInfo`` and chapter
        timeline, already read)."""
        from .editor import EditorView

        if self.context is None:
            return
        self._close_editor()
        try:
            editor = EditorView(self.context, vod_id, self.tasks, preloaded=preloaded)
        except Exception as error:
            self.show_message(f"Could not open the VOD: {describe_error(error)}", error=True)
            self.offer_repair(error)
            return
        editor.message.connect(self.show_message)
        editor.back_requested.connect(self.show_library)
        self.editor = editor
        self.pages.addWidget(editor)
        self.pages.setCurrentWidget(editor)
        self.setWindowTitle(f"{editor.vod.title} — VOD Studio")
        self.edit_menu.clear()
        undo = editor.undo_stack.createUndoAction(self, "&Undo")
        undo.setIcon(icon("undo"))
        redo = editor.undo_stack.createRedoAction(self, "&Redo")
        redo.setIcon(icon("redo"))
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.chapters_menu.clear()
        self.chapters_menu.addActions(editor.chapter_files.actions())
        self.chapters_menu.setEnabled(True)
        editor.focus_keys()
        # Again once the events of the click that opened it are done (the library page
        # being hidden hands the focus on): Space must play at once.
        QTimer.singleShot(0, editor, editor.focus_keys)

    def _close_editor(self) -> None:
        if self.editor is not None:
            self.editor.close_editor()
            self.pages.removeWidget(self.editor)
            self.editor.deleteLater()
            self.editor = None
            self.edit_menu.clear()
            self.chapters_menu.clear()
            self.chapters_menu.setEnabled(False)

    # --- import --------------------------------------------------------------------------
    def choose_import(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import stream recordings", last_folder("recordings"), VIDEO_FILTER
        )
        if paths:
            remember_folder("recordings", paths[0])
        for path in paths:
            self.import_file(path)

    def import_file(self, path: str, on_done=None, *, allow_duplicate: bool = False):
        if self.context is None:  # dropped while the library is still opening
            self._pending_imports.append(path)
            return None
        name = Path(path).name
        vods = self.context.vods

        def failed(error: BaseException) -> None:
            from core.domain.errors import DuplicateError

            if isinstance(error, DuplicateError):
                self._offer_existing(path, error)
                return
            self.show_message(f"Could not import {name}: {describe_error(error)}", error=True)

        def finished(vod) -> None:
            warning = vods.truncation_warning(vod)
            if warning:
                self.show_message(f'Imported "{vod.title}", but {warning}', error=True)
            else:
                self.show_message(f'Imported "{vod.title}"')
            self.library.refresh()
            self.library.select(vod.id)
            if on_done:
                on_done(vod)

        return self.tasks.run_task(
            lambda progress, cancel: vods.import_file(path, allow_duplicate=allow_duplicate),
            on_done=finished,
            on_error=failed,
            label=f"Importing {name}",
        )

    def _offer_existing(self, path: str, error) -> None:
        """The file is in the library already: open that VOD, or import a second copy."""
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Already in the library",
            # by its title: the id in the error is for the command line
            f'{Path(path).name} is already in the library as "{error.existing_title}".\n'
            "Open it, or import the file a second time?",
            parent=self,
        )
        box.setObjectName("duplicateImport")
        open_button = box.addButton("Open it", QMessageBox.ButtonRole.AcceptRole)
        again = box.addButton("Import again", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(open_button)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        existing = error.existing_id

        def answered(_result) -> None:
            if box.clickedButton() is open_button:
                self.show_library()
                self.library.select(existing)
                self.request_open(existing)
            elif box.clickedButton() is again:
                self.import_file(path, allow_duplicate=True)

        box.finished.connect(answered)
        self.duplicate_box = box
        box.open()

    # A file manager that is told "move" deletes the recording once we have it: only ever
    # accept a copy or a link.
    _SAFE_DROPS = (Qt.DropAction.CopyAction, Qt.DropAction.LinkAction)

    def _safe_drop_action(self, event) -> Qt.DropAction | None:
        if not any(
            Path(url.toLocalFile()).suffix.lower() in VIDEO_SUFFIXES
            for url in event.mimeData().urls()
        ):
            return None
        if event.proposedAction() in self._SAFE_DROPS:
            return event.proposedAction()
        return next((a for a in self._SAFE_DROPS if event.possibleActions() & a), None)

    def dragEnterEvent(self, event) -> None:
        action = self._safe_drop_action(event)
        if action is None:
            event.ignore()
            return
        event.setDropAction(action)
        event.accept()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        action = self._safe_drop_action(event)
        if action is None:
            event.ignore()
            return
        event.setDropAction(action)
        event.accept()
        for url in event.mimeData().urls():
            path = url.toLocalFile()
            if Path(path).suffix.lower() in VIDEO_SUFFIXES:
                self.import_file(path)

    # --- removing a VOD ------------------------------------------------------------------
    def _remove_current(self) -> None:
        vod_id = self.editor.vod_id if self.editor is not None else None
        if vod_id is None and self.library is not None:
            vod_id = self.library.current_id()
        if vod_id is None:
            self.show_message("Select a VOD in the library first")
            return
        self.remove_vod(vod_id)

    def remove_vod(self, vod_id: str) -> None:
        """Ask what to do with the VOD's files, then take it out of the library."""
        from .remove_vod_dialog import RemoveVodDialog

        if self.context is None:
            return
        try:
            plan = self.context.vods.plan_removal(vod_id)
        except Exception as error:
            self.show_message(describe_error(error), error=True)
            return
        dialog = RemoveVodDialog(plan, self)
        dialog.chosen.connect(lambda files, recording: self._remove(vod_id, files, recording))
        self.remove_dialog = dialog
        dialog.open()

    def _remove(self, vod_id: str, delete_generated: bool, delete_recording: bool) -> None:
        if self.editor is not None and self.editor.vod_id == vod_id:
            self.show_library()
        vods = self.context.vods

        def done(removal) -> None:
            parts = [f'Removed "{removal.title}" from the library']
            if removal.kept_in is not None:
                parts.append(f"its files are kept in {removal.kept_in}")
            if removal.recording_deleted:
                parts.append("the recording was deleted")
            notes = [n for n in (removal.recording_kept, *removal.problems) if n]
            self.show_message("; ".join(parts + notes), error=bool(removal.problems))
            self.library.refresh()

        self.tasks.run_task(
            lambda progress, cancel: vods.remove(
                vod_id, delete_generated=delete_generated, delete_recording=delete_recording
            ),
            on_done=done,
            on_error=lambda error: self.show_message(describe_error(error), error=True),
            label="Removing the VOD",
        )

    # --- dialogs -------------------------------------------------------------------------
    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        if self.context is None:
            self.show_message("The library is still opening; try again in a moment")
            return
        dialog = SettingsDialog(self.context, self, tasks=self.tasks)
        dialog.saved.connect(lambda text: self.show_message(text))
        dialog.open()

    def show_shortcuts(self) -> None:
        from .shortcuts_help import ShortcutsDialog

        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        self.shortcuts_dialog.activateWindow()

    def open_about(self) -> None:
        try:
            from .about_dialog import AboutDialog
        except ImportError:
            self.show_message("VOD Studio — chapters, thumbnails, HLS and uploads for streamers")
            return
        info = {}
        if self.editor is not None:
            from .player.widget import BACKEND_NAMES

            backend = self.editor.player.backend.name
            info["Video player"] = BACKEND_NAMES.get(backend, backend)
        try:
            import vlc

            info["libVLC"] = vlc.libvlc_get_version().decode()
        except Exception:  # libvlc missing: the app runs on QtMultimedia
            info["libVLC"] = "not installed"
        if self.context is not None:
            info["Data folder"] = str(self.context.data_dir)
        AboutDialog(info, self).open()

    def _restore_geometry(self) -> None:
        from PySide6.QtCore import QSettings

        saved = QSettings("VOD Studio", "vodstudio").value("window/geometry")
        if saved is not None:
            self.restoreGeometry(saved)
        self._fit_on_screen()

    def _fit_on_screen(self) -> None:
        """A saved size larger than this screen (another monitor, or a window that grew) is
        cut down to the screen, and the window moved back onto it."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()
        width = min(self.width(), room.width() - frame.width())
        height = min(self.height(), room.height() - frame.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, 640), max(height, 480))
        x = min(max(self.x(), room.left()), room.right() - self.width())
        y = min(max(self.y(), room.top()), room.bottom() - self.height())
        if (x, y) != (self.x(), self.y()):
            self.move(max(x, room.left()), max(y, room.top()))

    def _resume_transcodes(self) -> None:
        """Transcodes left queued (the app quit while they ran, or a crash) resume now."""
        service = self.context.transcodes

        def pending(progress, cancel) -> bool:
            return any(job.status.is_active for job in service.list_jobs())

        def start(found: bool) -> None:
            from .jobs_bridge import job_bridge

            if found and self.context is not None:
                job_bridge(self.context).wake()

        self.tasks.run_task(pending, on_done=start)

    def _confirm_quit(self) -> bool:
        """True when nothing would be interrupted, or the user already said to quit; else
        ask (without blocking) and close again if they do."""
        from .jobs_bridge import running_transcodes

        running = running_transcodes(self.context) if self.context is not None else []
        if not running or self._quit_confirmed:
            return True
        job = running[0]
        running_now = [q for q in (job.current_quality or "").split(",") if q]
        qualities = running_now or job.qualities_requested
        prompt = QMessageBox(
            QMessageBox.Icon.Question,
            "Quit VOD Studio?",
            f"A transcode is running: {', '.join(qualities)} at {job.progress} %.",
            parent=self,
        )
        prompt.setInformativeText(
            "Quitting stops it now. The segments it finished are kept, and it resumes "
            "from there the next time VOD Studio opens."
        )
        self.quit_button = prompt.addButton("Quit", QMessageBox.ButtonRole.AcceptRole)
        keep = prompt.addButton("Keep running", QMessageBox.ButtonRole.RejectRole)
        prompt.setDefaultButton(keep)

        def answered(button) -> None:
            if button is self.quit_button:
                self._quit_confirmed = True
                self.close()

        prompt.buttonClicked.connect(answered)
        self.quit_prompt = prompt
        prompt.open()
        return False

    def quit_without_asking(self) -> None:
        """Close now (SIGTERM: the session is ending); a running transcode is queued."""
        self._quit_confirmed = True
        self.close()

    def closeEvent(self, event) -> None:
        from PySide6.QtCore import QSettings

        if not self._confirm_quit():
            event.ignore()
            return
        QSettings("VOD Studio", "vodstudio").setValue("window/geometry", self.saveGeometry())
        from .jobs_bridge import stop_job_bridge

        self.tasks.cancel_all()
        self._close_editor()
        if self.context is not None:
            stop_job_bridge(self.context)  # a running transcode is queued again for next time
            from .clip_queue import stop_clip_queue

            stop_clip_queue(self.context)  # so is a clip being exported
        self.tasks.shutdown(3000)
        super().closeEvent(event)
