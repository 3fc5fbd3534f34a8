"""Where a recording's decodable media really ends.

A recording cut short (a crash mid-stream, a copy that stopped) can keep its index: the MP4
``moov`` atom at the front still claims the whole length while the data after some point is
gone. ffprobe then reports the claimed duration, and a transcode quietly ends early. The
check here is cheap when nothing is wrong (the packets of the last seconds are read, not
decoded), and only a file that fails it is searched: a bisection over time reading one packet
at each point, then the frames of the last window decoded to find the last one that decodes.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from core.domain.timefmt import format_time

from .probe import MediaInfo, probe
from .tools import run_capture

# Media this close to the claimed end counts as complete (streams end a little apart).
TOLERANCE_SECONDS = 0.5
# The tail read on every check: from a keyframe at or before this far from the end.
TAIL_SECONDS = 2.0
# The bisection stops when the truncation point is known to within this; that window is
# then decoded.
WINDOW_SECONDS = 20.0


def probe_decodable(path: str) -> MediaInfo:
    """``probe(path)``, with ``duration`` where decodable media ends and ``claimed_duration``
    set to what the file's index claims when that is later."""
    info = probe(path)
    real = decodable_end(info.path, info.duration)
    if real is None:
        return info
    return replace(info, duration=real, claimed_duration=info.duration)


def decodable_end(path: str, claimed: float) -> float | None:
    """``None`` when media reaches the claimed duration, else where it really ends (seconds
    from the start)."""
    start, tail = _tail(path, claimed)
    if tail is not None and tail - start >= claimed - TOLERANCE_SECONDS:
        return None
    low, high = 0.0, claimed
    while high - low > WINDOW_SECONDS:
        middle = (low + high) / 2
        if _packet_at(path, middle):
            low = middle
        else:
            high = middle
    end = _decoded_end(path, low)
    if end is None:
        return None if tail is None else max(0.0, tail - start)
    return max(0.0, min(claimed, end - start))


def truncation_note(name: str, real: float, claimed: float) -> str:
    return (
        f"{name} is cut short: its media ends at {format_time(real)} though its index claims "
        f"{format_time(claimed)}; only the {format_time(real)} that is there is used"
    )


def _ffprobe(*args: str) -> dict[str, Any]:
    done = run_capture(["ffprobe", "-v", "error", "-of", "json", *args])
    try:
        return json.loads(done.stdout or b"{}")
    except ValueError:
        return {}


def _tail(path: str, claimed: float) -> tuple[float, float | None]:
    """The file's start time, and where the packets read from near the claimed end stop."""
    data = _ffprobe(
        "-read_intervals",
        f"{max(0.0, claimed - TAIL_SECONDS):.3f}%",
        "-show_entries",
        "packet=pts_time,duration_time:format=start_time",
        path,
    )
    start = _number((data.get("format") or {}).get("start_time")) or 0.0
    return start, _last_end(data.get("packets") or [])


def _packet_at(path: str, seconds: float) -> bool:
    data = _ffprobe(
        "-read_intervals", f"{seconds:.3f}%+#1", "-show_entries", "packet=pts_time", path
    )
    return bool(data.get("packets"))


def _decoded_end(path: str, seconds: float) -> float | None:
    data = _ffprobe(
        "-read_intervals",
        f"{seconds:.3f}%",
        "-show_entries",
        "frame=pts_time,duration_time,pkt_duration_time",
        path,
    )
    return _last_end(data.get("frames") or [])


def _last_end(items: list[dict[str, Any]]) -> float | None:
    ends = []
    for item in items:
        at = _number(item.get("pts_time"))
        if at is not None:
            length = _number(item.get("duration_time") or item.get("pkt_duration_time"))
            ends.append(at + (length or 0.0))
    return max(ends, default=None)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
