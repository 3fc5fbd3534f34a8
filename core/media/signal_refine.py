"""Placing an edge found on keyframes on its frame.

The keyframe pass knows that something changed between two keyframes ``[before, after]``
(a GOP apart, often 2 s). Decoding just that stretch, as small grey pictures, tells where:
the frame where a scene cut happens, where a static picture begins or ends, where black
begins or ends. It also tells whether a scene-cut candidate is a cut at all: motion makes
keyframes two seconds apart differ, a cut makes one frame differ from the previous one much
more than the frames around it do.

Only the I and P frames are decoded (``-skip_frame bidir``): about a third of the cost of
every frame, and an edge is still placed within a few frames (OBS's x264 puts at most 3
B-frames between two P-frames: 50 ms at 60 fps); a file without B-frames is decoded whole.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import MediaCancelled
from .processes import spawn, stop
from .signal_pass import BLACK_PICTURE_RATIO, BLACK_PIXEL_THRESHOLD, FREEZE_NOISE

WINDOW_WIDTH, WINDOW_HEIGHT = 128, 72
#: a frame-to-frame change (percent of full scale) at least this far above the window's
#: typical change is a cut
MIN_CUT_SCORE = 6.0
_SEEK_EPSILON = 0.001
_PTS = re.compile(r"\bpts_time:\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)")


@dataclass(frozen=True, slots=True)
class WindowFrames:
    times: np.ndarray  # seconds from the file's start, one per frame
    frames: np.ndarray  # (n, h, w) uint8 grey, full range

    def __len__(self) -> int:
        return len(self.times)


def decode_window(
    path: str,
    start: float,
    end: float,
    *,
    fps: float | None,
    cancel=None,
    enough: Callable[[WindowFrames], bool] | None = None,
    background: bool = False,
) -> WindowFrames:
    """The I and P frames from the keyframe at ``start`` up to and including ``end``;
    decoding stops early once ``enough(frames so far)`` says the question is answered.

    ``start`` is a keyframe's time, so the seek lands on it and nothing before it is
    decoded (``-noaccurate_seek``; a hair past it so rounding cannot land a GOP earlier).
    One decoder thread: a window is a few dozen frames, too short for threads to pay off.
    """
    seek = max(0.0, start + _SEEK_EPSILON) if start > 0 else 0.0
    frame = 1.0 / fps if fps else 0.05
    length = max(frame, end - seek) + 1.5 * frame
    command = [
        "ffmpeg",
        "-hide_banner",
        "-nostats",
        "-nostdin",
        "-loglevel",
        "info",
        "-threads:v",
        "1",
        "-skip_frame:v",
        "bidir",
        "-skip_loop_filter:v",
        "all",  # deblocking only polishes edges: 15 % of the decoding, none of the answer
        "-noaccurate_seek",
        "-ss",
        f"{seek:.6f}",
        "-i",
        path,
        "-t",
        f"{length:.6f}",
        "-map",
        "0:v:0",
        "-vf",
        f"scale={WINDOW_WIDTH}:{WINDOW_HEIGHT}:flags=area,format=gray,showinfo",
        "-fps_mode",
        "passthrough",
        "-f",
        "rawvideo",
        "pipe:1",
    ]
    process = spawn(command, background=background, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    times: list[float] = []
    tail: deque[str] = deque(maxlen=6)

    def read_log() -> None:
        for raw in process.stderr:  # type: ignore[union-attr]
            line = raw.decode("utf-8", "replace")
            match = _PTS.search(line) if "showinfo" in line else None
            if match:
                times.append(seek + float(match.group(1)))
            elif line.strip():
                tail.append(line.strip())

    log_thread = threading.Thread(target=read_log, daemon=True)
    log_thread.start()
    size = WINDOW_WIDTH * WINDOW_HEIGHT
    pictures: list[bytes] = []
    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise MediaCancelled("the signals analysis")
            picture = process.stdout.read(size)  # type: ignore[union-attr]
            if len(picture) < size:
                break
            pictures.append(picture)
            # a frame's showinfo line is logged before the frame is written out
            if (
                enough is not None
                and len(pictures) >= 3
                and _wait_for(times, len(pictures))
                and enough(_frames(pictures, times))
            ):
                break
    finally:
        stop(process)
        log_thread.join(timeout=5)
    return _frames(pictures, times)


def _wait_for(times: list[float], count: int, timeout: float = 1.0) -> bool:
    waited = 0.0
    while len(times) < count and waited < timeout:
        time.sleep(0.001)
        waited += 0.001
    return len(times) >= count


def _frames(pictures: list[bytes], times: list[float]) -> WindowFrames:
    count = min(len(pictures), len(times))
    data = b"".join(pictures[:count])
    frames = np.frombuffer(data, dtype=np.uint8).reshape(count, WINDOW_HEIGHT, WINDOW_WIDTH)
    return WindowFrames(np.asarray(times[:count], dtype=np.float64), frames)


def answered(purposes: set[str]) -> Callable[[WindowFrames], bool] | None:
    """When a window may stop early: once each of its ``purposes`` ("cut", "static_end",
    "black_end") has its answer. ``None`` when a purpose needs the whole window (the start
    of a stretch is the first frame of the run the window *ends* on)."""
    if not purposes <= {"cut", "static_end", "black_end"}:
        return None

    def enough(window: WindowFrames) -> bool:
        if "cut" in purposes:
            found = find_cut(window)
            if found is None or found[0] >= window.times[-2]:  # confirm with a frame after it
                return False
        if "static_end" in purposes and static_end(window) is None:
            return False
        return not ("black_end" in purposes and black_end(window) is None)

    return enough


def frame_changes(window: WindowFrames) -> np.ndarray:
    """Mean absolute difference of each frame from the one before it, 0..1 (first: 0)."""
    if len(window) < 2:
        return np.zeros(len(window))
    signed = window.frames.astype(np.int16)
    changes = np.abs(np.diff(signed, axis=0)).mean(axis=(1, 2)) / 256.0
    return np.concatenate([[0.0], changes])


def find_cut(window: WindowFrames) -> tuple[float, float] | None:
    """``(time, score 0..1)`` of the frame where the picture cuts, or ``None`` when the
    window holds only motion. Score is scdet's measure at full rate: the jump of the mean
    frame difference over the window's usual difference, in percent of full scale / 100."""
    if len(window) < 2:
        return None
    changes = frame_changes(window)[1:] * 100.0
    peak = int(np.argmax(changes))
    others = np.delete(changes, peak)
    typical = float(np.median(others)) if len(others) else 0.0
    score = min(float(changes[peak]), float(changes[peak]) - typical)
    if score < MIN_CUT_SCORE:
        return None
    return float(window.times[peak + 1]), min(1.0, score / 100.0)


