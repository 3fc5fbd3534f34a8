"""The platform's transcode JSON shapes, built from the job rows (plus local extras)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.domain.media_specs import LADDER
from core.domain.timefmt import format_duration_words
from core.library.shapes import iso
from core.store.models import TranscodeJobRow, TranscodeOutputRow

# Rough local speed for the first estimate, before ffmpeg reports real progress: seconds of
# work per second of video for each rung (libx264 veryfast on a modest laptop).
SECONDS_PER_SECOND = {"360p": 0.12, "720p": 0.3, "1080p": 0.55}


def estimated_seconds(duration: float, qualities: list[str]) -> float:
    return duration * (0.08 + sum(SECONDS_PER_SECOND[q] for q in qualities))


def start_json(job: TranscodeJobRow, duration: float) -> dict[str, Any]:
    return {
        "job_id": job.id,
        "video_id": job.vod_id,
        "status": job.status,
        "progress": int(job.progress),
        "estimated_time": format_duration_words(
            estimated_seconds(duration, job.qualities_requested)
        ),
        "qualities_requested": list(job.qualities_requested),
    }


def output_json(output: TranscodeOutputRow) -> dict[str, Any]:
    path = Path(output.path) if output.path else None
    return {
        "quality": output.quality,
        "url": path.as_uri() if path and path.is_absolute() else None,
        "path": str(path) if path else None,
        "bitrate": output.bitrate or LADDER[output.quality].bitrate_label,
        "resolution": output.resolution,
        "segment_count": output.segment_count,
        "size_bytes": output.size_bytes,
        "status": output.status,
        "method": output.method,
        "error": output.error,
    }


def status_json(job: TranscodeJobRow) -> dict[str, Any]:
    master = Path(job.master_playlist) if job.master_playlist else None
    remaining = job.estimated_seconds_remaining
    options = job.options or {}
    notes = list(job.notes)
    waiting = options.get("waiting_note")
    if waiting and job.status == "queued":  # why it waits; gone once it runs again
        notes.append(waiting)
    return {
        "job_id": job.id,
        "video_id": job.vod_id,
        "status": job.status,
        "progress": round(job.progress),
        "priority": job.priority,
        "qualities_requested": list(job.qualities_requested),
        "current_quality": job.current_quality,
        "completed_qualities": list(job.completed_qualities),
        "failed_qualities": list(job.failed_qualities),
        "skipped_qualities": list(job.skipped_qualities),
        "cancelled_qualities": [o.quality for o in job.outputs if o.status == "cancelled"],
        # asked to stop while the job runs; its finished segments are kept for a retry
        "cancelling_qualities": list(options.get("cancel_qualities") or []),
        "estimated_time_remaining": (
            format_duration_words(remaining)
            if remaining is not None and job.status == "processing"
            else None
        ),
        "outputs": [output_json(o) for o in job.outputs if o.status != "queued"],
        "master_playlist_url": master.as_uri() if master and job.status == "completed" else None,
        "master_playlist": str(master) if master else None,
        "error": job.error,
        "notes": notes,
        "encoder": job.encoder,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
    }
