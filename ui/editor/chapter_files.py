"""Chapter files in the editor: import, export, YouTube text and chapters embedded in a copy.

Every file is read, written or copied on a worker thread through the core services; an
import (or a YouTube fix) lands on the editor's undo stack as one step. Dialogs are opened
window-modal with ``open()`` so the event loop keeps running (and tests can answer them).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.domain.errors import DomainError
from core.formats import FILE_EXTENSIONS
from core.media.errors import MediaCancelled
from ui.tasks import describe_error
from ui.theme import icon

#: format → the name filter shown in the save dialog (order = menu order)
EXPORT_FILTERS = {
    "youtube": "YouTube description text (*.txt)",
    "webvtt": "WebVTT chapters (*.vtt)",
    "ffmetadata": "FFmpeg metadata (*.ffmeta)",
    "csv": "CSV: start,end,title (*.csv)",
    "json": "JSON chapters (*.json)",
}
IMPORT_FILTER = (
    "Chapter files (*.txt *.vtt *.ffmeta *.csv *.json *.mp4 *.m4v *.mov *.mkv);;All files (*)"
)
EMBED_FILTER = "MP4 video (*.mp4);;Matroska video (*.mkv)"


class ChapterFileActions(QObject):
    """The editor's chapter-file actions; the main window's Chapters menu and the Chapters
    panel's buttons both use these ``QAction`` objects."""

    def __init__(self, editor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.dialog = None  # the file or question dialog on screen (tests answer it)
        self.youtube_dialog = None
        self.import_action = self._action(
            "import", "&Import chapters…", self.choose_import, "Add or replace chapters from a file"
        )
        self.export_action = self._action(
            "chapters",
            "&Export chapters…",
            self.choose_export,
            "Save the chapters as YouTube text, WebVTT, FFmpeg metadata, CSV or JSON",
        )
        self.youtube_action = self._action(
            "film",
            "&YouTube chapters…",
            self.open_youtube,
            "Check YouTube's rules and copy the description text",
        )
        self.embed_action = self._action(
            "transcode",
            "E&mbed chapters into a copy…",
            self.choose_embed,
            "Write a copy of the video with the chapters inside (no re-encoding)",
        )
        editor.chapters_changed.connect(self._update_enabled)
        self._update_enabled()

    def _update_enabled(self, _changes=None) -> None:
        """Export, YouTube and embed need chapters; say so rather than fail after a dialog."""
        has_chapters = len(self.editor.timeline_model) > 0
        for action in (self.export_action, self.youtube_action, self.embed_action):
            action.setEnabled(has_chapters)

    def actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.youtube_action, self.embed_action]

    def _action(self, icon_name: str, text: str, slot, tip: str) -> QAction:
        action = QAction(icon(icon_name), text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    @property
    def _formats(self):
        return self.editor.context.formats

    def _folder(self) -> str:
        """The folder the last chapter file dialog was left in; at first the VOD's own."""
        from ui.preferences import last_folder

        return last_folder("chapters", str(Path(self.editor.vod.file_path).expanduser().parent))

    def _show_dialog(self, dialog, on_accepted) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Qt's own dialog: the same on every desktop, and it never blocks the event loop.
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.accepted.connect(lambda: _remember(dialog))
        dialog.accepted.connect(lambda: on_accepted(dialog))
        dialog.finished.connect(lambda _: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog) -> None:
        if self.dialog is dialog:  # an answer may already have opened the next dialog
            self.dialog = None

    # --- import --------------------------------------------------------------------------
    def choose_import(self) -> None:
        dialog = QFileDialog(self.editor, "Import chapters", self._folder(), IMPORT_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        self._show_dialog(dialog, lambda d: self.import_file(d.selectedFiles()[0]))

    def import_file(self, path: str, replace: bool | None = None) -> None:
        """Import ``path``; with chapters already there (and ``replace`` not given) ask
        whether to add to them or replace them."""
        if replace is None and len(self.editor.timeline_model):
            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Import chapters",
                f"This VOD already has {len(self.editor.timeline_model)} chapters. "
                f"Add the chapters from {Path(path).name} to them, or replace them?",
                parent=self.editor,
            )
            add = box.addButton("Add to them", QMessageBox.ButtonRole.AcceptRole)
            swap = box.addButton("Replace them", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(add)
            self.dialog = box
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

            def answered(_) -> None:
                self._dialog_closed(box)
                if box.clickedButton() in (add, swap):
                    self.import_file(path, replace=box.clickedButton() is swap)

            box.finished.connect(answered)
            box.open()
            return
        vod_id, formats, name = self.editor.vod_id, self._formats, Path(path).name
        self.editor.tasks.run_task(
            lambda progress, cancel: formats.import_file(vod_id, path, replace=bool(replace)),
            on_done=lambda result: self._imported(result, name),
            on_error=lambda error: self._import_failed(error, name),
            label=f"Importing chapters from {name}",
        )

    def _import_failed(self, error: BaseException, name: str) -> None:
        text = describe_error(error)  # format errors already name the file and the line
        self.editor.show_message(
            f"Could not import {text if name in text else f'{name}: {text}'}", error=True
        )

    def _imported(self, result, name: str) -> None:
        self.editor.push_change(f"Import chapters from {name}", result.changes)
        count = len(result.added)
        self.editor.show_message(
            f"Imported {count} chapter{'s' if count != 1 else ''} from "
            f"{name} (Ctrl+Z undoes the import)"
        )

    # --- export --------------------------------------------------------------------------
    def choose_export(self) -> None:
        dialog = QFileDialog(self.editor, "Export chapters", self._folder())
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(list(EXPORT_FILTERS.values()))
        stem = Path(self.editor.vod.file_path).stem

        def filter_chosen(text: str) -> None:
            extension = FILE_EXTENSIONS[_format_of(text)]
            dialog.setDefaultSuffix(extension.lstrip("."))
            chosen = dialog.selectedFiles()
            # Keep the name the user typed; only the extension follows the format.
            typed = Path(chosen[0]) if chosen else None
            name = typed.stem if typed and typed.stem and not typed.is_dir() else f"{stem} chapters"
            dialog.selectFile(f"{name}{extension}")

        dialog.filterSelected.connect(filter_chosen)
        filter_chosen(EXPORT_FILTERS["youtube"])
        self._show_dialog(
            dialog,
            lambda d: self.export_file(_format_of(d.selectedNameFilter()), d.selectedFiles()[0]),
        )

    def export_file(self, fmt: str, path: str) -> None:
        vod_id, formats = self.editor.vod_id, self._formats

        def work(progress, cancel):
            # The save dialog already confirmed replacing an existing file.
            return formats.export_to_file(
                vod_id, fmt, path, overwrite=True, ignore_youtube_rules=True
            )

        def done(result) -> None:
            name = Path(path).name
            if result.problems:
                self.editor.show_message(
                    f"Saved {name}, but YouTube would ignore these chapters: "
                    + "; ".join(p.message for p in result.problems)
                    + " (Chapters ▸ YouTube chapters… fixes them)",
                    error=True,
                )
            else:
                self.editor.show_message(f"Saved {len(result.chapters)} chapters to {name}")

        self.editor.tasks.run_task(
            work,
            on_done=done,
            on_error=lambda error: self.editor.show_message(
                f"Could not export the chapters: {_file_error(error)}", error=True
            ),
            label="Exporting chapters",
        )

    # --- YouTube -------------------------------------------------------------------------
    def open_youtube(self) -> None:
        from ui.youtube_chapters_dialog import YoutubeChaptersDialog

        if self.youtube_dialog is not None:
            self.youtube_dialog.raise_()
            return
        dialog = YoutubeChaptersDialog(
            self._formats,
            self.editor.vod_id,
            self.editor,
            can_store_fix=True,
            timeline=lambda: self.editor.timeline_model,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fix_requested.connect(self.store_youtube_fix)
        self.editor.chapters_changed.connect(dialog.refresh)
        dialog.finished.connect(lambda _: self._youtube_closed(dialog))
        self.youtube_dialog = dialog
        dialog.show()

    def store_youtube_fix(self, chapters: list) -> None:
        """Store the fixed chapters the YouTube dialog shows, as one undo step."""
        service, vod_id = self.editor.context.chapters, self.editor.vod_id
        self.editor.run_change(
            "Fix chapters for YouTube", lambda: service.replace_all(vod_id, chapters)
        )

    def _youtube_closed(self, dialog) -> None:
        self.editor.chapters_changed.disconnect(dialog.refresh)
        self.youtube_dialog = None

    # --- embed ---------------------------------------------------------------------------
    def choose_embed(self) -> None:
        source = Path(self.editor.vod.file_path)
        suffix = source.suffix.lower() if source.suffix.lower() in (".mp4", ".mkv") else ".mp4"
        dialog = QFileDialog(
            self.editor, "Embed chapters into a copy", str(source.parent), EMBED_FILTER
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix.lstrip("."))
        dialog.selectFile(f"{source.stem} (chapters){suffix}")
        # The dialog has already asked before replacing an existing file.
        self._show_dialog(dialog, lambda d: self.embed_into(d.selectedFiles()[0], overwrite=True))

    def embed_into(self, output: str, *, overwrite: bool = False):
        vod_id, formats, name = self.editor.vod_id, self._formats, Path(output).name

        def work(progress, cancel):
            return formats.embed(
                vod_id,
                output,
                overwrite=overwrite,
                progress=lambda fraction: progress(fraction, f"{fraction:.0%}"),
                should_cancel=cancel.is_set,
            )

        def failed(error) -> None:
            if isinstance(error, MediaCancelled):
                self.editor.show_message(f"Embedding cancelled; {name} was not written")
            else:
                self.editor.show_message(
                    f"Could not embed the chapters: {describe_error(error)}", error=True
                )

        return self.editor.tasks.run_task(
            work,
            on_done=lambda result: self.editor.show_message(
                f"Wrote {name} with {len(result.chapters)} chapters (video copied, not re-encoded)"
            ),
            on_error=failed,
            label=f"Embedding chapters into {name}",
        )


def _format_of(name_filter: str) -> str:
    for fmt, text in EXPORT_FILTERS.items():
        if text == name_filter:
            return fmt
    return "youtube"


def _file_error(error: BaseException) -> str:
    if isinstance(error, OSError) and not isinstance(error, DomainError):
        return f"{error.filename or 'the file'}: {error.strerror or error}"
    return describe_error(error)


def _remember(dialog) -> None:
    from ui.preferences import remember_folder

    files = dialog.selectedFiles()
    if files:
        remember_folder("chapters", files[0])
