"""What the app offers at start when its database file is damaged: restore the newest sound
backup (or, with no backup, start an empty library), open another data folder, or quit.
Nothing is lost either way: the damaged file is set aside untouched by the restore and the
empty start, and left alone by the other two."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

RESTORE, START_EMPTY, OTHER_FOLDER, QUIT = "restore", "start-empty", "other-folder", "quit"


class DamagedDatabaseDialog(QMessageBox):
    """Non-modal; ``chosen`` carries RESTORE (START_EMPTY when there is no backup),
    OTHER_FOLDER or QUIT."""

    chosen = Signal(str)

    def __init__(self, message: str, newest_backup: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle("VOD Studio — the library cannot be opened")
        self.setText("Your library's database file is damaged.")
        self.setInformativeText(message)
        self.restore_button = self.empty_button = None
        if newest_backup is not None:
            self.restore_button = self.addButton(
                f"Restore the backup of {newest_backup}", QMessageBox.ButtonRole.AcceptRole
            )
            self.restore_button.setObjectName("restoreBackup")
        else:
            self.empty_button = self.addButton(
                "Start an empty library here", QMessageBox.ButtonRole.DestructiveRole
            )
            self.empty_button.setObjectName("startEmpty")
        self.other_button = self.addButton(
            "Open another data folder…", QMessageBox.ButtonRole.ActionRole
        )
        self.other_button.setObjectName("otherDataFolder")
        self.quit_button = self.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        self.quit_button.setObjectName("quit")
        # Starting empty is never the default: a mistaken Enter would hide the user's VODs.
        self.setDefaultButton(self.restore_button or self.other_button)
        self.setEscapeButton(self.quit_button)
        self.buttonClicked.connect(self._clicked)

    def _clicked(self, button) -> None:
        if button is self.restore_button:
            self.chosen.emit(RESTORE)
        elif button is self.empty_button:
            self.chosen.emit(START_EMPTY)
        elif button is self.other_button:
            self.chosen.emit(OTHER_FOLDER)
        else:
            self.chosen.emit(QUIT)


class DatabaseRepair:
    """Drives the dialog for ``window`` (a MainWindow) after opening ``data_dir`` failed
    with ``error`` (a ``DatabaseDamagedError``). ``make_context(folder=None)`` builds the
    context to open next: the same folder after a restore, or the one the user picked."""

    def __init__(self, window, error, data_dir: Path, make_context, before_switch=None) -> None:
        """``before_switch()``, when given, runs before the restore or the other folder opens
        (the window lets go of a library it had open when the damage was met)."""
        from core.store.backups import list_backups

        self.window, self.error, self.data_dir = window, error, Path(data_dir)
        self.make_context = make_context
        self.before_switch = before_switch or (lambda: None)
        backups = list_backups(self.data_dir)
        newest = backups[0].taken_at_text if backups else None
        choices = (
            f"Restore the backup of {newest} (the damaged file is kept beside it), open "
            "another data folder, or quit."
            if newest
            else "There is no backup of it: start an empty library here (the damaged file is "
            "kept beside it, for a specialist to recover), open another data folder, or quit."
        )
        self.explanation = (
            f"{error.path} cannot be read: {error.reason}. It has not been changed.\n\n{choices}"
        )
        self.dialog = DamagedDatabaseDialog(self.explanation, newest, window)
        self.dialog.chosen.connect(self._chosen)

    def show(self) -> None:
        self.dialog.open()

    def _chosen(self, choice: str) -> None:
        if choice in (RESTORE, START_EMPTY):
            self._restore(empty=choice == START_EMPTY)
        elif choice == OTHER_FOLDER:
            folder = QFileDialog.getExistingDirectory(
                self.window, "Open another data folder", str(self.data_dir.parent)
            )
            if not folder:
                self.show()
                return
            from .preferences import store_data_dir

            store_data_dir(folder)  # the next start opens it too
            self.before_switch()
            self.window.open_context(lambda: self.make_context(folder), self.make_context)
        else:
            self.window.close()

    def _restore(self, *, empty: bool = False) -> None:
        from core.store.backups import restore

        self.before_switch()

        def done(result) -> None:
            kept = f"; the damaged file was kept as {result.set_aside}" if result.set_aside else ""
            if result.restored_from is None:
                self.window.show_message(f"Started an empty library{kept}")
            else:
                self.window.show_message(
                    f"Restored the backup of {result.restored_from.taken_at_text}{kept}"
                )
            self.window.open_context(self.make_context, self.make_context)

        def failed(error: BaseException) -> None:
            from .tasks import describe_error

            self.dialog.setInformativeText(
                f"{self.explanation}\n\nThe restore did not work: {describe_error(error)}"
            )
            self.show()

        self.window.tasks.run_task(
            lambda progress, cancel: restore(self.data_dir, empty=empty),
            on_done=done,
            on_error=failed,
            label="Starting an empty library" if empty else "Restoring the library from its backup",
        )
