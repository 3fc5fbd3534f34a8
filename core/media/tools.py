"""Finding and running the ffmpeg/ffprobe programs.

The ladder and the frame grabber need live control of the process (progress on stdout,
killing it on cancel, raw frames on a pipe), which ffmpeg-python's ``run`` does not give,
so they build argument lists themselves and start them through ``processes`` (own process
group, dies with its parent). Never through a shell.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from .processes import ffmpeg_path, run

__all__ = ["ffmpeg_path", "run_capture", "stderr_tail"]
STDERR_TAIL_LINES = 8


def run_capture(
    args: Sequence[str], *, timeout: float = 120, input_bytes: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run an ffmpeg/ffprobe command to the end, capturing stdout and stderr as bytes;
    ``MediaError`` when it takes longer than ``timeout`` seconds."""
    return run(args, timeout=timeout, input_bytes=input_bytes)


def stderr_tail(stderr: bytes | str | None, lines: int = STDERR_TAIL_LINES) -> str:
    """The last meaningful lines ffmpeg wrote, for an error message."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    kept = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    return "\n".join(kept[-lines:])
