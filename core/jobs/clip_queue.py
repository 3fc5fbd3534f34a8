"""Rows of the clip queue: claiming the next clip, saving progress and heartbeats,
finding clips whose worker died. The same rules as the transcode queue (``queue``): a
claim is a conditional UPDATE that one worker wins, and a ``processing`` row whose worker
is gone is queued again, never left hanging."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from core.media.clip_files import work_path
from core.store.db import Database
from core.store.models import ClipJobRow

from .queue import worker_alive

QUEUED, PROCESSING, COMPLETED, FAILED, CANCELLED = (
    "queued",
    "processing",
    "completed",
    "failed",
    "cancelled",
)
FINAL = (COMPLETED, FAILED, CANCELLED)


def claim_next_clip(database: Database, worker_id: str, batch_id: str | None = None) -> str | None:
    """Move the oldest queued clip (of ``batch_id``, or of any batch) to ``processing``
    for ``worker_id``; its id, or ``None`` when nothing is queued."""
    for _ in range(5):
        with database.session() as session:
            query = select(ClipJobRow.id).where(ClipJobRow.status == QUEUED)
            if batch_id is not None:
                query = query.where(ClipJobRow.batch_id == batch_id)
            job_id = session.scalar(query.order_by(ClipJobRow.created_at, ClipJobRow.number))
            if job_id is None:
                return None
            now = datetime.now(UTC)
            claimed = cast(
                "CursorResult[Any]",  # an UPDATE's result, which counts the rows it matched
                session.execute(
                    update(ClipJobRow)
                    .where(ClipJobRow.id == job_id, ClipJobRow.status == QUEUED)
                    .values(
                        status=PROCESSING,
                        worker_id=worker_id,
                        heartbeat_at=now,
                        started_at=now,
                        progress=0.0,
                        error=None,
                    )
                ),
            ).rowcount
            if claimed == 1:
                return job_id
    return None


def save_progress(
    database: Database, job_id: str, worker_id: str, fraction: float, step: str
) -> bool:
    """Record progress and a heartbeat; whether a cancel was asked for (from anywhere)."""
    with database.session() as session:
        job = session.get(ClipJobRow, job_id)
        if job is None or job.worker_id != worker_id:
            return True
        job.progress = round(fraction * 100, 1)
        job.step = step
        job.heartbeat_at = datetime.now(UTC)
        return bool(job.cancel_requested)


def finish(database: Database, job_id: str, status: str, **values: Any) -> None:
    with database.session() as session:
        job = session.get(ClipJobRow, job_id)
        if job is None:
            return
        job.status = status
        if "notes" in values:  # added to what is there (an interruption, say)
            job.notes = [*job.notes, *values.pop("notes")]
        for name, value in values.items():
            setattr(job, name, value)
        if status in FINAL:
            job.finished_at = datetime.now(UTC)
            job.worker_id = None
        if status == COMPLETED:
            job.progress = 100.0


def recover_clips(database: Database) -> list[str]:
    """Queue again every ``processing`` clip whose worker is gone (or cancel it, when a
    cancel was pending), removing the work folder it left. The ids touched."""
    touched = []
    with database.session() as session:
        rows = session.scalars(select(ClipJobRow).where(ClipJobRow.status == PROCESSING)).all()
        for job in rows:
            if worker_alive(job.worker_id, job.heartbeat_at):
                continue
            _remove_work(job)
            job.worker_id = None
            job.step = None
            if job.cancel_requested:
                job.status = CANCELLED
                job.finished_at = datetime.now(UTC)
            else:
                job.status = QUEUED
                job.progress = 0.0
                job.notes = [*job.notes, "interrupted (its worker stopped); queued again"]
            touched.append(job.id)
    return touched


def _remove_work(job: ClipJobRow) -> None:
    import shutil

    shutil.rmtree(work_path(Path(job.folder), job.id), ignore_errors=True)
