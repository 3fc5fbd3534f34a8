"""Running one ffmpeg process for chunked work: progress, cancel, and dying with its parent.

A farm worker can be killed at any moment (``kill -9``, power loss). ffmpeg is started by
``processes.spawn`` (parent-death signal on Linux) so that it never outlives the worker
process that runs it: an orphaned encoder would keep burning CPU on a chunk another worker
is redoing.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable

from .errors import MediaCancelled, MediaError
from .processes import spawn

#: ``progress(seconds_done)``: seconds of output written so far.
ProgressCallback = Callable[[float], None]
#: ``should_cancel() -> bool``, polled on every progress report (about twice a second).
CancelCheck = Callable[[], bool]


class ChunkCancelled(MediaCancelled):
    """The chunk's ffmpeg run was stopped because the job was cancelled."""


def run_ffmpeg(
    arguments: list[str],
    *,
    label: str,
    progress: ProgressCallback | None = None,
    should_cancel: CancelCheck | None = None,
) -> None:
    """Run ``ffmpeg <arguments>`` with ``-progress pipe:1``; raise ``MediaError`` with the
    last lines of ffmpeg's stderr if it fails, ``ChunkCancelled`` if cancelled."""
    command = [
        "ffmpeg",
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.5",
        *arguments,
    ]
    process = spawn(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None  # both piped above
    stderr, stderr_tail = process.stderr, deque[str](maxlen=8)
    reader = threading.Thread(target=lambda: stderr_tail.extend(stderr), daemon=True)
    reader.start()
    cancelled = False
    try:
        for line in process.stdout:
            if should_cancel is not None and should_cancel():
                cancelled = True
                process.kill()
                break
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and progress is not None and value.isdigit():
                progress(int(value) / 1_000_000)
    finally:
        if process.poll() is None and (cancelled or sys.exc_info()[0] is not None):
            process.kill()
        code = process.wait()
        reader.join(timeout=5)
    if cancelled:
        raise ChunkCancelled(label)
    if code != 0:
        detail = " ".join(line.strip() for line in stderr_tail if line.strip())
        raise MediaError(f"{label}: ffmpeg failed (exit {code}): {detail or 'no message'}")
