"""Running queued transcode jobs on plain threads (no Qt), with progress for observers.

Observers ``subscribe(callback)`` and receive ``TranscodeJob`` statuses from the
runner's threads, at most ~10 per second per job plus every state change; a GUI marshals
them to its own thread. Cancelling works from anywhere: the runner polls each running
job's ``cancel_requested`` flag (and the qualities cancelled on their own, the job's
``cancel_qualities`` option), so ``transcode cancel`` in another shell stops ffmpeg.

Stopping the runner (the app quitting, SIGTERM to ``transcode run``) stops its jobs and
queues them again; like a crash, a cancel or a failure, it keeps every finished segment,
and the next run resumes each rendition from its last complete one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.domain.media_specs import LADDER, JobStatus
from core.media.errors import MediaCancelled, MediaError
from core.store.db import Database
from core.store.models import TranscodeJobRow, Vod

from . import endings
from .diskspace import out_of_space
from .executor import ExecutionOutcome, Executor, LocalLadderExecutor, TranscodeSpec
from .queue import (
    claim_next,
    new_worker_id,
    recover_interrupted,
    set_waiting_note,
)
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
        self.stop_reason = "the app closed"
        self.cancelled_qualities: set[str] = set()


class _Control:
    """The cancel flag given to an executor."""

    def __init__(self, item: _Running) -> None:
        self._item = item

    def is_set(self) -> bool:
        return self._item.cancel.is_set()

    def cancelled_qualities(self) -> set[str]:
        return set(self._item.cancelled_qualities)


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

    def stop(
        self, timeout: float = 30.0, reason: str = "the app closed", *, requeue: bool = True
    ) -> None:
        """Stop dispatching and stop the running jobs: queued again, to resume from their
        last finished segments next time (``reason`` says why, while they wait), or, with
        ``requeue=False`` (Ctrl-C), cancelled. Either way their segments are kept."""
        self._stop.set()
        self._wake.set()
        with self._lock:
            running = list(self._running.values())
        for item in running:
            item.stopping = requeue
            item.stop_reason = reason
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

    def request_cancel(self, job_id: str, quality: str | None = None) -> None:
        """Stop a job this runner is running right now (the GUI's cancel button), or only
        one of its qualities while the others go on."""
        with self._lock:
            item = self._running.get(job_id)
        if item is None:
            return
        if quality is None:
            item.cancel.set()
        else:
            item.cancelled_qualities.add(quality)

    def running_jobs(self) -> list[TranscodeJob]:
        """The latest status of every job this runner is running now (once prepared)."""
        with self._lock:
            running = list(self._running.values())
        return [
            replace(item.snapshot, progress=int(item.fraction * 100), current_quality=item.label)
            for item in running
            if item.snapshot is not None
        ]

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
                    _Control(item),
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
            options = job.options or {}
            cancelled = set(options.get("cancel_qualities") or [])
            item.cancelled_qualities |= cancelled
            run = [
                q
                for q in options.get("run_qualities") or job.qualities_requested
                if q not in cancelled
            ]
            set_waiting_note(job, None)  # it runs now: why it waited no longer holds
            item.fraction = job.progress / 100
            for output in job.outputs:
                if output.quality in run:
                    output.status, output.error = "processing", None
            item.label = ",".join(run)
            job.current_quality = min(run, key=list(LADDER).index) if run else None
            spec = TranscodeSpec(
                job_id=job.id,
                source=session.get_one(Vod, job.vod_id).file_path,
                output_dir=endings.output_dir(job),
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
                    item.cancelled_qualities |= set(
                        (job.options or {}).get("cancel_qualities") or []
                    )
                    if time.monotonic() - last_save >= SAVE_INTERVAL:
                        job.progress = round(item.fraction * 100, 1)
                        job.estimated_seconds_remaining = item.eta
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
            endings.complete(session, job, outcome, item.disk_full)

    def _cancelled(self, item: _Running) -> None:
        with self._database.session() as session:
            job = session.get_one(TranscodeJobRow, item.job_id)
            endings.stopped(
                session,
                job,
                fraction=item.fraction,
                cancelled_qualities=item.cancelled_qualities,
                requeue_because=item.stop_reason if item.stopping else None,
            )

    def _fail(self, item: _Running, message: str) -> None:
        with self._database.session() as session:
            job = session.get(TranscodeJobRow, item.job_id)
            if job is not None:
                endings.failed(session, job, message)

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
                progress_label=item.label,
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
