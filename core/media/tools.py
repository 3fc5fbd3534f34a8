"""Finding and running the ffmpeg/ffprobe programs.

The ladder and the frame grabber need live control of the process (progress on stdout,
killing it on cancel, raw frames on a pipe), which ffmpeg-python's ``run`` does not give,
so they build argument lists themselves and start them here. Never through a shell.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

from .errors import FFmpegMissingError, MediaError

STDERR_TAIL_LINES = 8


def ffmpeg_path(program: str = "ffmpeg") -> str:
    """The full path of ``program``; ``FFmpegMissingError`` when it is not on PATH."""
    found = shutil.which(program)
    if found is None:
        raise FFmpegMissingError(program)
    return found


def run_capture(
    args: Sequence[str], *, timeout: float = 120, input_bytes: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run an ffmpeg/ffprobe command to the end, capturing stdout and stderr as bytes."""
    command = [ffmpeg_path(args[0]), *args[1:]]
    try:
        return subprocess.run(
            command,
            capture_output=True,
            timeout=timeout,
            input=input_bytes,
            stdin=None if input_bytes is not None else subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise FFmpegMissingError(args[0]) from None
    except subprocess.TimeoutExpired:
        raise MediaError(f"{args[0]} did not finish within {timeout:.0f} s") from None


def stderr_tail(stderr: bytes | str | None, lines: int = STDERR_TAIL_LINES) -> str:
    """The last meaningful lines ffmpeg wrote, for an error message."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    kept = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    return "\n".join(kept[-lines:])
