"""ffmpeg children never outlive the process that started them, and background ones yield the
CPU (core.media.processes.spawn), whichever way the child is started on this system."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.media,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal"),
]

ROOT = Path(__file__).resolve().parents[2]
LONG_RUN = ["ffmpeg", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=duration=120"]


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return [text[text.index("(") + 1 : text.rindex(")")], *text[text.rindex(")") + 2 :].split()]


def _wait(predicate, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_parent_takes_its_ffmpeg_with_it():
    starter = textwrap.dedent(
        f"""
        import sys, threading, time
        sys.path.insert(0, {str(ROOT)!r})
        from core.media.processes import spawn

        def run():
            process = spawn({LONG_RUN!r} + ["-f", "null", "-"], background=True)
            print(process.pid, flush=True)
            process.wait()

        threading.Thread(target=run).start()  # from a worker thread, as the app does
        time.sleep(120)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", starter], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        stat = _wait(lambda: (s := _stat(child)) and s[0] == "ffmpeg" and s, "ffmpeg to run")
        # nice: a background child yields the CPU to the app (10 more than the app's own)
        assert int(stat[17]) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
        parent.send_signal(signal.SIGKILL)  # no handler runs: only the kernel can stop it
        parent.wait(10)
        _wait(lambda: _stat(child) is None or _stat(child)[1] == "Z", "ffmpeg to die")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_a_foreground_child_keeps_the_apps_priority():
    from core.media.processes import spawn

    process = spawn(["ffprobe", "-version"], stdout=subprocess.DEVNULL)
    stat = _stat(process.pid)
    process.wait(30)
    assert process.returncode == 0
    if stat is not None and stat[0] == "ffprobe":
        assert int(stat[17]) == os.getpriority(os.PRIO_PROCESS, 0)
