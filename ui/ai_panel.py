"""The AI tab: a VOD's transcript (import, transcribe, view) and chapter generation.

Generation and transcription run on the host's worker threads with progress and a cancel
button. A generation replaces the AI chapters in the database in one transaction (in core);
its change set becomes one undo step on the host (``push_change``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.ai.errors import CancelledError
from core.ai.llm import DEFAULT_MODEL
from core.ai.service import GenerationOptions
from core.domain.errors import DomainError
from core.domain.signals import AnalysisState
from ui.tasks import describe_error
from ui.transcript_list import TranscriptList

OFFLINE_CONNECTION_MESSAGE = (
    "No API key or server URL is set: chapters will be made offline, on this computer. "
    "To use a model, add a key or a server URL in Settings (or set OPENAI_API_KEY / "
    "OPENAI_BASE_URL) and open this tab again."
)

TRANSCRIPT_FILTER = "Transcripts (*.vtt *.srt *.sbv *.json *.txt);;All files (*)"
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json", ".txt")


@dataclass(frozen=True, slots=True)
class _Setup:
    """What the tab shows besides the transcript, read on a worker: the settings and the
    key (keyring) and the VOD's analysis may each wait, on a lock or a service."""

    default_model: str
    online: bool
    base_url: str | None
    analysed: bool


