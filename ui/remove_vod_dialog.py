"""Removing a VOD from the library: the user chooses what happens to its files.

The app's own files for the VOD (thumbnails, transcodes) are kept (moved to the data folder's
``removed`` folder) or deleted; the original recording is deleted only when its box is ticked,
and the button then says so in words.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.plurals import plural
from core.domain.sizes import format_size


class RemoveVodDialog(QDialog):
    #: (delete_generated, delete_recording), once the user confirmed
    chosen = Signal(bool, bool)

    def __init__(self, plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setObjectName("removeVodDialog")
        self.setWindowTitle("Remove from library")
        vod = plan.vod
        layout = QVBoxLayout(self)
        heading = QLabel(f'Remove "{vod.title}" from the library?', wordWrap=True)
        heading.setStyleSheet("font-weight: 600; font-size: 12pt;")
        layout.addWidget(heading)
        removed = (
            f"Its {plural(plan.chapter_count, 'chapter')} and its place in the library are"
            if plan.chapter_count
            else "Its place in the library is"
        )
        detail = QLabel(
            f"{removed} removed; this cannot be undone. A copy already on the platform "
            "stays there.",
            wordWrap=True,
        )
        layout.addWidget(detail)

        self.keep_files = QRadioButton()
        self.delete_files = QRadioButton()
        folders = plan.generated_folders
        if folders:
            size = format_size(plan.generated_bytes)
            self.keep_files.setText(
                f"Keep its thumbnails and transcodes ({size}) in the data folder's “removed” folder"
            )
            self.delete_files.setText(f"Delete its thumbnails and transcodes ({size})")
        else:
            self.keep_files.setText("Keep its files (it has no thumbnails or transcodes yet)")
            self.delete_files.setText("Delete its thumbnails and transcodes (none yet)")
            self.delete_files.setEnabled(False)
        self.keep_files.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.keep_files)
        group.addButton(self.delete_files)
        for button in (self.keep_files, self.delete_files):
            layout.addWidget(button)

        self.delete_recording = QCheckBox(f"Also delete the original recording: {vod.file_path}")
        if plan.recording_bytes is None:
            self.delete_recording.setText("The original recording is already gone")
            self.delete_recording.setEnabled(False)
        elif plan.recording_shared_with:
            self.delete_recording.setText(
                "The original recording is kept: another VOD of the library uses it"
            )
            self.delete_recording.setEnabled(False)
        else:
            self.delete_recording.setToolTip(f"{format_size(plan.recording_bytes)}")
        layout.addWidget(self.delete_recording)
        self.warning = QLabel(
            f"The recording ({format_size(plan.recording_bytes)}) will be deleted from disk "
            "for good. VOD Studio cannot bring it back.",
            objectName="ErrorText",
            wordWrap=True,
        )
        self.warning.setVisible(False)
        layout.addWidget(self.warning)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.remove_button = QPushButton("Remove from library")
        self.remove_button.setProperty("danger", True)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.delete_recording.toggled.connect(self._recording_toggled)
        self.setMinimumWidth(520)

    def _recording_toggled(self, on: bool) -> None:
        self.warning.setVisible(on)
        self.remove_button.setText(
            "Remove and delete the recording" if on else "Remove from library"
        )

    def _confirm(self) -> None:
        self.accept()
        self.chosen.emit(self.delete_files.isChecked(), self.delete_recording.isChecked())
