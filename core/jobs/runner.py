"""Running queued transcode jobs on plain threads (no Qt), with progress for observers.

Observers ``subscribe(callback)`` and receive ``TranscodeJob`` statuses from the
runner's threads, at most ~10 per second per job plus every state change; a GUI marshals
them to its own thread. Cancelling works from anywhere: the runner polls each running
job's ``cancel_requested`` flag, so ``transcode cancel`` in another shell stops ffmpeg.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.domain.media_specs import LADDER, JobStatus
from core.media.audio_rendition import find_audio_rendition
from core.media.errors import MediaCancelled, MediaError
from core.media.hls_master import MASTER_NAME, measure_rendition, write_master
from core.media.ladder_plan import RungPlan
from core.store.db import Database
from core.store.models import TranscodeJobRow, Vod

from .diskspace import out_of_space
from .executor import ExecutionOutcome, Executor, LocalLadderExecutor, TranscodeSpec
from .queue import claim_next, clear_partial_output, new_worker_id, recover_interrupted
from .shapes import TranscodeJob

log = logging.getLogger(__name__)
Observer = Callable[[TranscodeJob], None]
NOTIFY_INTERVAL = 0.1
SAVE_INTERVAL = 1.0
CANCEL_POLL_INTERVAL = 0.5


class _Running:
    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.cancel = threading.Event()
        self.stopping = False
        self.started = time.monotonic()
        self.fraction = 0.0
        self.label: str | None = None
        self.eta: float | None = None
        self.snapshot: TranscodeJob | None = None
        self.last_notify = 0.0
        self.thread: threading.Thread | None = None
        self.done = False
        self.output_dir: str | None = None
        self.disk_full: str | None = None  # why the job was stopped: its disk filled up


class JobRunner:
    def __init__(
        self,
        database: Database,
        data_dir: str | Path,
        settings: Any = None,
        *,
        executor: Executor | None = None,
        max_parallel: int | None = None,
        poll_seconds: float = 1.0,
    ) -> None:
        self._database = database
        self._data_dir = Path(data_dir)
        self._settings = settings
        self._executor = executor or LocalLadderExecutor()
        self._max_parallel = max_parallel
        self._poll = poll_seconds
        self.worker_id = new_worker_id()
        self._observers: list[Observer] = []
        self._lock = threading.Lock()
        self._running: dict[str, _Running] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def executor(self) -> Executor:
        """What runs each job's ffmpeg work: the local ladder, or the transcode farm."""
        return self._executor

    # --- observers ---------------------------------------------------------------------------
    def subscribe(self, callback: Observer) -> Callable[[], None]:
        with self._lock:
            self._observers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._observers:
                    self._observers.remove(callback)

        return unsubscribe

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Recover interrupted jobs, then run queued ones in the background until ``stop``."""
        if self._thread is not None:
            return
        recover_interrupted(self._database)
        self._stop.clear()
        self._thread = threading.Thread(target=self._dispatch_loop, name="job-runner", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (after a job was added) instead of at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop dispatching; running jobs are stopped and queued again (resumed next time)."""
        self._stop.set()
        self._wake.set()
        with self._lock:
            running = list(self._running.values())
        for item in running:
            item.stopping = True
            item.cancel.set()
        for item in running:
            if item.thread is not None:
                item.thread.join(timeout)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_until_idle(self, until_job: str | None = None, timeout: float | None = None) -> None:
        """Run queued jobs in this process until none is left (or, with ``until_job``, until
        that job is finished, whoever runs it). For the CLI's ``--wait``."""
        recover_interrupted(self._database)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            target_done = until_job is not None and self._is_final(until_job)
            started = 0 if target_done else self._fill_slots()
            with self._lock:
                busy = bool(self._running)
            if not busy and started == 0 and (until_job is None or target_done):
                return
            if deadline is not None and time.monotonic() > deadline:
                return
            time.sleep(0.2)

    def request_cancel(self, job_id: str) -> None:
        """Stop a job this runner is running right now (the GUI's cancel button)."""
        with self._lock:
            item = self._running.get(job_id)
        if item is not None:
            item.cancel.set()

    # --- dispatching -------------------------------------------------------------------------
    def _limit(self) -> int:
        value = self._max_parallel
        if value is None and self._settings is not None:
            value = self._settings.get("max_parallel_jobs")
        try:
            return max(1, int(value or 1))
        except (TypeError, ValueError):
            return 1

    def _dispatch_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._fill_slots()
            except Exception:  # the loop must survive a locked database or similar
                log.exception("job dispatch failed")
            self._wake.wait(self._poll)
            self._wake.clear()

    def _fill_slots(self) -> int:
        started = 0
        while not self._stop.is_set() or self._thread is None:
            with self._lock:
                if len(self._running) >= self._limit():
                    break
            job_id = claim_next(self._database, self.worker_id)
            if job_id is None:
                break
            item = _Running(job_id)
            item.thread = threading.Thread(
                target=self._execute, args=(item,), name=f"job-{job_id}", daemon=True
            )
            with self._lock:
                self._running[job_id] = item
            item.thread.start()
            started += 1
        return started

    def _is_final(self, job_id: str) -> bool:
        with self._database.session() as session:
            job = session.get(TranscodeJobRow, job_id)
            return job is None or JobStatus(job.status).is_final

    # --- one job -----------------------------------------------------------------------------
    def _execute(self, item: _Running) -> None:
        try:
            spec = self._prepare(item)
            watcher = threading.Thread(target=self._watch, args=(item,), daemon=True)
            watcher.start()
            try:
                outcome = self._executor.execute(
                    spec,
                    lambda fraction, label: self._on_progress(item, fraction, label),
                    item.cancel,
                )
            finally:
                item.done = True
                watcher.join(timeout=2)
            self._complete(item, outcome)
        except MediaCancelled:
            if item.disk_full:
                self._fail(item, item.disk_full)
            else:
                self._cancelled(item)
        except MediaError as error:
            self._fail(item, str(error))
        except Exception as error:  # never leave a job processing
            log.exception("transcode job %s crashed", item.job_id)
            self._fail(item, f"internal error: {type(error).__name__}: {error}")
        finally:
            with self._lock:
                self._running.pop(item.job_id, None)
            self._notify(item, force=True, from_db=True)
            self._wake.set()

    def _prepare(self, item: _Running) -> TranscodeSpec:
        encoder = self._settings.get("hardware_encoder") if self._settings is not None else "auto"
        with self._database.session() as session:
            job = session.get_one(TranscodeJobRow, item.job_id)
            run = list((job.options or {}).get("run_qualities") or job.qualities_requested)
            for output in job.outputs:
                if output.quality in run:
                    output.status, output.error = "processing", None
            job.current_quality = ",".join(run)
            item.label = job.current_quality
            spec = TranscodeSpec(
                job_id=job.id,
                source=session.get_one(Vod, job.vod_id).file_path,
                output_dir=_output_dir(job),
                qualities=tuple(run),
                encoder_preference=encoder,
                allow_copy=bool((job.options or {}).get("allow_copy", True)),
                preset=(job.options or {}).get("preset"),
            )
            item.snapshot = TranscodeJob.from_row(job)
        item.output_dir = spec.output_dir
        full = out_of_space(spec.output_dir)
        if full:
            raise MediaError(full)
        self._notify(item, force=True)
        return spec

    def _check_disk(self, item: _Running) -> None:
        """Stop the job when its output disk is full: ffmpeg's HLS muxer would carry on
        without writing anything (see ``diskspace``)."""
        if item.disk_full or item.output_dir is None:
            return
        full = out_of_space(item.output_dir)
        if full:
            item.disk_full = full
            item.cancel.set()

    def _on_progress(self, item: _Running, fraction: float, label: str) -> None:
        item.fraction = max(0.0, min(1.0, fraction))
        item.label = label or item.label
        elapsed = time.monotonic() - item.started
        item.eta = elapsed * (1 - item.fraction) / item.fraction if item.fraction > 0.02 else None
        # Besides the watcher's poll: a short job can fill the disk and end between two polls,
        # and ffmpeg's last progress report ("end") still comes through here.
        self._check_disk(item)
        self._notify(item)

    def _watch(self, item: _Running) -> None:
        """Save progress and a heartbeat, and pick up a cancel requested from elsewhere."""
        last_save = 0.0
        while not item.done:
            try:
                with self._database.session() as session:
                    job = session.get_one(TranscodeJobRow, item.job_id)
                    if job.cancel_requested:
                        item.cancel.set()
                    if time.monotonic() - last_save >= SAVE_INTERVAL:
                        job.progress = round(item.fraction * 100, 1)
                        job.estimated_seconds_remaining = item.eta
                        job.current_quality = item.label
                        job.heartbeat_at = datetime.now(UTC)
                        last_save = time.monotonic()
            except Exception:
                log.exception("saving progress of %s failed", item.job_id)
            self._check_disk(item)
            time.sleep(CANCEL_POLL_INTERVAL)

    # --- endings -----------------------------------------------------------------------------
    def _complete(self, item: _Running, outcome: ExecutionOutcome) -> None:
        with self._database.session() as session:
            job = session.get_one(TranscodeJobRow, item.job_id)
            outputs = {o.quality: o for o in job.outputs}
            completed, failed = list(job.completed_qualities), list(job.failed_qualities)
            skipped = list(job.skipped_qualities)
            for rendition in outcome.renditions:
                output = outputs[rendition.quality]
                output.status, output.error = "completed", None
                output.path = rendition.playlist
                output.bitrate = rendition.nominal_bitrate
                output.resolution = rendition.resolution
                output.segment_count = rendition.segment_count
                output.size_bytes = rendition.size_bytes
                output.method = rendition.method
                completed = _add(completed, rendition.quality)
                failed = [q for q in failed if q != rendition.quality]
            for quality, reason in outcome.skipped.items():
                outputs[quality].status, outputs[quality].error = "skipped", reason
                skipped = _add(skipped, quality)
            produced = {r.quality for r in outcome.renditions} | set(outcome.skipped)
            for quality in (job.options or {}).get("run_qualities") or []:
                if quality not in produced:
                    # A full disk explains an empty playlist better than the playlist does.
                    reason = item.disk_full or outcome.failed.get(
                        quality, "ffmpeg produced no output for it"
                    )
                    outputs[quality].status, outputs[quality].error = "failed", reason
                    failed = _add(failed, quality)
            job.completed_qualities = _ordered(completed)
            job.failed_qualities = _ordered(failed)
            job.skipped_qualities = _ordered(skipped)
            job.notes = [*job.notes, *[n for n in outcome.notes if n not in job.notes]]
            job.encoder = outcome.encoder
            self._write_master(session, job)
            if job.failed_qualities:
                job.status = JobStatus.FAILED.value
                job.error = "; ".join(_prefixed(q, outputs[q].error) for q in job.failed_qualities)
            else:
                job.status = JobStatus.COMPLETED.value
                job.error = None
                job.progress = 100.0
            self._close(job)

    def _cancelled(self, item: _Running) -> None:
        with self._database.session() as session:
            job = session.get_one(TranscodeJobRow, item.job_id)
            clear_partial_output(job.output_dir)
            for output in job.outputs:
                if output.status == "processing":
                    output.status = "queued" if item.stopping else "cancelled"
            if item.stopping and not job.cancel_requested:
                job.status = JobStatus.QUEUED.value
                job.notes = [*job.notes, "stopped when the app closed; queued to run again"]
                job.worker_id = None
                job.current_quality = None
                job.estimated_seconds_remaining = None
                return
            self._write_master(session, job)
            job.status = JobStatus.CANCELLED.value
            self._close(job)

    def _fail(self, item: _Running, message: str) -> None:
        with self._database.session() as session:
            job = session.get(TranscodeJobRow, item.job_id)
            if job is None:
                return
            clear_partial_output(job.output_dir)
            run = (job.options or {}).get("run_qualities") or job.qualities_requested
            failed = list(job.failed_qualities)
            for output in job.outputs:
                if output.quality in run and output.status in ("processing", "queued"):
                    output.status, output.error = "failed", message
                    failed = _add(failed, output.quality)
            job.failed_qualities = _ordered(failed)
            job.status = JobStatus.FAILED.value
            job.error = message
            self._write_master(session, job)
            self._close(job)

    def _write_master(self, session: Any, job: TranscodeJobRow) -> None:
        """Rebuild ``master.m3u8`` from what is on disk: every completed quality's variant
        and the shared audio rendition (``<output>/audio``). A quality whose files are gone
        or broken is failed; so is every quality when the source has audio but the audio
        rendition is missing or broken (silent variants are not a finished transcode; a
        retry of any quality makes the audio again)."""
        renditions = []
        for output in job.outputs:
            if output.status != "completed" or not output.path:
                continue
            width, height = (int(x) for x in (output.resolution or "0x0").split("x"))
            rung = RungPlan(
                output.quality,
                width,
                height,
                LADDER[output.quality].video_kbps,
                output.method or "encode",
            )
            try:
                renditions.append(measure_rendition(Path(output.path), rung))
            except MediaError as error:
                _fail_output(job, output, str(error))
        if renditions and not self._audio_in_place(session, job):
            for output in job.outputs:
                if output.status == "completed":
                    _fail_output(
                        job,
                        output,
                        "the audio rendition is missing or incomplete; "
                        "retry this quality to make it again",
                    )
            renditions = []
        if renditions:
            job.master_playlist = str(write_master(renditions, Path(_output_dir(job))))
        else:
            job.master_playlist = None
            with contextlib.suppress(OSError):  # a master left from a run whose files broke
                Path(_output_dir(job), MASTER_NAME).unlink(missing_ok=True)

    @staticmethod
    def _audio_in_place(session: Any, job: TranscodeJobRow) -> bool:
        """Whether the audio rendition the variants need is there (always, without audio)."""
        vod = session.get(Vod, job.vod_id)
        try:
            audio = find_audio_rendition(_output_dir(job))
        except MediaError:
            return False
        return audio is not None or vod is None or not vod.audio_codec

    @staticmethod
    def _close(job: TranscodeJobRow) -> None:
        job.finished_at = datetime.now(UTC)
        job.current_quality = None
        job.estimated_seconds_remaining = None
        job.worker_id = None

    # --- notifications -----------------------------------------------------------------------
    def _notify(self, item: _Running, *, force: bool = False, from_db: bool = False) -> None:
        now = time.monotonic()
        if not force and now - item.last_notify < NOTIFY_INTERVAL:
            return
        item.last_notify = now
        if from_db:
            with self._database.session() as session:
                job = session.get(TranscodeJobRow, item.job_id)
                if job is None:
                    return
                snapshot = TranscodeJob.from_row(job)
        elif item.snapshot is None:  # not prepared yet: nothing to tell
            return
        else:
            snapshot = replace(
                item.snapshot,
                status=JobStatus.PROCESSING,
                progress=int(item.fraction * 100),
                current_quality=item.label,
                estimated_time_remaining=_eta_words(item.eta),
                estimated_seconds_remaining=item.eta,
            )
        with self._lock:
            observers = list(self._observers)
        for observer in observers:
            try:
                observer(snapshot)
            except Exception:
                log.exception("a transcode observer failed")


def _eta_words(seconds: float | None) -> str | None:
    from core.domain.timefmt import format_duration_words

    return None if seconds is None else format_duration_words(seconds)


def _prefixed(quality: str, error: str | None) -> str:
    text = error or "failed"
    return text if text.startswith(f"{quality}:") else f"{quality}: {text}"


def _output_dir(job: TranscodeJobRow) -> str:
    """Every job is given its folder when it is queued (``TranscodeService.start``)."""
    if not job.output_dir:
        raise MediaError(f"transcode job {job.id[:8]} has no output folder")
    return job.output_dir


def _fail_output(job: TranscodeJobRow, output: Any, reason: str) -> None:
    output.status, output.error = "failed", reason
    job.completed_qualities = [q for q in job.completed_qualities if q != output.quality]
    job.failed_qualities = _ordered(_add(list(job.failed_qualities), output.quality))


def _add(items: list[str], quality: str) -> list[str]:
    return items if quality in items else [*items, quality]


def _ordered(items: list[str]) -> list[str]:
    return [q for q in LADDER if q in items]
