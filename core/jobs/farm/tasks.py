"""The Celery tasks a farm worker runs: the same core media code as the local queue.

Tasks take plain JSON (paths and numbers), never database rows: a worker needs no access to
the submitting machine's SQLite cache, only the shared storage. Paths in a payload are the
submitting machine's absolute paths, so the source and the output folder must be mounted at
the same path on every worker (see ``core.jobs.farm`` for the set-up).
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from typing import Any

from celery import shared_task

from core.media.chunk_encode import ChunkRequest, encode_audio, encode_chunk

from .relay import TaskRelay, record_chunk_done

ENCODE_CHUNK = "vodstudio.encode_chunk"
ENCODE_AUDIO = "vodstudio.encode_audio"
TRANSCODE_LADDER = "vodstudio.transcode_ladder"
GRAB_STILLS = "vodstudio.grab_stills"

_RELIABLE = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}


def _relay(task: Any, job_id: str) -> TaskRelay:
    return TaskRelay(task, job_id, task.app.conf.broker_url)


@shared_task(name=ENCODE_CHUNK, **_RELIABLE)
def encode_chunk_task(self, job_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Encode one chunk of a chunked ladder (every rung of it)."""
    relay = _relay(self, job_id)
    request = ChunkRequest.from_payload(payload)
    if relay.should_cancel():
        return {"index": request.index, "cancelled": True, "worker": relay.hostname}
    result = encode_chunk(request, relay.progress, relay.should_cancel)
    record_chunk_done(relay.broker_url, relay.hostname, job_id)
    return {**result, "worker": relay.hostname}


@shared_task(name=ENCODE_AUDIO, **_RELIABLE)
def encode_audio_task(self, job_id: str, source: str, work_dir: str) -> dict[str, Any]:
    """Encode the whole VOD's audio once, for the join."""
    relay = _relay(self, job_id)
    if relay.should_cancel():
        return {"cancelled": True, "worker": relay.hostname}
    path = encode_audio(source, work_dir, relay.progress, relay.should_cancel)
    record_chunk_done(relay.broker_url, relay.hostname, job_id)
    return {"audio": path, "worker": relay.hostname}


class _RelayCancel:
    """``core.domain.cancel.CancelFlag`` over the Redis cancel key."""

    def __init__(self, relay: TaskRelay) -> None:
        self._relay = relay
        self._lock = threading.Lock()

    def is_set(self) -> bool:
        with self._lock:
            return self._relay.should_cancel()


@shared_task(name=TRANSCODE_LADDER, **_RELIABLE)
def transcode_ladder_task(self, job_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A whole ladder in one ffmpeg process on this worker (the unchunked farm mode):
    ``core.jobs.executor.LocalLadderExecutor``, exactly what the local queue runs."""
    from core.jobs.executor import LocalLadderExecutor, TranscodeSpec

    relay = _relay(self, job_id)
    values = dict(spec)
    duration = float(values.pop("duration", 0.0) or 0.0)  # turns fractions into seconds
    transcode = TranscodeSpec(**{**values, "qualities": tuple(values["qualities"])})
    outcome = LocalLadderExecutor().execute(
        transcode, lambda fraction, text: relay.progress(fraction * duration), _RelayCancel(relay)
    )
    record_chunk_done(relay.broker_url, relay.hostname, job_id)
    return {
        "renditions": [asdict(r) for r in outcome.renditions],
        "failed": outcome.failed,
        "skipped": outcome.skipped,
        "notes": outcome.notes,
        "encoder": outcome.encoder,
        "worker": relay.hostname,
    }


@shared_task(name=GRAB_STILLS, **_RELIABLE)
def grab_stills_task(
    self,
    job_id: str,
    source: str,
    duration: float,
    moments: list[float],
    sizes: list[str],
    folder: str,
    smart: bool = True,
) -> dict[str, Any]:
    """Thumbnails of ``source`` at ``moments`` in every size, with the thumbnail service's
    own frame picking and still writing (``core.media.stills``), into ``folder`` on the
    share. The submitting machine records them in its database."""
    from pathlib import Path

    from core.domain.media_specs import THUMBNAIL_SIZES
    from core.media.frames import last_frame_time
    from core.media.stills import letterboxed, pick_frame, write_stills

    relay = _relay(self, job_id)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    last = last_frame_time(source, duration)
    stills: list[dict[str, Any]] = []
    for index, moment in enumerate(moments):
        if relay.should_cancel():
            return {"cancelled": True, "worker": relay.hostname, "stills": stills}
        pick = pick_frame(source, float(moment), smart=smart, last_frame=last)
        image = pick.image
        for name in sorted(sizes, key=lambda n: -THUMBNAIL_SIZES[n].width):
            size = THUMBNAIL_SIZES[name]
            image = letterboxed(image, size.width, size.height)
            jpeg, webp = write_stills(image, target / f"{job_id}_{index:03d}_{name}")
            stills.append(
                {
                    "index": index,
                    "resolution": name,
                    "requested": float(moment),
                    "timestamp": round(pick.used, 3),
                    "jpeg": str(jpeg),
                    "webp": str(webp),
                }
            )
        relay.progress(float(index + 1))
    record_chunk_done(relay.broker_url, relay.hostname, job_id)
    return {"stills": stills, "worker": relay.hostname}
