"""Finding and running the ffmpeg/ffprobe programs.

The ladder and the frame grabber need live control of the process (progress on stdout,
killing it on cancel, raw frames on a pipe), which ffmpeg-python's ``run`` does not give,
so they build argument lists themselves and start them here. Never through a shell.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence

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


_PR_SET_PDEATHSIG = 1
# Loaded once: the pre-exec hook runs in the forked child of a threaded process, where it
# must do as little as possible (no imports, no library loading).
try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):
    _PRCTL = None


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGKILL))


def _die_with_parent_and_yield() -> None:  # pragma: no cover - runs in the child
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    os.nice(BACKGROUND_NICENESS)


#: how much a background child (the editor's signals analysis) yields the CPU to the app
BACKGROUND_NICENESS = 10


def spawn(args: Sequence[str], *, background: bool = False, **popen_options) -> subprocess.Popen:
    """Start ``args`` (ffmpeg/ffprobe) as a child that dies with this process (the Linux
    parent-death signal, so even ``kill -9`` of the app takes it along) and that sits in
    its own session, so a Ctrl-C in the terminal reaches only the app, which then stops
    the child itself and records a clean cancel. ``background``: the child runs at a lower
    priority, so work the user did not wait for never makes the window stutter."""
    command = [ffmpeg_path(args[0]), *args[1:]]
    preexec: Callable[[], None] | None = _die_with_parent if _PRCTL is not None else None
    if background and hasattr(os, "nice"):
        preexec = _die_with_parent_and_yield
    try:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=preexec,
            **popen_options,
        )
    except FileNotFoundError:
        raise FFmpegMissingError(args[0]) from None


def stop(process: subprocess.Popen, grace: float = 2.0) -> None:
    """End a child started by ``spawn``: politely, then for sure."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
