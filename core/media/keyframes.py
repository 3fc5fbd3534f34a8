"""Where a file's keyframes are, read from packet flags (no decoding)."""

from __future__ import annotations

from .tools import run_capture

SAMPLE_SECONDS = 60.0


def keyframe_times(path: str, *, limit_seconds: float = SAMPLE_SECONDS) -> list[float]:
    """Times of the keyframes of the first video stream within the first ``limit_seconds``."""
    result = run_capture(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-read_intervals",
            f"%+{limit_seconds:g}",
            "-show_entries",
            "packet=pts_time,flags",
            "-of",
            "csv=p=0",
            path,
        ],
        timeout=120,
    )
    times = []
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        parts = line.strip().split(",")
        if len(parts) >= 2 and "K" in parts[1]:
            try:
                times.append(float(parts[0]))
            except ValueError:
                continue
    return sorted(times)


def on_grid(times: list[float], every: float, fps: float | None, *, covered: float) -> bool:
    """Whether keyframes fall exactly every ``every`` seconds (within half a frame) across
    ``covered`` seconds, i.e. a stream copy would cut segments where the encoded rungs do."""
    if not times or not fps:
        return False
    tolerance = 0.5 / fps
    origin = times[0]
    expected = int(covered // every) + 1
    on_grid_times = set()
    for t in times:
        slot = (t - origin) / every
        if abs(slot - round(slot)) * every <= tolerance:
            on_grid_times.add(round(slot))
    return len(on_grid_times) >= expected - 1 and origin <= tolerance
