"""YouTube chapters: the description text to copy, every YouTube rule it breaks, and the fix.

The dialog only reads: it shows the text (as exported, or with the fix applied to the text)
and copies it. Storing the fix is the host's job, so it lands on the editor's undo stack:
``fix_requested`` carries the fixed chapters; connect it and pass ``can_store_fix=True``.
Given ``timeline`` (the editor's chapters in memory), it re-checks them after every change
without reading the database.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.chapters import ChapterTimeline
from core.domain.errors import DomainError
from core.formats import export_listing, youtube_check


class YoutubeChaptersDialog(QDialog):
    #: the chapters after the fix (a list of ``Chapter``), for the host to store undoably
    fix_requested = Signal(list)

    def __init__(
        self,
        formats,
        vod_id: str,
        parent: QWidget | None = None,
        *,
        can_store_fix: bool = False,
        timeline: Callable[[], ChapterTimeline] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("youtubeChaptersDialog")
        self.setWindowTitle("YouTube chapters")
        self.resize(560, 480)
        self._formats = formats
        self._vod_id = vod_id
        self._timeline = timeline
        self._fixed_chapters: list = []

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("youtubeProblems")
        self.problem_list.setMaximumHeight(120)
        self.fix_box = QCheckBox("Fix for YouTube in the copied text")
        self.fix_box.toggled.connect(self.refresh)
        # What the fix does to these chapters, in its own words (a gap before the first
        # chapter becomes an Intro only when it is 10 s or more; otherwise the first chapter
        # starts at 0:00): wrapped, so it is never cut off.
        self.fix_details = QLabel(wordWrap=True, objectName="Muted")
        self.fix_details.setObjectName("youtubeFixDetails")
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setObjectName("youtubeText")
        hint = QLabel(
            "Paste this into the video's description. Times are whole seconds, "
            "rounded down so no chapter starts late."
        )
        hint.setWordWrap(True)
        hint.setObjectName("MutedText")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy to clipboard")
        self.copy_button.setDefault(True)
        self.copy_button.clicked.connect(self.copy_text)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.store_button = QPushButton("Apply fix to chapters")
        self.store_button.setToolTip("Change the chapters themselves (can be undone)")
        self.store_button.clicked.connect(self._request_fix)
        self.store_button.setVisible(can_store_fix)
        buttons.addButton(self.store_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problem_list)
        fix_row = QHBoxLayout()  # the box as wide as its text: a click beside it does nothing
        fix_row.addWidget(self.fix_box)
        fix_row.addStretch(1)
        layout.addLayout(fix_row)
        layout.addWidget(self.fix_details)
        layout.addWidget(self.text_view, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Check the rules again and re-render the text (after the chapters changed)."""
        self.problem_list.clear()
        fix = self.fix_box.isChecked()
        try:
            if self._timeline is not None:
                timeline = self._timeline()
                check = youtube_check(timeline)
                result = export_listing(
                    self._vod_id, timeline, "youtube", fix_youtube=fix, ignore_youtube_rules=True
                )
            else:
                check = self._formats.check_youtube(self._vod_id)
                result = self._formats.export(
                    self._vod_id, "youtube", fix_youtube=fix, ignore_youtube_rules=True
                )
        except DomainError as error:
            self.status_label.setText(str(error))
            self.text_view.setPlainText("")
            self.copy_button.setEnabled(False)
            return
        self._fixed_chapters = check.fix.chapters
        fixes = list(check.fix.changes)
        self.fix_details.setText(
            ("The fix: " + "; ".join(fixes) + ".") if check.problems and fixes else ""
        )
        self.fix_details.setVisible(bool(check.problems and fixes))
        self.text_view.setPlainText(result.text)
        self.copy_button.setEnabled(bool(result.text))
        self.store_button.setEnabled(bool(check.problems and check.fix.changes))
        self.fix_box.setEnabled(bool(check.problems))
        if not check.problems:
            self.status_label.setText("✓ YouTube will show these chapters.")
        elif self.fix_box.isChecked() and not result.problems:
            self.status_label.setText(
                "Fixed for YouTube in the text below (the chapters are unchanged):"
            )
            for change in result.changes:
                self.problem_list.addItem(QListWidgetItem(f"✓ {change}"))
        else:
            shown = result.problems if self.fix_box.isChecked() else check.problems
            self.status_label.setText(
                f"YouTube would ignore these chapters ({len(shown)} "
                f"{'problem' if len(shown) == 1 else 'problems'}):"
            )
            for problem in shown:
                item = QListWidgetItem(f"✗ {problem.message}")
                item.setData(Qt.ItemDataRole.UserRole, problem.rule)
                self.problem_list.addItem(item)

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text_view.toPlainText())
        self.copy_button.setText("Copied")

    def _request_fix(self) -> None:
        self.fix_requested.emit(list(self._fixed_chapters))
