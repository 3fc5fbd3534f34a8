"""Transcode jobs as the platform defines them: start, status, cancel, retry, list.

This only records requests in the persistent queue; a ``JobRunner`` (in the GUI, or in
``transcode start --wait``) executes them. Outputs go to ``<data_dir>/hls/<vod_id>/<job_id>/``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.domain.errors import NotFoundError, StateError, ValidationError
from core.domain.media_specs import (
    LADDER,
    JobStatus,
    parse_priority,
    parse_qualities,
    transcode_job_id,
)
from core.library.vods import find_vod, ready_vod
from core.media.tools import ffmpeg_path
from core.store.db import Database
from core.store.models import TranscodeJobRow, TranscodeOutputRow

from .queue import set_waiting_note, worker_alive
from .shapes import TranscodeJob, TranscodeStart

X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)


class TranscodeService:
    def __init__(self, database: Database, data_dir: str | Path, settings: Any = None) -> None:
        self._database = database
        self._data_dir = Path(data_dir)
        self._settings = settings

    def output_root(self, vod_id: str, job_id: str) -> Path:
        return self._data_dir / "hls" / vod_id / job_id

    def start(
        self,
        vod_ref: str,
        qualities: list[str] | str | None = None,
        priority: str = "normal",
        *,
        format: str = "hls",
        preset: str | None = None,
        allow_copy: bool = True,
    ) -> TranscodeStart:
        """Queue a job. ``preset`` is an x264 speed/quality preset (default veryfast);
        ``allow_copy`` lets a rung the source already matches be remuxed, not re-encoded."""
        if (format or "hls").lower() != "hls":
            raise ValidationError(f"unknown format {format!r}: only hls is supported")
        wanted = parse_qualities(qualities)
        level = parse_priority(priority)
        if preset is not None and preset not in X264_PRESETS:
            raise ValidationError(
                f"unknown preset {preset!r}: use one of {', '.join(X264_PRESETS)}"
            )
        ffmpeg_path("ffmpeg")
        ffmpeg_path("ffprobe")
        with self._database.session() as session:
            vod = ready_vod(session, vod_ref, "transcode")
            now = int(time.time())
            job_id = transcode_job_id(vod.id, now)
            while session.get(TranscodeJobRow, job_id) is not None:
                now += 1
                job_id = transcode_job_id(vod.id, now)
            job = TranscodeJobRow(
                id=job_id,
                vod_id=vod.id,
                status=JobStatus.QUEUED.value,
                priority=level.value,
                qualities_requested=wanted,
                completed_qualities=[],
                failed_qualities=[],
                skipped_qualities=[],
                notes=[],
                progress=0.0,
                output_dir=str(self.output_root(vod.id, job_id)),
                options={
                    "run_qualities": wanted,
                    "resume_count": 0,
                    "preset": preset,
                    "allow_copy": allow_copy,
                },
            )
            job.outputs = [TranscodeOutputRow(quality=q, status="queued") for q in wanted]
            session.add(job)
            session.flush()
            return TranscodeStart.from_row(job, vod.duration)

    def status(self, vod_ref: str, job_id: str | None = None) -> TranscodeJob:
        with self._database.read_session() as session:
            return TranscodeJob.from_row(self._job(session, vod_ref, job_id))

    def list_jobs(self, vod_ref: str | None = None) -> list[TranscodeJob]:
        with self._database.read_session() as session:
            query = select(TranscodeJobRow).order_by(TranscodeJobRow.created_at.desc())
            if vod_ref:
                query = query.where(TranscodeJobRow.vod_id == find_vod(session, vod_ref).id)
            return [TranscodeJob.from_row(job) for job in session.scalars(query)]

    def cancel(self, vod_ref: str, job_id: str, quality: str | None = None) -> TranscodeJob:
        """Cancel a queued job at once; ask the runner of a processing job to stop ffmpeg.
        With ``quality``, cancel that quality only, and the others go on. Finished
        renditions and segments are kept: ``retry`` resumes from them. Completed, failed or
        cancelled jobs are refused."""
        if quality is not None:
            return self._cancel_quality(vod_ref, job_id, quality)
        with self._database.session() as session:
            job = self._job(session, vod_ref, job_id)
            if job.status == JobStatus.COMPLETED.value:
                raise StateError(f"job {job.id} is already completed and cannot be cancelled")
            if job.status in (JobStatus.FAILED.value, JobStatus.CANCELLED.value):
                raise StateError(f"job {job.id} is already {job.status}")
            job.cancel_requested = True
            if job.status == JobStatus.QUEUED.value or not worker_alive(
                job.worker_id, job.heartbeat_at
            ):
                _mark_cancelled(job)
            session.flush()
            return TranscodeJob.from_row(job)

    def _cancel_quality(self, vod_ref: str, job_id: str, quality: str) -> TranscodeJob:
        name = _quality_name(quality, "cancel")
        with self._database.session() as session:
            job = self._job(session, vod_ref, job_id)
            output = next((o for o in job.outputs if o.quality == name), None)
            if output is None:
                raise ValidationError(f"job {job.id} does not make {name}")
            if JobStatus(job.status).is_final:
                raise StateError(f"job {job.id} is already {job.status}")
            if output.status in ("completed", "skipped", "cancelled", "failed"):
                raise StateError(f"{name} of job {job.id} is already {output.status}")
            options = dict(job.options or {})
            run = list(options.get("run_qualities") or job.qualities_requested)
            running = job.status == JobStatus.PROCESSING.value and worker_alive(
                job.worker_id, job.heartbeat_at
            )
            if running:
                # The runner sees it within a second, stops ffmpeg and goes on without it.
                asked = list(options.get("cancel_qualities") or [])
                options["cancel_qualities"] = [*asked, name] if name not in asked else asked
            else:
                output.status = "cancelled"
                options["run_qualities"] = [q for q in run if q != name]
                if not options["run_qualities"]:
                    job.cancel_requested = True
                    _mark_cancelled(job)
            job.options = options
            session.flush()
            return TranscodeJob.from_row(job)

    def retry(
        self, vod_ref: str, quality: str | list[str], *, preset: str | None = None
    ) -> TranscodeJob:
        """Queue the latest job whose ``quality`` failed (or was cancelled) again, for that
        quality only (a list or "360p,720p": those; "all": every failed or cancelled one of
        the latest job that has any). It resumes from the segments kept from earlier runs.
        ``preset`` changes the x264 preset for this attempt (which starts that quality
        again: segments made with another preset are not mixed in)."""
        if preset is not None and preset not in X264_PRESETS:
            raise ValidationError(
                f"unknown preset {preset!r}: use one of {', '.join(X264_PRESETS)}"
            )
        wanted = quality if isinstance(quality, list) else str(quality or "").split(",")
        every = [q.strip().lower() for q in wanted if q.strip()] == ["all"]
        names = [] if every else [_quality_name(q, "retry") for q in wanted if q.strip()]
        if not every and not names:
            raise ValidationError("name a quality to retry: 360p, 720p, 1080p or all")
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            jobs = session.scalars(
                select(TranscodeJobRow)
                .where(TranscodeJobRow.vod_id == vod.id)
                .order_by(TranscodeJobRow.created_at.desc())
            ).all()
            if every:
                job = next((j for j in jobs if _retryable_qualities(j)), None)
                names = _retryable_qualities(job) if job else []
            else:
                job = next((j for j in jobs if all(_retryable(j, n) for n in names)), None)
            if job is None:
                what = " or ".join(names) if names else "quality"
                raise StateError(
                    f"no transcode of this VOD has a failed or cancelled {what} to retry"
                )
            if job.status in (JobStatus.QUEUED.value, JobStatus.PROCESSING.value):
                raise StateError(f"job {job.id} is {job.status}; wait for it to finish first")
            job.failed_qualities = [q for q in job.failed_qualities if q not in names]
            options = {k: v for k, v in (job.options or {}).items() if k != "cancel_qualities"}
            options["run_qualities"] = [q for q in LADDER if q in names]
            if preset is not None:
                options["preset"] = preset
            job.options = options
            job.status = JobStatus.QUEUED.value
            job.cancel_requested = False
            job.error = None
            job.progress = 0.0
            job.finished_at = None
            set_waiting_note(
                job,
                f"retry of {', '.join(options['run_qualities'])}: "
                "resumes from the last finished segment",
            )
            for output in job.outputs:
                if output.quality in names:
                    output.status, output.error = "queued", None
            session.flush()
            return TranscodeJob.from_row(job)

    def _job(self, session, vod_ref: str, job_id: str | None) -> TranscodeJobRow:
        vod = find_vod(session, vod_ref)
        if job_id:
            job = session.get(TranscodeJobRow, job_id.strip())
            if job is None or job.vod_id != vod.id:
                raise NotFoundError(f"transcode job {job_id} not found for VOD {vod.id[:8]}")
            return job
        job = session.scalar(
            select(TranscodeJobRow)
            .where(TranscodeJobRow.vod_id == vod.id)
            .order_by(TranscodeJobRow.created_at.desc())
            .limit(1)
        )
        if job is None:
            raise NotFoundError(f"VOD {vod.id[:8]} has no transcode jobs")
        return job


def _mark_cancelled(job: TranscodeJobRow) -> None:
    job.status = JobStatus.CANCELLED.value
    job.finished_at = datetime.now(UTC)
    job.current_quality = None
    job.estimated_seconds_remaining = None
    for output in job.outputs:
        if output.status in ("queued", "processing"):
            output.status = "cancelled"


def _quality_name(quality: str, verb: str) -> str:
    name = (quality or "").strip().lower()
    if name not in LADDER:
        raise ValidationError(f"unknown quality {quality!r}: {verb} 360p, 720p or 1080p")
    return name


def _retryable_qualities(job: TranscodeJobRow) -> list[str]:
    return [q for q in LADDER if _retryable(job, q)]


def _retryable(job: TranscodeJobRow, quality: str) -> bool:
    if quality in (job.failed_qualities or []):
        return True
    return any(o.quality == quality and o.status == "cancelled" for o in job.outputs)