def _matches(frames: np.ndarray, picture: np.ndarray) -> np.ndarray:
    difference = np.abs(frames.astype(np.int16) - picture.astype(np.int16)).mean(axis=(1, 2))
    return difference / 256.0 <= FREEZE_NOISE


def _black(frames: np.ndarray) -> np.ndarray:
    dark = frames <= BLACK_PIXEL_THRESHOLD * 255
    return dark.mean(axis=(1, 2)) >= BLACK_PICTURE_RATIO


def static_start(window: WindowFrames) -> float | None:
    """First frame of the still picture the window ends on."""
    if not len(window):
        return None
    still = _matches(window.frames, window.frames[-1])
    return _first_of_trailing_run(window, still)


def static_end(window: WindowFrames) -> float | None:
    """First frame that differs from the still picture the window starts on."""
    if not len(window):
        return None
    still = _matches(window.frames, window.frames[0])
    return _first_false(window, still)


def black_start(window: WindowFrames) -> float | None:
    return _first_of_trailing_run(window, _black(window.frames)) if len(window) else None


def black_end(window: WindowFrames) -> float | None:
    return _first_false(window, _black(window.frames)) if len(window) else None


def _first_of_trailing_run(window: WindowFrames, flags: np.ndarray) -> float | None:
    if not flags[-1]:
        return None
    breaks = np.flatnonzero(~flags)
    first = int(breaks[-1]) + 1 if len(breaks) else 0
    return float(window.times[first])


def _first_false(window: WindowFrames, flags: np.ndarray) -> float | None:
    misses = np.flatnonzero(~flags)
    return float(window.times[int(misses[0])]) if len(misses) else None
