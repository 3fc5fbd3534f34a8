"""Transcode jobs as the CLI and the GUI see them: dataclasses built from the job rows, whose
``to_json()`` is the platform's transcode JSON shape (plus local extras)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.domain.media_specs import LADDER, JobStatus
from core.domain.timefmt import format_duration_words
from core.library.shapes import iso
from core.store.models import TranscodeJobRow, TranscodeOutputRow

# Rough local speed for the first estimate, before ffmpeg reports real progress: seconds of
# work per second of video for each rung (libx264 veryfast on a modest laptop).
SECONDS_PER_SECOND = {"360p": 0.12, "720p": 0.3, "1080p": 0.55}


def estimated_seconds(duration: float, qualities: list[str]) -> float:
    return duration * (0.08 + sum(SECONDS_PER_SECOND[q] for q in qualities))


@dataclass(frozen=True, slots=True)
class TranscodeStart:
    """What ``transcode start`` answers: the queued job and a first estimate."""

    job_id: str
    video_id: str
    status: JobStatus
    progress: int
    estimated_time: str
    qualities_requested: list[str]

    @classmethod
    def from_row(cls, job: TranscodeJobRow, duration: float) -> TranscodeStart:
        return cls(
            job_id=job.id,
            video_id=job.vod_id,
            status=JobStatus(job.status),
            progress=int(job.progress),
            estimated_time=format_duration_words(
                estimated_seconds(duration, job.qualities_requested)
            ),
            qualities_requested=list(job.qualities_requested),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "video_id": self.video_id,
            "status": self.status.value,
            "progress": self.progress,
            "estimated_time": self.estimated_time,
            "qualities_requested": list(self.qualities_requested),
        }


@dataclass(frozen=True, slots=True)
class TranscodeOutput:
    """One quality of a job: where its playlist is and how it went."""

    quality: str
    url: str | None
    path: str | None
    bitrate: str
    resolution: str | None
    segment_count: int | None
    size_bytes: int | None
    status: str  # queued | processing | completed | failed | cancelled
    method: str | None  # encode | copy (remuxed)
    error: str | None

    @classmethod
    def from_row(cls, output: TranscodeOutputRow) -> TranscodeOutput:
        path = Path(output.path) if output.path else None
        return cls(
            quality=output.quality,
            url=path.as_uri() if path and path.is_absolute() else None,
            path=str(path) if path else None,
            bitrate=output.bitrate or LADDER[output.quality].bitrate_label,
            resolution=output.resolution,
            segment_count=output.segment_count,
            size_bytes=output.size_bytes,
            status=output.status,
            method=output.method,
            error=output.error,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "quality": self.quality,
            "url": self.url,
            "path": self.path,
            "bitrate": self.bitrate,
            "resolution": self.resolution,
            "segment_count": self.segment_count,
            "size_bytes": self.size_bytes,
            "status": self.status,
            "method": self.method,
            "error": self.error,
        }


def current_quality(job: TranscodeJobRow) -> str | None:
    """One quality, as on the platform's page: the lowest rung still being made (locally
    every rung of a run is encoded at once, so it is the first of those in the ladder)."""
    if job.status != JobStatus.PROCESSING.value:
        return None
    running = [o.quality for o in job.outputs if o.status == "processing"]
    order = list(LADDER)
    return min(running, key=order.index) if running else None


@dataclass(frozen=True, slots=True)
class TranscodeJob:
    """A job's status (``transcode status``); the runner sends updated copies while it runs."""

    job_id: str
    video_id: str
    status: JobStatus
    progress: int
    priority: str
    qualities_requested: list[str]
    current_quality: str | None
    completed_qualities: list[str]
    failed_qualities: list[str]
    skipped_qualities: list[str]
    #: cancelled on their own (or with the job); their finished segments wait for a retry
    cancelled_qualities: list[str]
    #: asked to stop while the job runs; the runner drops them within a second
    cancelling_qualities: list[str]
    estimated_time_remaining: str | None
    outputs: list[TranscodeOutput]
    master_playlist_url: str | None
    master_playlist: str | None
    error: str | None
    notes: list[str]
    encoder: str | None
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    #: the runner's live estimate behind ``estimated_time_remaining`` (not in the JSON)
    estimated_seconds_remaining: float | None = field(default=None, compare=False)
    #: what the running step says (``360p,720p``, ``joining chunks``) for a progress bar;
    #: ``current_quality`` stays one quality, as on the platform (not in the JSON)
    progress_label: str | None = field(default=None, compare=False)

    @classmethod
    def from_row(cls, job: TranscodeJobRow) -> TranscodeJob:
        master = Path(job.master_playlist) if job.master_playlist else None
        remaining = job.estimated_seconds_remaining
        status = JobStatus(job.status)
        options = job.options or {}
        notes = list(job.notes)
        waiting = options.get("waiting_note")
        if waiting and status == JobStatus.QUEUED:  # why it waits; gone once it runs again
            notes.append(waiting)
        return cls(
            job_id=job.id,
            video_id=job.vod_id,
            status=status,
            progress=round(job.progress),
            priority=job.priority,
            qualities_requested=list(job.qualities_requested),
            current_quality=current_quality(job),
            completed_qualities=list(job.completed_qualities),
            failed_qualities=list(job.failed_qualities),
            skipped_qualities=list(job.skipped_qualities),
            cancelled_qualities=[o.quality for o in job.outputs if o.status == "cancelled"],
            cancelling_qualities=list(options.get("cancel_qualities") or []),
            estimated_time_remaining=(
                format_duration_words(remaining)
                if remaining is not None and status == JobStatus.PROCESSING
                else None
            ),
            outputs=[TranscodeOutput.from_row(o) for o in job.outputs if o.status != "queued"],
            master_playlist_url=(
                master.as_uri() if master and status == JobStatus.COMPLETED else None
            ),
            master_playlist=str(master) if master else None,
            error=job.error,
            notes=notes,
            encoder=job.encoder,
            created_at=iso(job.created_at),
            started_at=iso(job.started_at),
            finished_at=iso(job.finished_at),
        )

    def output(self, quality: str) -> TranscodeOutput | None:
        return next((o for o in self.outputs if o.quality == quality), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "video_id": self.video_id,
            "status": self.status.value,
            "progress": self.progress,
            "priority": self.priority,
            "qualities_requested": list(self.qualities_requested),
            "current_quality": self.current_quality,
            "completed_qualities": list(self.completed_qualities),
            "failed_qualities": list(self.failed_qualities),
            "skipped_qualities": list(self.skipped_qualities),
            "cancelled_qualities": list(self.cancelled_qualities),
            "cancelling_qualities": list(self.cancelling_qualities),
            "estimated_time_remaining": self.estimated_time_remaining,
            "outputs": [o.to_json() for o in self.outputs],
            "master_playlist_url": self.master_playlist_url,
            "master_playlist": self.master_playlist,
            "error": self.error,
            "notes": list(self.notes),
            "encoder": self.encoder,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }
