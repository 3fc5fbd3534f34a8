"""Transcode: choose qualities and priority, start, watch each quality's progress with ETA,
cancel the job or one quality, retry (resume) a failed or cancelled quality or the whole
job from its finished segments, open the output folder, play the master playlist."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.domain.media_specs import LADDER, JobStatus
from core.domain.sizes import describe_size, format_size
from core.jobs.shapes import TranscodeJob
from core.media.ladder_plan import rungs_above_source
from ui.jobs_bridge import job_bridge
from ui.tasks import describe_error
from ui.theme import icon

STATUS_COLORS = {
    JobStatus.QUEUED: "#8c8ca4",
    JobStatus.PROCESSING: "#c4b0ff",
    JobStatus.COMPLETED: "#2fbf8f",
    JobStatus.FAILED: "#ff5470",
    JobStatus.CANCELLED: "#8c8ca4",
    "cancelling": "#8c8ca4",
    "skipped": "#fbbf24",
}


class QualityRow:
    def __init__(self, grid: QGridLayout, row: int, quality: str, retry, cancel) -> None:
        rung = LADDER[quality]
        self.quality = quality
        self.name = QLabel(f"<b>{quality}</b>")
        self.detail = QLabel(
            f"{rung.width}×{rung.height} · {rung.video_kbps} kbps", objectName="Muted"
        )
        self.bar = QProgressBar(textVisible=True, maximumHeight=14)
        self.bar.setRange(0, 100)
        policy = self.bar.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # hiding a skipped rung's bar keeps the grid still
        self.bar.setSizePolicy(policy)
        self.state = QLabel(objectName="Muted")
        self.state.setMinimumWidth(110)
        # "cancelled · segments kept" beside the Retry button is wider than a narrow panel
        # leaves it: on two lines rather than cut off
        self.state.setWordWrap(True)
        self.retry_button = QPushButton(icon("retry"), "")
        self.retry_button.setToolTip(f"Retry {quality}")
        self.retry_button.clicked.connect(lambda: retry(quality))
        self.retry_button.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setIcon(icon("cancel", "muted"))
        self.cancel_button.setProperty("flat", True)
        self.cancel_button.setToolTip(f"Cancel {quality} only; the other qualities go on")
        self.cancel_button.clicked.connect(lambda: cancel(quality))
        self.cancel_button.hide()
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.name)
        names.addWidget(self.detail)
        grid.addLayout(names, row, 0)
        grid.addWidget(self.bar, row, 1)
        grid.addWidget(self.state, row, 2)
        grid.addWidget(self.retry_button, row, 3)
        grid.addWidget(self.cancel_button, row, 4)

    def show(self, state: str, percent: int, text: str, *, can_cancel: bool = False) -> None:
        # A skipped or unrequested rung is never encoded: an empty "0%" bar would read as stuck.
        self.bar.setVisible(state not in ("skipped", "idle"))
        self.bar.setValue(percent)
        self.bar.setProperty("state", state)
        self.bar.style().unpolish(self.bar)
        self.bar.style().polish(self.bar)
        self.state.setText(text)
        self.state.setStyleSheet(f"color: {STATUS_COLORS.get(state, '#8c8ca4')};")
        # A cancelled quality kept its finished segments: retrying resumes from them.
        self.retry_button.setVisible(state in ("failed", "cancelled"))
        self.retry_button.setToolTip(
            f"Resume {self.quality} from its finished segments"
            if state == "cancelled"
            else f"Retry {self.quality}"
        )
        self.cancel_button.setVisible(can_cancel and state in ("processing", "queued"))


class TranscodePanel(QWidget):
    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.service = host.context.transcodes
        self.job: TranscodeJob | None = None
        self._announced_job: str | None = None
        self.bridge = None
        self._busy_buttons: set[QWidget] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)

        setup = QGroupBox("New HLS transcode")
        form = QVBoxLayout(setup)
        checks = QHBoxLayout()
        self.quality_boxes: dict[str, QCheckBox] = {}
        above_source = rungs_above_source(host.vod.width, host.vod.height)
        for quality in LADDER:
            box = QCheckBox(quality, checked=quality not in above_source)
            if quality in above_source:
                box.setText(f"{quality} (above source)")
                box.setToolTip(
                    f"Larger than the source ({above_source[quality]}): it would be "
                    "skipped, not upscaled"
                )
            self.quality_boxes[quality] = box
            checks.addWidget(box)
        checks.addStretch(1)
        form.addLayout(checks)
        start_row = QHBoxLayout()
        self.priority = QComboBox()
        self.priority.addItem("Normal priority", "normal")
        self.priority.addItem("High priority", "high")
        self.start_button = QPushButton(icon("transcode", "#ffffff"), " Start transcode")
        self.start_button.setProperty("accent", True)
        self.start_button.clicked.connect(self.start_transcode)
        start_row.addWidget(self.priority)
        start_row.addStretch(1)
        start_row.addWidget(self.start_button)
        form.addLayout(start_row)
        layout.addWidget(setup)

        self.job_box = QGroupBox("Latest job")
        job_layout = QVBoxLayout(self.job_box)
        header = QHBoxLayout()
        self.status_label = QLabel()
        self.eta_label = QLabel(objectName="Muted")
        header.addWidget(self.status_label)
        header.addStretch(1)
        header.addWidget(self.eta_label)
        job_layout.addLayout(header)
        self.overall = QProgressBar(textVisible=False, maximumHeight=6)
        self.overall.setRange(0, 100)
        job_layout.addWidget(self.overall)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(10)
        self.rows = {
            q: QualityRow(grid, i, q, self.retry, self.cancel_quality) for i, q in enumerate(LADDER)
        }
        job_layout.addLayout(grid)
        line = QFrame(frameShape=QFrame.Shape.HLine)
        line.setStyleSheet("color: #2a2a38;")
        job_layout.addWidget(line)
        self.job_id_label = QLabel(objectName="Muted", wordWrap=True)
        self.job_id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        job_layout.addWidget(self.job_id_label)
        self.notes_label = QLabel(objectName="Muted", wordWrap=True)
        job_layout.addWidget(self.notes_label)
        self.error_label = QLabel(objectName="ErrorText", wordWrap=True)
        job_layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton(icon("cancel", "danger"), " Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button = QPushButton(icon("retry"), " Retry")
        self.resume_button.setToolTip(
            "Run the cancelled or failed qualities again, from the segments already made"
        )
        self.resume_button.clicked.connect(lambda: self.retry("all"))
        self.folder_button = QPushButton(icon("folder"), " Folder")
        self.folder_button.clicked.connect(self.open_folder)
        self.play_button = QPushButton(icon("play"), " Play HLS")
        self.play_button.setToolTip("Play the master playlist in the player")
        self.play_button.clicked.connect(self.play_master)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.resume_button)
        buttons.addStretch(1)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.play_button)
        job_layout.addLayout(buttons)
        layout.addWidget(self.job_box)
        layout.addStretch(1)
        self._load_latest()

    # --- runner --------------------------------------------------------------------------
    def _ensure_bridge(self):
        if self.bridge is None:
            self.bridge = job_bridge(self.host.context)
            self.bridge.status.connect(self._on_status)
        return self.bridge

    def _load_latest(self) -> None:
        """The VOD's latest job (none yet: an error), read on a worker: a database read
        inside the panel's constructor held the window while the editor opened."""
        service, vod_id = self.service, self.host.vod_id
        self._render()
        self.host.tasks.run_task(
            lambda progress, cancel: service.status(vod_id),
            on_done=self._latest_loaded,
            on_error=lambda error: None,
        )

    def _latest_loaded(self, job: TranscodeJob) -> None:
        if self.job is not None:
            return  # a job started or reported since is newer than what was read
        self.job = job
        if job.status.is_active:
            self._ensure_bridge()  # a job left queued or running: it goes on
        self._render()

    def _on_status(self, status: TranscodeJob) -> None:
        if status.video_id != self.host.vod_id:
            return
        if self.job is None or status.job_id == self.job.job_id or status.status.is_active:
            self.job = status
            self._render()
            self._announce_end()

    def _announce_end(self) -> None:
        """Once per job: replace "Transcode queued…" in the status bar with how it ended."""
        job = self.job
        if not job or job.status.is_active or job.job_id == self._announced_job:
            return
        self._announced_job = job.job_id
        status = job.status
        skipped = job.skipped_qualities
        done = job.completed_qualities
        if status == JobStatus.COMPLETED:
            extra = f" ({', '.join(skipped)} skipped: above the source)" if skipped else ""
            self.host.show_message(
                f"Transcode complete: {', '.join(done) or 'nothing'} ready{extra}"
            )
        elif status == JobStatus.FAILED:
            self.host.show_message(
                f"Transcode failed: {job.error or 'see the Transcode tab'}", error=True
            )
        else:
            self.host.show_message(f"Transcode {status}")

    # --- actions -------------------------------------------------------------------------
    def selected_qualities(self) -> list[str]:
        return [q for q, box in self.quality_boxes.items() if box.isChecked()]

    def start_transcode(self) -> None:
        qualities = self.selected_qualities()
        if not qualities:
            self.host.show_message("Choose at least one quality to transcode", error=True)
            return
        service, vod_id, priority = self.service, self.host.vod_id, self.priority.currentData()

        def queue(progress, cancel):  # database writes: off the GUI thread
            started = service.start(vod_id, qualities, priority)
            return started, service.status(vod_id, started.job_id)

        def queued(result) -> None:
            started, self.job = result
            self._ensure_bridge().wake()
            self.host.show_message(
                f"Transcode queued: {', '.join(qualities)} (about {started.estimated_time})"
            )
            self._render()

        def failed(error: BaseException) -> None:
            self.host.show_message(f"Transcode: {describe_error(error)}", error=True)
            self.start_button.setEnabled(self.job is None or not self.job.status.is_active)

        self.start_button.setEnabled(False)  # one click, one job
        self.host.tasks.run_task(
            queue, on_done=queued, on_error=failed, label="Queueing the transcode"
        )

    def cancel(self) -> None:
        if not self.job:
            return
        service, vod_id, job_id = self.service, self.host.vod_id, self.job.job_id

        def cancelled(job: TranscodeJob) -> None:
            self._ensure_bridge().request_cancel(job_id)
            self._render()

        self._run_action(
            lambda progress, cancel: service.cancel(vod_id, job_id),
            cancelled,
            self.cancel_button,
            "Cancelling the transcode",
        )

    def cancel_quality(self, quality: str) -> None:
        """Cancel one quality of the running job; the others go on."""
        if not self.job:
            return
        service, vod_id, job_id = self.service, self.host.vod_id, self.job.job_id

        def cancelled(job: TranscodeJob) -> None:
            self._ensure_bridge().request_cancel(job_id, quality)
            self.host.show_message(f"Cancelling {quality}; the other qualities go on")
            self._render()

        self._run_action(
            lambda progress, cancel: service.cancel(vod_id, job_id, quality),
            cancelled,
            self.rows[quality].cancel_button,
            f"Cancelling {quality}",
        )

    def retry(self, quality: str) -> None:
        """Queue ``quality`` (or "all" the failed and cancelled ones) again; it resumes
        from the segments made before."""
        service, vod_id = self.service, self.host.vod_id

        def queued(job: TranscodeJob) -> None:
            self._ensure_bridge().wake()
            self._render()

        button = self.resume_button if quality == "all" else self.rows[quality].retry_button
        self._run_action(
            lambda progress, cancel: service.retry(vod_id, quality),
            queued,
            button,
            f"Retrying {quality}",
        )

    def _run_action(self, work, on_done, button, label: str) -> None:
        """A job change (database writes, which may wait on another writer's lock) runs on a
        worker; its button stays off until it ends, one click one change. The job it returns
        is shown unless the runner reported the job meanwhile: that report is as new, and the
        runner reports again while the job is active."""
        before = self.job
        self._busy_buttons.add(button)
        button.setEnabled(False)

        def ended() -> None:
            self._busy_buttons.discard(button)
            button.setEnabled(True)  # the view drawn next says whether it is offered

        def done(job: TranscodeJob) -> None:
            ended()
            if self.job is before:
                self.job = job
            on_done(job)

        def failed(error: BaseException) -> None:
            ended()
            self.host.show_message(describe_error(error), error=True)
            self._render()

        self.host.tasks.run_task(work, on_done=done, on_error=failed, label=label)

    def open_folder(self) -> None:
        folder = self._output_dir()
        if folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(folder))

    def _output_dir(self) -> str | None:
        if not self.job:
            return None
        master = self.job.master_playlist
        if master:
            return str(Path(master).parent)
        try:
            return str(self.service.output_root(self.host.vod_id, self.job.job_id))
        except Exception:
            return None

    def play_master(self) -> None:
        master = self.job.master_playlist if self.job else None
        if master and Path(master).exists():
            self.host.play_file(master)
        else:
            self.host.show_message("No master playlist yet: finish a transcode first", error=True)

    # --- view ----------------------------------------------------------------------------
    @staticmethod
    def _cancelled_state(job: TranscodeJob) -> tuple[str, int, str]:
        """A cancelled quality keeps its segments. With one quality encoded the job's
        progress is that quality's: the bar stays where Retry resumes, not at 0 %."""
        encoded = [q for q in job.qualities_requested if q not in job.skipped_qualities]
        if len(encoded) == 1 and job.progress:
            return "cancelled", job.progress, f"cancelled · {job.progress}% kept"
        return "cancelled", 0, "cancelled · segments kept"

    def quality_state(self, quality: str) -> tuple[str, int, str]:
        job = self.job
        if job is None:
            return "idle", 0, "—"
        if quality in job.completed_qualities:
            output = job.output(quality)
            size = output.size_bytes if output else None
            return (
                "completed",
                100,
                "done"
                + (f" · {format_size(size)}" if size else "")
                + (" · remuxed" if output and output.method == "copy" else ""),
            )
        if quality in job.failed_qualities:
            return "failed", 0, "failed"
        if quality in job.cancelled_qualities:
            return self._cancelled_state(job)
        if quality in job.cancelling_qualities:
            return "cancelling", 0, "cancelling…"
        if quality in job.skipped_qualities:
            return "skipped", 0, "skipped (above source)"
        if quality not in job.qualities_requested:
            return "idle", 0, "not requested"
        running = job.output(quality)
        if job.status == JobStatus.PROCESSING and running and running.status == "processing":
            eta = job.estimated_time_remaining
            return (
                "processing",
                job.progress,
                f"{job.progress}%" + (f" · {eta} left" if eta else ""),
            )
        if job.status == JobStatus.CANCELLED:
            return self._cancelled_state(job)
        return (
            "queued",
            job.progress,
            "queued" + (f" · {job.progress}% kept" if job.progress else ""),
        )

    def _render(self) -> None:
        job = self.job
        self.job_box.setVisible(job is not None)
        if job is None:
            return
        status = job.status
        colour = STATUS_COLORS.get(status, "#8c8ca4")
        self.status_label.setText(
            f"<span style='color:{colour}; font-weight:600'>{status.upper()}</span>"
            f"  <span style='color:#8c8ca4'>{job.priority} priority"
            f"{' · ' + job.encoder if job.encoder else ''}</span>"
        )
        eta = job.estimated_time_remaining
        self.eta_label.setText(f"{eta} left" if eta and status == JobStatus.PROCESSING else "")
        self.overall.setValue(job.progress if status != JobStatus.COMPLETED else 100)
        self.overall.setProperty("state", status.value)
        self.overall.style().unpolish(self.overall)
        self.overall.style().polish(self.overall)
        reasons = {o.quality: o.error for o in job.outputs}
        sizes = {o.quality: describe_size(o.size_bytes) for o in job.outputs if o.size_bytes}
        active = status.is_active
        running = [q for q in job.qualities_requested if self._still_running(q)]
        for quality, row in self.rows.items():
            # Cancelling the last running quality is cancelling the job: the Cancel button.
            row.show(*self.quality_state(quality), can_cancel=active and len(running) > 1)
            row.state.setToolTip(reasons.get(quality) or sizes.get(quality) or "")
        self.job_id_label.setText(f"Job {job.job_id}")
        notes = job.notes
        self.notes_label.setText("\n".join(notes[-3:]))
        self.notes_label.setVisible(bool(notes))
        self.error_label.setText(job.error or "")
        self.error_label.setVisible(bool(job.error))
        self.cancel_button.setEnabled(active)
        retryable = job.cancelled_qualities or job.failed_qualities
        self.resume_button.setVisible(bool(retryable) and not active)
        self.start_button.setEnabled(not active)
        self.play_button.setEnabled(bool(job.master_playlist) and status == JobStatus.COMPLETED)
        self.folder_button.setEnabled(bool(self._output_dir()))
        for button in self._busy_buttons:  # a cancel or retry still on its way
            button.setEnabled(False)

    def _still_running(self, quality: str) -> bool:
        return self.quality_state(quality)[0] in ("processing", "queued")

    def close_panel(self) -> None:
        if self.bridge is not None:
            self.bridge.status.disconnect(self._on_status)
            self.bridge = None
