"""The AI tab: a VOD's transcript (import, transcribe, view) and chapter generation.

Generation and transcription run on the host's worker threads with progress and a cancel
button. A generation replaces the AI chapters in the database in one transaction (in core);
its change set becomes one undo step on the host (``push_change``).
"""

from __future__ import annotations

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
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.ai.errors import CancelledError
from core.ai.service import GenerationOptions
from core.domain.errors import DomainError
from core.domain.signals import AnalysisState
from core.domain.timefmt import format_time

OFFLINE_CONNECTION_MESSAGE = (
    "No API key or server URL is set: chapters will be made offline, on this computer. "
    "To use a model, add a key or a server URL in Settings (or set OPENAI_API_KEY / "
    "OPENAI_BASE_URL) and open this tab again."
)

TRANSCRIPT_FILTER = "Transcripts (*.vtt *.srt *.json *.txt);;All files (*)"
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json", ".txt")
START_ROLE = Qt.ItemDataRole.UserRole + 1


class AiPanel(QWidget):
    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.ai = host.context.ai
        self.task = None
        self.last_result = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(self._transcript_box(), 1)
        layout.addWidget(self._settings_box())
        layout.addLayout(self._action_row())
        self.status = QLabel(objectName="Muted", wordWrap=True)
        layout.addWidget(self.status)
        self.repairs = QListWidget(toolTip="What was repaired in the answer before saving")
        self.repairs.setMaximumHeight(120)
        self.repairs.hide()
        layout.addWidget(self.repairs)
        self.setAcceptDrops(True)  # a transcript file dropped on the tab is imported
        self.refresh_transcript()
        self._set_busy(False)

    # --- building ------------------------------------------------------------------------
    def _transcript_box(self) -> QGroupBox:
        box = QGroupBox("Transcript")
        column = QVBoxLayout(box)
        row = QHBoxLayout()
        self.transcript_label = QLabel(wordWrap=True)
        self.import_button = QPushButton(
            "Import…", toolTip="WebVTT, SRT, JSON segments or timed text"
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
        self.transcript_view = QListWidget(toolTip="Double-click a line to jump there")
        self.transcript_view.setUniformItemSizes(True)
        # Activation is a double-click (or a single click, by platform style) and Enter.
        self.transcript_view.itemActivated.connect(self._seek_to_line)
        column.addWidget(self.transcript_view, 1)
        return box

    def _settings_box(self) -> QGroupBox:
        box = QGroupBox("Model")
        form = QFormLayout(box)
        self.model_edit = QLineEdit(self.ai.default_model(), placeholderText="gpt-4o")
        self.temperature = QDoubleSpinBox(minimum=0.0, maximum=2.0, singleStep=0.1, value=0.3)
        self.max_tokens = QSpinBox(minimum=1, maximum=128_000, singleStep=100, value=2000)
        self.offline_check = QCheckBox("Offline: topic detection on this computer, no network")
        self.youtube_check = QCheckBox("YouTube-ready: starts at 0:00, at least 3, each ≥ 10 s")
        self.signals_check = QCheckBox(
            "Weigh the signals: silences, static screens and scene cuts as likely boundaries",
            checked=True,
            toolTip="The signals the timeline's lane shows; offered once they are analysed",
        )
        self.connection_label = QLabel(objectName="Muted", wordWrap=True)
        form.addRow("Model", self.model_edit)
        form.addRow("Temperature", self.temperature)
        form.addRow("Max tokens", self.max_tokens)
        form.addRow(self.offline_check)
        form.addRow(self.youtube_check)
        form.addRow(self.signals_check)
        form.addRow(self.connection_label)
        self.refresh_connection()
        self.refresh_signals()
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
        while the editor is open, so this runs again whenever the tab is shown."""
        online = self.ai.online_available()
        if not online:
            self.offline_check.setChecked(True)
            self.connection_label.setText(OFFLINE_CONNECTION_MESSAGE)
        else:
            if not self.offline_check.isEnabled():
                self.offline_check.setChecked(False)
            _, base_url = self.ai.connection()
            self.connection_label.setText(f"Server: {base_url or 'OpenAI'}")
        self.offline_check.setEnabled(online)
        self.transcribe_button.setEnabled(online and self.task is None)

    def refresh_signals(self, analysed: bool | None = None) -> None:
        """The signals box shows only once the VOD's signals are analysed. The editor says
        so when its analysis finishes (``analysed=True``); on showing the tab it is read."""
        if analysed is None:
            state = self.host.context.signals.status(self.host.vod_id).state
            analysed = state == AnalysisState.COMPLETED
        self.signals_check.setVisible(analysed)

    def showEvent(self, event) -> None:
        self.refresh_connection()
        self.refresh_signals()
        super().showEvent(event)

    # --- transcript ----------------------------------------------------------------------
    def refresh_transcript(self) -> None:
        info = self.ai.transcript(self.host.vod_id)
        self.transcript_view.clear()
        for segment in info.segments:
            item = QListWidgetItem(f"[{format_time(segment.start)}] {segment.text}")
            item.setData(START_ROLE, segment.start)
            self.transcript_view.addItem(item)
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

    def import_transcript(self, path: str) -> bool:
        try:
            info = self.ai.import_transcript(self.host.vod_id, path)
        except DomainError as error:
            self._show_error(str(error))
            return False
        self.refresh_transcript()
        self._show_status(f"Transcript imported: {len(info.segments)} segments.")
        return True

    def transcribe(self) -> None:
        vod_id = self.host.vod_id
        self._start(
            lambda progress, cancel: self.ai.transcribe(vod_id, progress=progress, cancel=cancel),
            self._transcribed,
            "Transcribing",
        )

    def _transcribed(self, info) -> None:
        self._finish()
        self.refresh_transcript()
        self._show_status(f"Transcribed: {len(info.segments)} segments.")

    def _seek_to_line(self, item: QListWidgetItem) -> None:
        self.host.seek(float(item.data(START_ROLE)))

    # --- generation ----------------------------------------------------------------------
    def options(self) -> GenerationOptions:
        return GenerationOptions(
            model=self.model_edit.text().strip() or self.ai.default_model(),
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
        vod_id = self.host.vod_id
        self.refresh_signals()
        # None: the service reads the VOD's signals on the worker thread; () weighs none.
        hints = (
            None if self.signals_check.isVisibleTo(self) and self.signals_check.isChecked() else ()
        )
        self.repairs.hide()
        self._start(
            lambda progress, cancel: self.ai.generate(
                vod_id, options, progress=progress, cancel=cancel, hints=hints
            ),
            self._generated,
            "Generating chapters",
        )

    def _generated(self, result) -> None:
        self._finish()
        self.last_result = result
        self.host.push_change(f"Generate {result.count} AI chapters", result.changes)
        self._show_status(
            f"{result.count} AI chapters from {result.model_used} in "
            f"{result.processing_time_seconds:.1f} s; replaced {len(result.removed)}"
            + (f"; weighed {result.hints_used} signals. " if result.hints_used else ". ")
            + (f"{len(result.repairs)} repairs:" if result.repairs else "No repairs needed.")
        )
        self.repairs.clear()
        self.repairs.addItems(result.repairs)
        self.repairs.setVisible(bool(result.repairs))

    # --- task plumbing -------------------------------------------------------------------
    def _start(self, work, on_done, label: str) -> None:
        self._set_busy(True)
        self.progress.setValue(0)
        self._show_status(f"{label}…")
        self.task = self.host.tasks.run_task(
            work, on_done=on_done, on_error=self._failed, on_progress=self._progressed, label=label
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
        self.transcribe_button.setEnabled(not busy and self.ai.online_available())
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
