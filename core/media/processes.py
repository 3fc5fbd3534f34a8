"""Starting ffmpeg and ffprobe so that they never outlive the process that started them.

Every ffmpeg/ffprobe the project runs is started by :func:`spawn` (or :func:`run`, which
waits for it), never by ``subprocess`` directly:

- **Its own process group.** A terminal's Ctrl-C goes to the whole foreground group; an
  ffmpeg in that group would die on its own (``exited with code 255``) in a race with the
  app's orderly cancel. In a group of its own it only stops when the app stops it.
- **The parent-death signal** (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``). ``kill -9`` of
  the app runs no handler at all; the kernel then kills the child, which would otherwise go
  on encoding into a job the app believes dead. The signal fires when the *thread* that
  started the child ends, so the thread that calls :func:`spawn` waits for the child
  (every caller here does).
- **No Python between fork and exec** where it can be helped. A ``preexec_fn`` makes
  ``subprocess`` fork the whole process (copying the page tables of a GUI with Qt, numpy and
  the rest loaded: tens of milliseconds) while holding the GIL, and the window's thread waits
  all that time: Generate thumbnails starts a dozen ffmpegs. So on Linux the child is started
  through util-linux's ``setpriv --pdeathsig KILL`` (and coreutils' ``nice``), which set the
  signal and the priority in the child and exec ffmpeg; ``subprocess`` can then use
  ``vfork``. Without ``setpriv`` the ``preexec_fn`` does the same, the slow way.

Elsewhere (macOS, Windows) the child still gets its own group; a killed app's children are
left to finish or fail on their own, as there is no portable parent-death signal.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from .errors import FFmpegMissingError, MediaError

#: How long a stopped ffmpeg may take to close its files before it is killed.
STOP_GRACE_SECONDS = 5.0
#: How much a background child (the editor's signals analysis) yields the CPU to the app.
BACKGROUND_NICENESS = 10
_PR_SET_PDEATHSIG = 1
# Loaded here once: the pre-exec hook runs in the forked child of a threaded process, where
# it must do as little as possible (no imports, no library loading).
try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
    _PRCTL = None
_POSIX = os.name == "posix"


def ffmpeg_path(program: str = "ffmpeg") -> str:
    """The full path of ``program``; ``FFmpegMissingError`` when it is not on PATH."""
    found = shutil.which(program)
    if found is None:
        raise FFmpegMissingError(program)
    return found


def _die_with(parent: int, prctl: Callable[..., int] | None, niceness: int) -> Callable[[], None]:
    def hook() -> None:  # pragma: no cover - runs in the child between fork and exec
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
            # The parent may have died before prctl took effect: then no signal will come.
            if os.getppid() != parent:
                os._exit(1)
        if niceness:
            os.nice(niceness)

    return hook


@cache
def _exec_wrappers(setpriv: str | None, nice: str | None) -> bool:
    """Whether ``setpriv`` knows ``--pdeathsig`` (util-linux 2.33+) and ``nice`` runs."""
    if setpriv is None or nice is None:
        return False
    try:
        check = [setpriv, "--pdeathsig", "KILL", "--", nice, "-n", "0", "true"]
        return subprocess.run(check, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _wrapped(command: list[str], niceness: int) -> list[str] | None:
    """``command`` started through ``setpriv``/``nice`` (see the module's notes), or
    ``None`` where they are missing."""
    setpriv, nice = shutil.which("setpriv"), shutil.which("nice")
    if _PRCTL is None or not _exec_wrappers(setpriv, nice):
        return None
    assert setpriv is not None and nice is not None  # checked by _exec_wrappers
    prefix = [setpriv, "--pdeathsig", "KILL", "--"]
    return prefix + ([nice, "-n", str(niceness)] if niceness else []) + command


def spawn(args: Sequence[str], *, background: bool = False, **options: Any) -> subprocess.Popen:
    """Start ``args`` (``args[0]`` is ``ffmpeg`` or ``ffprobe``, looked up on PATH) in its own
    process group, killed by the kernel if this process dies. ``background``: the child runs
    at a lower priority, so work the user did not wait for never makes the window stutter.
    ``options`` go to ``Popen`` (``stdin`` defaults to ``DEVNULL``); ``FFmpegMissingError``
    when the program is missing."""
    command = [ffmpeg_path(args[0]), *map(str, args[1:])]
    options.setdefault("stdin", subprocess.DEVNULL)
    if _POSIX:
        options["process_group"] = 0
    niceness = BACKGROUND_NICENESS if background and hasattr(os, "nice") else 0
    wrapped = _wrapped(command, niceness)
    if wrapped is not None:
        command = wrapped
    elif _PRCTL is not None or niceness:
        options["preexec_fn"] = _die_with(os.getpid(), _PRCTL, niceness)
    try:
        return subprocess.Popen(command, **options)
    except FileNotFoundError:
        raise FFmpegMissingError(args[0]) from None


def stop(process: subprocess.Popen, grace: float = STOP_GRACE_SECONDS) -> None:
    """Ask ``process`` to stop (SIGTERM: ffmpeg closes its files), kill it after ``grace``
    seconds, and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            kill(process)
    process.wait()


def kill(process: subprocess.Popen) -> None:
    """Kill ``process`` at once (SIGKILL) and reap it."""
    if process.poll() is None:
        process.kill()
    process.wait()


def run(
    args: Sequence[str],
    *,
    timeout: float = 120,
    input_bytes: bytes | None = None,
    text: bool = False,
) -> subprocess.CompletedProcess:
    """Run ``args`` to the end, capturing stdout and stderr; ``MediaError`` when it takes
    longer than ``timeout`` seconds (it is killed then)."""
    process = spawn(
        args,
        stdin=subprocess.PIPE if input_bytes is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=text,
    )
    try:
        stdout, stderr = process.communicate(input_bytes, timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(process)
        process.communicate()
        raise MediaError(f"{args[0]} did not finish within {timeout:.0f} s") from None
    except BaseException:  # KeyboardInterrupt, SystemExit: never leave it running
        kill(process)
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
