"""How a transcode job ends, recorded on its row: completed (with some qualities skipped,
cancelled or failed), stopped (cancelled, or queued to resume) or failed, and the master
playlist rebuilt from what is on disk each time."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.domain.media_specs import LADDER, JobStatus
from core.media.audio_rendition import find_audio_rendition
from core.media.errors import MediaError
from core.media.hls_master import MASTER_NAME, measure_rendition, write_master
from core.media.ladder_plan import RungPlan
from core.store.models import TranscodeJobRow, Vod

from .executor import ExecutionOutcome
from .queue import clear_partial_output, set_waiting_note


def complete(
    session: Any, job: TranscodeJobRow, outcome: ExecutionOutcome, disk_full: str | None
) -> None:
    """Record what the executor made: completed, skipped, cancelled and failed qualities,
    the master playlist, and how the job ended."""
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
    for quality in outcome.cancelled:  # its finished segments wait for a retry
        outputs[quality].status, outputs[quality].error = "cancelled", None
    produced = (
        {r.quality for r in outcome.renditions} | set(outcome.skipped) | set(outcome.cancelled)
    )
    for quality in (job.options or {}).get("run_qualities") or []:
        if quality not in produced:
            # A full disk explains an empty playlist better than the playlist does.
            reason = disk_full or outcome.failed.get(quality, "ffmpeg produced no output for it")
            outputs[quality].status, outputs[quality].error = "failed", reason
            failed = _add(failed, quality)
    job.completed_qualities = _ordered(completed)
    job.failed_qualities = _ordered(failed)
    job.skipped_qualities = _ordered(skipped)
    job.notes = [*job.notes, *[n for n in outcome.notes if n not in job.notes]]
    job.encoder = outcome.encoder
    job.options = {k: v for k, v in (job.options or {}).items() if k != "cancel_qualities"}
    rebuild_master(session, job)
    if job.failed_qualities:
        job.status = JobStatus.FAILED.value
        job.error = "; ".join(_prefixed(q, outputs[q].error) for q in job.failed_qualities)
    elif job.completed_qualities or not outcome.cancelled:
        # A quality cancelled on its own leaves the others' job completed; it stays
        # listed as cancelled, and can be retried.
        job.status = JobStatus.COMPLETED.value
        job.error = None
        job.progress = 100.0
    else:
        job.status = JobStatus.CANCELLED.value
    close(job)


def stopped(
    session: Any,
    job: TranscodeJobRow,
    *,
    fraction: float,
    cancelled_qualities: set[str],
    requeue_because: str | None,
) -> None:
    """The job stopped: cancelled, or (``requeue_because``: the runner stopping) queued to
    resume. Its finished segments stay in the output folder either way."""
    clear_partial_output(job.output_dir)
    requeue = requeue_because is not None and not job.cancel_requested
    cancelled = set(cancelled_qualities)
    for output in job.outputs:
        if output.status == "processing":
            resumes = requeue and output.quality not in cancelled
            output.status = "queued" if resumes else "cancelled"
    job.progress = round(fraction * 100, 1)
    options = {k: v for k, v in (job.options or {}).items() if k != "cancel_qualities"}
    run = [q for q in options.get("run_qualities") or [] if q not in cancelled]
    job.options = {**options, "run_qualities": run}
    if requeue and run:
        job.status = JobStatus.QUEUED.value
        set_waiting_note(
            job,
            f"stopped at {job.progress:.0f}% when {requeue_because}; "
            "resumes from the last finished segment",
        )
        job.worker_id = None
        job.current_quality = None
        job.estimated_seconds_remaining = None
        return
    rebuild_master(session, job)
    job.status = JobStatus.CANCELLED.value
    close(job)


def failed(session: Any, job: TranscodeJobRow, message: str) -> None:
    """The whole run failed: every quality it was making fails with ``message``."""
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
    rebuild_master(session, job)
    close(job)


def rebuild_master(session: Any, job: TranscodeJobRow) -> None:
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
    if renditions and not _audio_in_place(session, job):
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
        job.master_playlist = str(write_master(renditions, Path(output_dir(job))))
    else:
        job.master_playlist = None
        with contextlib.suppress(OSError):  # a master left from a run whose files broke
            Path(output_dir(job), MASTER_NAME).unlink(missing_ok=True)


def _audio_in_place(session: Any, job: TranscodeJobRow) -> bool:
    """Whether the audio rendition the variants need is there (always, without audio)."""
    vod = session.get(Vod, job.vod_id)
    try:
        audio = find_audio_rendition(output_dir(job))
    except MediaError:
        return False
    return audio is not None or vod is None or not vod.audio_codec


def close(job: TranscodeJobRow) -> None:
    job.finished_at = datetime.now(UTC)
    job.current_quality = None
    job.estimated_seconds_remaining = None
    job.worker_id = None


def output_dir(job: TranscodeJobRow) -> str:
    """Every job is given its folder when it is queued (``TranscodeService.start``)."""
    if not job.output_dir:
        raise MediaError(f"transcode job {job.id[:8]} has no output folder")
    return job.output_dir


def _prefixed(quality: str, error: str | None) -> str:
    text = error or "failed"
    return text if text.startswith(f"{quality}:") else f"{quality}: {text}"


def _fail_output(job: TranscodeJobRow, output: Any, reason: str) -> None:
    output.status, output.error = "failed", reason
    job.completed_qualities = [q for q in job.completed_qualities if q != output.quality]
    job.failed_qualities = _ordered(_add(list(job.failed_qualities), output.quality))


def _add(items: list[str], quality: str) -> list[str]:
    return items if quality in items else [*items, quality]


def _ordered(items: list[str]) -> list[str]:
    return [q for q in LADDER if q in items]
