"""The persistent queue's row operations: claiming, heartbeats, crash recovery.

Several processes may share one data directory (the GUI and a ``transcode start --wait``),
so a job is claimed with a conditional UPDATE (only one claimant wins) and each running job
carries ``worker_id`` = ``host:pid:token`` and a heartbeat; a job whose worker is gone is
found by the next runner and resumed or failed with a reason, never left ``processing``.

A resumed job keeps what its renditions had finished (``core.media.ladder_work``): only the
segments in progress are made again. Why a job waits to resume is told in its
``waiting_note`` option, shown while it is queued and dropped once it runs again, so that a
finished job carries no stale "stopped" note.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import case, select, update
from sqlalchemy.engine import CursorResult

from core.domain.media_specs import JobStatus
from core.store.db import Database
from core.store.models import TranscodeJobRow

STALE_AFTER = timedelta(seconds=90)
MAX_RESUMES = 2
PRIORITY_ORDER = case((TranscodeJobRow.priority == "high", 0), else_=1)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def worker_alive(worker_id: str | None, heartbeat_at: datetime | None) -> bool:
    """Whether the worker that claimed a job still runs (its process on this host, or a
    recent heartbeat for another host)."""
    if not worker_id:
        return False
    host, _, rest = worker_id.partition(":")
    pid_text = rest.split(":")[0]
    if host == socket.gethostname() and pid_text.isdigit():
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    if heartbeat_at is None:
        return False
    if heartbeat_at.tzinfo is None:
        heartbeat_at = heartbeat_at.replace(tzinfo=UTC)
    return datetime.now(UTC) - heartbeat_at < STALE_AFTER


def claim_next(database: Database, worker_id: str) -> str | None:
    """Atomically move the next queued job (high priority first, then oldest) to
    ``processing`` for ``worker_id``; its id, or ``None`` when nothing is queued."""
    for _ in range(5):
        with database.session() as session:
            job_id = session.scalar(
                select(TranscodeJobRow.id)
                .where(TranscodeJobRow.status == JobStatus.QUEUED.value)
                .order_by(PRIORITY_ORDER, TranscodeJobRow.created_at)
                .limit(1)
            )
            if job_id is None:
                return None
            now = datetime.now(UTC)
            claimed = cast(
                "CursorResult[Any]",  # an UPDATE's result, which counts the rows it matched
                session.execute(
                    update(TranscodeJobRow)
                    .where(
                        TranscodeJobRow.id == job_id,
                        TranscodeJobRow.status == JobStatus.QUEUED.value,
                    )
                    .values(
                        status=JobStatus.PROCESSING.value,
                        worker_id=worker_id,
                        heartbeat_at=now,
                        started_at=now,
                        error=None,
                    )
                ),
            ).rowcount
            if claimed == 1:
                return job_id
    return None


def clear_partial_output(output_dir: str | None) -> None:
    if not output_dir:
        return
    for leftover in Path(output_dir).glob(".partial-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def set_waiting_note(job: TranscodeJobRow, note: str | None) -> None:
    """Why the job waits in the queue (``None``: it does not, or needs no explaining)."""
    options = {k: v for k, v in (job.options or {}).items() if k != "waiting_note"}
    if note:
        options["waiting_note"] = note
    job.options = options


def recover_interrupted(database: Database) -> list[str]:
    """Requeue every ``processing`` job whose worker is gone, to resume where it stopped;
    fail it after ``MAX_RESUMES`` interruptions in a row that made no progress (a job that
    kills its worker every time). Returns the ids touched."""
    touched = []
    with database.session() as session:
        rows = session.scalars(
            select(TranscodeJobRow).where(TranscodeJobRow.status == JobStatus.PROCESSING.value)
        ).all()
        for job in rows:
            if worker_alive(job.worker_id, job.heartbeat_at):
                continue
            clear_partial_output(job.output_dir)
            options = dict(job.options or {})
            at = f"{job.progress:.0f}%"
            # Interruptions only count against the job while it makes no headway.
            headway = "interrupted_at" in options and job.progress > options["interrupted_at"]
            resumes = 0 if headway else int(options.get("resume_count", 0))
            if job.cancel_requested:
                job.status = JobStatus.CANCELLED.value
                job.notes = [*job.notes, f"the worker stopped at {at} while a cancel was pending"]
                job.finished_at = datetime.now(UTC)
            elif resumes < MAX_RESUMES:
                finished = {*job.completed_qualities, *job.skipped_qualities}
                running = options.get("run_qualities") or job.qualities_requested
                unfinished = [q for q in running if q not in finished]
                cancelled = set(options.pop("cancel_qualities", []))
                options.update(
                    resume_count=resumes + 1,
                    interrupted_at=job.progress,
                    run_qualities=[q for q in unfinished if q not in cancelled],
                )
                job.options = options
                for output in job.outputs:
                    if output.quality in cancelled and output.status != "completed":
                        output.status = "cancelled"
                    elif output.status == "processing":
                        output.status = "queued"
                if options["run_qualities"]:
                    job.status = JobStatus.QUEUED.value
                    set_waiting_note(
                        job,
                        f"interrupted at {at} (worker {job.worker_id} stopped); "
                        "resumes from the last finished segment",
                    )
                else:  # what was left had been cancelled one by one
                    job.status = JobStatus.CANCELLED.value
                    job.finished_at = datetime.now(UTC)
            else:
                job.status = JobStatus.FAILED.value
                job.error = (
                    f"interrupted {resumes + 1} times (last at {at}, worker "
                    f"{job.worker_id} stopped); not resumed again: retry the "
                    "failed qualities"
                )
                job.failed_qualities = [
                    q
                    for q in job.qualities_requested
                    if q not in job.completed_qualities and q not in job.skipped_qualities
                ]
                for output in job.outputs:
                    if output.quality in job.failed_qualities:
                        output.status, output.error = "failed", "interrupted"
                job.finished_at = datetime.now(UTC)
            job.worker_id = None
            job.current_quality = None
            job.estimated_seconds_remaining = None
            touched.append(job.id)
    return touched