class AiPanel(QWidget):
    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ai = host.context.ai
        self.task = None
        self.last_result = None
        # Filled by the first read (on a worker); until then no model is reachable.
        self._default_model: str | None = None
        self._online = False
        # Reads may end in any order: only the newest of each kind is shown.
        self._stamps = itertools.count()
        self._latest: dict[str, int] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(self._transcript_box(), 1)
        layout.addWidget(self._settings_box())
        layout.addLayout(self._action_row())
        self.status = QLabel(objectName="Muted", wordWrap=True)
        layout.addWidget(self.status)
        self.repairs = QListWidget(
            toolTip="Notes on the generation: what was repaired before saving"
        )
        self.repairs.setMaximumHeight(120)
        self.repairs.setWordWrap(True)  # a repair is a sentence: read whole, not scrolled to
        self.repairs.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.repairs.hide()
        layout.addWidget(self.repairs)
        self.setAcceptDrops(True)  # a transcript file dropped on the tab is imported
        self._set_busy(False)
        self.refresh_transcript()
        self.refresh_connection()

    # --- building ------------------------------------------------------------------------
    def _transcript_box(self) -> QGroupBox:
        box = QGroupBox("Transcript")
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        self.transcript_label = QLabel(wordWrap=True)
        self.import_button = QPushButton(
            "Import…", toolTip="WebVTT, SRT, SBV, a recogniser's JSON or timed text"
        )
        self.import_button.clicked.connect(self._choose_transcript)
        self.transcribe_button = QPushButton(
            "Transcribe", toolTip="Send the audio to the OpenAI audio API"
        )
        self.transcribe_button.clicked.connect(self.transcribe)
        row.addWidget(self.transcript_label, 1)
        row.addWidget(self.import_button)
        row.addWidget(self.transcribe_button)
        column.addLayout(row)
        self.transcript_view = TranscriptList()
        self.transcript_view.line_activated.connect(self.host.seek)
        column.addWidget(self.transcript_view, 1)
        return box

    def _settings_box(self) -> QGroupBox:
        box = QGroupBox("Model")
        form = QFormLayout(box)
        self.model_edit = QLineEdit(placeholderText=DEFAULT_MODEL)
        self.temperature = QDoubleSpinBox(minimum=0.0, maximum=2.0, singleStep=0.1, value=0.3)
        self.max_tokens = QSpinBox(minimum=1, maximum=128_000, singleStep=100, value=2000)
        self.offline_check = QCheckBox("Offline: topic detection on this computer, no network")
        self.youtube_check = QCheckBox("YouTube-ready: starts at 0:00, at least 3, each ≥ 10 s")
        self.signals_check = QCheckBox(
            "Weigh the signals: silences, static screens and scene cuts as likely boundaries",
            checked=True,
            toolTip="The signals the timeline's lane shows; offered once they are analysed",
        )
        self.signals_check.hide()  # until the analysis is known to be done
        self.connection_label = QLabel(objectName="Muted", wordWrap=True)
        form.addRow("Model", self.model_edit)
        form.addRow("Temperature", self.temperature)
        form.addRow("Max tokens", self.max_tokens)
        form.addRow(self.offline_check)
        form.addRow(self.youtube_check)
        form.addRow(self.signals_check)
        form.addRow(self.connection_label)
        self.offline_check.setEnabled(False)  # until the connection is read
        return box

    def _action_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.generate_button = QPushButton("Generate chapters")
        self.generate_button.setProperty("accent", True)
        self.generate_button.setToolTip("Replace the AI chapters; manual chapters are kept")
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar(textVisible=False, maximumHeight=8, maximum=1000)
        # Shown only while work runs (an idle empty bar reads as stuck); keeps its room.
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.progress.hide()
        row.addWidget(self.generate_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress, 1)
        return row

    def refresh_connection(self) -> None:
        """Offline is forced while no key or server is configured; the settings can change
        while the editor is open, so this runs again whenever the tab is shown. Read on a
        worker, with the signals' state."""
        ai, signals, vod_id = self.ai, self.host.context.signals, self.host.vod_id
        stamp = self._stamp("setup")

        def read(progress, cancel) -> _Setup:
            api_key, base_url = ai.connection()
            state = signals.status(vod_id).state
            return _Setup(
                ai.default_model(),
                bool(api_key or base_url),
                base_url,
                state == AnalysisState.COMPLETED,
            )

        self.host.tasks.run_task(
            read,
            on_done=lambda setup: self._setup_read(stamp, setup),
            on_error=lambda error: self._show_error(describe_error(error)),
        )

    def _setup_read(self, stamp: int, setup: _Setup) -> None:
        if not self._is_latest("setup", stamp):
            return
        self._default_model = setup.default_model
        if not self.model_edit.text():
            self.model_edit.setText(setup.default_model)
        self._online = online = setup.online
        if not online:
            self.offline_check.setChecked(True)
            self.connection_label.setText(OFFLINE_CONNECTION_MESSAGE)
        else:
            if not self.offline_check.isEnabled():
                self.offline_check.setChecked(False)
            self.connection_label.setText(f"Server: {setup.base_url or 'OpenAI'}")
        self.offline_check.setEnabled(online)
        self.transcribe_button.setEnabled(online and self.task is None)
        self.signals_check.setVisible(setup.analysed)

    def refresh_signals(self, analysed: bool | None = None) -> None:
        """The signals box shows only once the VOD's signals are analysed. The editor says
        so when its analysis finishes (``analysed=True``); on showing the tab it is read."""
        if analysed is None:
            self.refresh_connection()  # one read on a worker brings both
            return
        self._stamp("setup")  # what a read still on its way found is older than this
        self.signals_check.setVisible(analysed)

    def showEvent(self, event) -> None:
        self.refresh_connection()
        super().showEvent(event)

    def _stamp(self, kind: str) -> int:
        stamp = self._latest[kind] = next(self._stamps)
        return stamp

    def _is_latest(self, kind: str, stamp: int) -> bool:
        return self._latest.get(kind) == stamp

    # --- transcript ----------------------------------------------------------------------
    def refresh_transcript(self) -> None:
        """Read the transcript on a worker (ten hours of it is a large read) and show it."""
        ai, vod_id = self.ai, self.host.vod_id
        stamp = self._stamp("transcript")
        self.host.tasks.run_task(
            lambda progress, cancel: ai.transcript(vod_id),
            on_done=lambda info: self._transcript_read(stamp, info),
            on_error=lambda error: self._show_error(describe_error(error)),
        )

    def _transcript_read(self, stamp: int, info) -> None:
        if self._is_latest("transcript", stamp):
            self._show_transcript(info)

    def _show_transcript(self, info) -> None:
        self.transcript_view.show_segments(info.segments)
        if info.segments:
            self.transcript_label.setText(
                f"{len(info.segments)} segments, {info.word_count} words ({info.source})"
            )
        else:
            self.transcript_label.setText(
                "No transcript yet: import a file or transcribe the audio."
            )
        self.generate_button.setEnabled(bool(info.segments) and self.task is None)

    def _dropped_transcript(self, mime) -> str | None:
        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile() and url.toLocalFile().lower().endswith(TRANSCRIPT_SUFFIXES):
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event) -> None:
        if self.task is None and self._dropped_transcript(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_transcript(event.mimeData())
        if path and self.task is None:
            event.acceptProposedAction()
            self.import_transcript(path)

    def _choose_transcript(self) -> None:
        from ui.preferences import last_folder, remember_folder

        path, _ = QFileDialog.getOpenFileName(
            self, "Import transcript", last_folder("transcripts"), TRANSCRIPT_FILTER
        )
        if path:
            remember_folder("transcripts", path)
            self.import_transcript(path)

    def import_transcript(self, path: str) -> None:
        """Read and store the file on a worker (a ten-hour transcript is a large file and a
        database write); its segments show when it is done, an error in the status line."""
        ai, vod_id = self.ai, self.host.vod_id
        stamp = self._stamp("transcript")

        def imported(info) -> None:
            self._finish()
            if self._is_latest("transcript", stamp):
                self._show_transcript(info)
            self._show_status(f"Transcript imported: {len(info.segments)} segments.")

        def refused(error: BaseException) -> None:
            if not isinstance(error, DomainError):
                self._failed(error)
                return
            self._finish()
            self._show_error(str(error))
            self.refresh_transcript()  # the one stored before, which a read may have skipped

        self._start(
            lambda progress, cancel: ai.import_transcript(vod_id, path),
            imported,
            "Importing the transcript",
            on_error=refused,
        )

    def transcribe(self) -> None:
        vod_id = self.host.vod_id
        self._start(
            lambda progress, cancel: self.ai.transcribe(vod_id, progress=progress, cancel=cancel),
            self._transcribed,
            "Transcribing",
        )

    def _transcribed(self, info) -> None:
        self._finish()
        self._stamp("transcript")  # a read still on its way is older than this
        self._show_transcript(info)
        self._show_status(f"Transcribed: {len(info.segments)} segments.")

    # --- generation ----------------------------------------------------------------------
    def options(self) -> GenerationOptions:
        return GenerationOptions(
            model=self.model_edit.text().strip() or self._default_model or DEFAULT_MODEL,
            temperature=round(self.temperature.value(), 2),
            max_tokens=self.max_tokens.value(),
            # A box ticked because nothing is configured is no choice: the service then says
            # the chapters were made offline and how to use a model.
            offline=self.offline_check.isChecked() and self.offline_check.isEnabled(),
            youtube=self.youtube_check.isChecked(),
        )

    def generate(self) -> None:
        try:
            options = self.options()
        except DomainError as error:
            self._show_error(str(error))
            return
        ai, signals, vod_id = self.ai, self.host.context.signals, self.host.vod_id
        weigh = self.signals_check.isChecked()
        default_unknown = not self.model_edit.text().strip() and self._default_model is None
        self.repairs.hide()

        def work(progress, cancel):
            nonlocal options
            if default_unknown:  # asked for before the settings were read
                options = replace(options, model=ai.default_model())
            # Whether the signals are analysed is read here, as it is now: the box may be
            # hidden only because the analysis finished after the tab was shown.
            analysed = signals.status(vod_id).state == AnalysisState.COMPLETED
            # None: the service reads the VOD's signals; () weighs none.
            hints = None if weigh and analysed else ()
            return ai.generate(vod_id, options, progress=progress, cancel=cancel, hints=hints)

        self._start(
            work,
            self._generated,
            "Generating chapters",
        )

    def _generated(self, result) -> None:
        self._finish()
        self.last_result = result
        self.host.push_change(f"Generate {result.count} AI chapters", result.changes)
        made = "made offline" if result.mode == "offline" else f"from {result.model_used}"
        repairs = [r for r in result.repairs if r != result.notice]
        self._show_status(
            f"{result.count} AI chapters {made} in {result.processing_time_seconds:.1f} s; "
            f"replaced {len(result.removed)}"
            + (f"; weighed {result.hints_used} signals. " if result.hints_used else ". ")
            + _repairs_heading(len(repairs), result.mode)
        )
        notes = ([result.notice] if result.notice else []) + repairs
        self.repairs.clear()
        self.repairs.addItems(notes)
        self.repairs.setVisible(bool(notes))

    # --- task plumbing -------------------------------------------------------------------
    def _start(self, work, on_done, label: str, on_error=None) -> None:
        self._set_busy(True)
        self.progress.setValue(0)
        self._show_status(f"{label}…")
        self.task = self.host.tasks.run_task(
            work,
            on_done=on_done,
            on_error=on_error or self._failed,
            on_progress=self._progressed,
            label=label,
        )

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self._show_status("Cancelling…")
            self.cancel_button.setEnabled(False)

    def _progressed(self, fraction, text: str) -> None:
        if fraction is None:
            self.progress.setMaximum(0)
        else:
            self.progress.setMaximum(1000)
            self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if text:
            self._show_status(text)

    def _failed(self, error: BaseException) -> None:
        self._finish()
        if isinstance(error, CancelledError):
            self._show_status("Cancelled; nothing was changed.")
            return
        message = (
            str(error) if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
        )
        self._show_error(message)
        self.host.show_message(message, error=True)

    def _finish(self) -> None:
        self.task = None  # the task runner keeps the object alive until its slot returned
        self._set_busy(False)
        self.progress.setMaximum(1000)
        self.progress.setValue(0)

    def _set_busy(self, busy: bool) -> None:
        has_transcript = self.transcript_view.count() > 0
        self.generate_button.setEnabled(not busy and has_transcript)
        self.import_button.setEnabled(not busy)
        self.transcribe_button.setEnabled(not busy and self._online)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)

    def _show_status(self, text: str) -> None:
        self.status.setObjectName("Muted")
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _show_error(self, text: str) -> None:
        self.status.setObjectName("ErrorText")
        self.status.setStyleSheet("color: #ff6b6b;")
        self.status.setText(text)


def _repairs_heading(count: int, mode: str) -> str:
    if count:
        return f"{count} repair{'s' if count > 1 else ''}:"
    return "" if mode == "offline" else "No repairs needed."
