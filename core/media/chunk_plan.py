"""Where a long VOD is cut for chunked parallel transcoding.

Chunk boundaries are multiples of both the GOP (2 s) and the HLS segment length (6 s). Every
chunk starts with a keyframe at a boundary, and keyframes inside a chunk are forced every
GOP from the chunk's start, so the joined stream has keyframes at exactly the same times as
the single-process ladder (multiples of the GOP) and the HLS muxer cuts the same segments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.domain.errors import ValidationError
from core.domain.media_specs import GOP_SECONDS, SEGMENT_SECONDS

#: The smallest step a chunk boundary may sit on: the least common multiple of GOP and segment.
BOUNDARY_STEP_SECONDS = float(math.lcm(int(GOP_SECONDS), int(SEGMENT_SECONDS)))
#: Chunks shorter than this cost more in process start-up than they win in parallelism.
MIN_AUTO_CHUNK_SECONDS = 30.0
#: Long chunks lose a lot of work when a worker dies; 5 minutes is a fair middle.
MAX_AUTO_CHUNK_SECONDS = 300.0
#: How many chunks per parallel slot the automatic choice aims for (load balancing).
CHUNKS_PER_SLOT = 3


@dataclass(frozen=True, slots=True)
class ChunkSpan:
    """Chunk ``index`` covers source time ``[start, end)``; ``end`` is ``None`` for the last
    chunk, which runs to the end of the file so that no trailing frame is lost."""

    index: int
    start: float
    end: float | None

    @property
    def duration(self) -> float | None:
        return None if self.end is None else self.end - self.start

    @property
    def name(self) -> str:
        return f"chunk_{self.index:05d}"


def round_to_boundary(seconds: float) -> float:
    """``seconds`` rounded up to the next multiple of :data:`BOUNDARY_STEP_SECONDS`."""
    steps = max(1, math.ceil(seconds / BOUNDARY_STEP_SECONDS - 1e-9))
    return steps * BOUNDARY_STEP_SECONDS


def auto_chunk_seconds(duration: float, parallelism: int) -> float:
    """A chunk length giving every parallel slot a few chunks, within sane bounds."""
    target = duration / max(1, parallelism * CHUNKS_PER_SLOT)
    target = min(MAX_AUTO_CHUNK_SECONDS, max(MIN_AUTO_CHUNK_SECONDS, target))
    return round_to_boundary(target)


def plan_chunks(duration: float, chunk_seconds: float) -> list[ChunkSpan]:
    """Cut ``[0, duration)`` into chunks of ``chunk_seconds`` (a multiple of the boundary
    step). A remainder shorter than one boundary step is merged into the previous chunk, so
    no chunk is a sliver of a few frames."""
    if duration <= 0:
        raise ValidationError("the video has no duration, so it cannot be cut into chunks")
    if (
        chunk_seconds <= 0
        or abs(chunk_seconds / BOUNDARY_STEP_SECONDS - round(chunk_seconds / BOUNDARY_STEP_SECONDS))
        > 1e-9
    ):
        raise ValidationError(
            f"chunk length {chunk_seconds:g} s is not a positive multiple of "
            f"{BOUNDARY_STEP_SECONDS:g} s (the GOP and the HLS segment must both divide it)"
        )
    starts: list[float] = []
    start = 0.0
    while start < duration:
        starts.append(start)
        start += chunk_seconds
    if len(starts) > 1 and duration - starts[-1] < BOUNDARY_STEP_SECONDS:
        starts.pop()
    spans = [
        ChunkSpan(i, s, starts[i + 1] if i + 1 < len(starts) else None)
        for i, s in enumerate(starts)
    ]
    return spans
