"""The submitting machine's side of a farm job: send chunks, relay progress, cancel, recover.

``FarmChunkExecutor`` is a ``core.media.chunked.ChunkExecutor``: it sends the audio and every
chunk of a plan as Celery tasks, polls their state in the result backend (progress comes
from the workers' ``PROGRESS`` updates), and returns once every chunk exists on the share.

A worker that dies mid-chunk is recovered two ways. Celery/Redis redeliver the chunk's
unacknowledged message after the visibility timeout (``celery_app``). Sooner than that, a
chunk whose worker stopped reporting progress for ``stall_seconds`` is resubmitted under a
new task id; whichever copy finishes first wins, because chunk outputs are renamed into
place atomically and an already-written chunk is not encoded again.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from celery import Celery
from celery.result import AsyncResult

from core.media.chunk_ffmpeg import CancelCheck
from core.media.chunked import ChunkedPlan, ChunkProgress, JobProgress
from core.media.errors import MediaCancelled, MediaError

from .celery_app import QUEUE
from .relay import clear_cancel, request_cancel
from .tasks import ENCODE_AUDIO, ENCODE_CHUNK

STALL_ENV = "VODSTUDIO_FARM_STALL_SECONDS"
DEFAULT_STALL_SECONDS = 120.0
#: A chunk that fails this many times (ffmpeg errors, not lost workers) fails the job.
MAX_ATTEMPTS = 3
POLL_SECONDS = 1.0  # one Redis GET per pending chunk per poll
AUDIO = "audio"


def stall_seconds() -> float:
    try:
        return max(2.0, float(os.environ.get(STALL_ENV, "") or DEFAULT_STALL_SECONDS))
    except ValueError:
        return DEFAULT_STALL_SECONDS


@dataclass(slots=True)
class Submission:
    key: str  # "audio" or the chunk index
    attempt: int = 0
    failures: int = 0
    task_ids: list[str] = field(default_factory=list)
    last_beat: Any = None
    last_change: float = field(default_factory=time.monotonic)
    running: bool = False


class FarmChunkExecutor:
    """Runs a chunked plan's work on Celery workers."""

    def __init__(self, app: Celery, job_id: str, *, stall_after: float | None = None) -> None:
        self.app = app
        self.job_id = job_id
        self.stall_after = stall_after if stall_after is not None else stall_seconds()
        self.resubmissions = 0
        #: key ("audio" or chunk index) → its submissions in this run (for status and tests)
        self.submissions: dict[str, Submission] = {}
        self._run = ""

    def run(
        self, plan: ChunkedPlan, progress: JobProgress, should_cancel: CancelCheck
    ) -> dict[str, int]:
        from .status import ping_broker

        ping_broker(self.app.conf.broker_url)  # a clear error now instead of a silent wait
        # A retried or resumed job reuses its id: forget an old cancel, and give this run's
        # tasks fresh ids so old results (revoked, failed) are never mistaken for this run's.
        clear_cancel(self.app.conf.broker_url, self.job_id)
        self._run = uuid.uuid4().hex[:8]
        tracker = ChunkProgress(plan, progress, 1.0)
        chunks = {str(c.index): c for c in plan.chunks}
        pending = self.submissions = {}
        if plan.has_audio:
            pending[AUDIO] = self._submit(Submission(AUDIO), plan)
        for key in chunks:
            pending[key] = self._submit(Submission(key), plan)
        every_id = lambda: [i for s in pending.values() for i in s.task_ids]  # noqa: E731
        workers: dict[str, int] = {}
        online = self.app.control.inspect(timeout=1.0).ping() or {}
        progress(
            0.0,
            f"sent {len(chunks)} chunks to {len(online)} farm worker(s)"
            if online
            else "no farm worker online: chunks wait until one starts (vodstudio worker)",
        )
        while pending:
            if should_cancel():
                self.cancel(every_id())
                raise MediaCancelled("the farm transcode")
            for key, submission in list(pending.items()):
                outcome = self._check(submission, plan, tracker, chunks.get(key))
                if outcome is None:
                    continue
                del pending[key]
                worker = outcome.get("worker", "unknown")
                workers[worker] = workers.get(worker, 0) + 1
                if key != AUDIO:
                    tracker.finish(chunks[key])
            time.sleep(POLL_SECONDS)
        return workers

    def cancel(self, task_ids: list[str]) -> None:
        """Stop the job everywhere: workers see the Redis flag and kill ffmpeg; queued
        chunks are revoked so no worker starts them."""
        request_cancel(self.app.conf.broker_url, self.job_id)
        if task_ids:
            self.app.control.revoke(task_ids, terminate=True, signal="SIGTERM")

    def _submit(self, submission: Submission, plan: ChunkedPlan) -> Submission:
        submission.attempt += 1
        task_id = f"{self.job_id}:{self._run}:{submission.key}:{submission.attempt}"
        if submission.key == AUDIO:
            self.app.send_task(
                ENCODE_AUDIO,
                args=[self.job_id, plan.source, plan.work_dir],
                task_id=task_id,
                queue=QUEUE,
            )
        else:
            chunk = plan.chunks[int(submission.key)]
            self.app.send_task(
                ENCODE_CHUNK, args=[self.job_id, chunk.to_payload()], task_id=task_id, queue=QUEUE
            )
        submission.task_ids.append(task_id)
        submission.last_change = time.monotonic()
        submission.running = False
        return submission

    def _check(
        self, submission: Submission, plan: ChunkedPlan, tracker: ChunkProgress, chunk
    ) -> dict[str, Any] | None:
        """The result when any copy of the chunk succeeded; resubmits failed/stalled ones."""
        latest: tuple[str, Any] | None = None
        for task_id in submission.task_ids:
            result = AsyncResult(task_id, app=self.app)
            state = result.state
            if state == "SUCCESS":
                value = result.result or {}
                if value.get("cancelled"):
                    raise MediaCancelled("the farm transcode")
                return value
            if task_id == submission.task_ids[-1]:
                latest = (state, result.info)
        assert latest is not None, "a submission has at least one task"
        state, info = latest
        now = time.monotonic()
        if state in ("FAILURE", "REVOKED"):
            submission.failures += 1
            if isinstance(info, MediaCancelled) or "cancelled" in str(info):
                raise MediaCancelled("the farm transcode")
            if submission.failures >= MAX_ATTEMPTS:
                self.cancel(list(submission.task_ids))
                raise MediaError(
                    f"chunk {submission.key} failed {MAX_ATTEMPTS} times on the "
                    f"farm; last error: {info}"
                )
            self._submit(submission, plan)
            return None
        if state in ("STARTED", "PROGRESS"):
            beat = info.get("beat") if isinstance(info, dict) else None
            if not submission.running or beat != submission.last_beat:
                submission.running, submission.last_beat = True, beat
                submission.last_change = now
            if state == "PROGRESS" and chunk is not None and isinstance(info, dict):
                tracker.update(chunk.index, float(info.get("seconds") or 0.0))
            if now - submission.last_change > self.stall_after:
                # Its worker died or hangs: give the chunk to another worker now rather
                # than waiting for the visibility timeout.
                self.resubmissions += 1
                self._submit(submission, plan)
        return None
