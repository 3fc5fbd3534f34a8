"""Measuring GUI-thread stalls: a heartbeat timer on the event loop, and a watchdog thread
that, while a tick is late, samples the GUI thread's Python stack (what was it doing?).

Used by ``bench_gui.py``; needs a running ``QApplication``.
"""

from __future__ import annotations

import collections
import sys
import threading
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

TICK_MS = 5
ROOT = str(Path(__file__).resolve().parents[2])


class StallMeter:
    """``start()``, do things while the event loop runs, ``stop()``; then ``longest`` (s),
    ``gaps`` (s, every gap between ticks), ``busy`` (s, the GUI thread's own CPU time in each
    gap: on an oversubscribed machine a long gap with little CPU is the thread waiting for a
    core, not work done on it) and ``culprits`` (sampled stack lines of stalls)."""

    def __init__(self, sample_after: float = 0.05) -> None:
        self.gaps: list[float] = []
        self.busy: list[float] = []
        self.culprits: collections.Counter[str] = collections.Counter()
        self._sample_after = sample_after
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._gui_thread = threading.get_ident()
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> StallMeter:
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer.start()
        self._watchdog.start()
        return self

    def stop(self) -> None:
        self._timer.stop()
        self._stop.set()
        self._watchdog.join(2)

    @property
    def longest(self) -> float:
        return max(self.gaps, default=0.0)

    @property
    def longest_busy(self) -> float:
        """The most CPU the GUI thread spent between two ticks (s)."""
        return max(self.busy, default=0.0)

    def over(self, seconds: float) -> int:
        return sum(1 for gap in self.gaps if gap > seconds)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self._last)
        self.busy.append(cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu

    def _watch(self) -> None:
        while not self._stop.wait(0.01):
            if time.perf_counter() - self._last > self._sample_after:
                frame = sys._current_frames().get(self._gui_thread)
                if frame is not None:
                    self.culprits[_where(frame)] += 1


def run_loop(seconds: float, until=None) -> bool:
    """Run the event loop as the app does (``exec``) for ``seconds`` or until ``until()``
    holds (checked every 5 ms); whether it came to hold.

    Not ``processEvents`` in a Python loop with a sleep: each pass of such a loop takes the
    GIL twice more than the app's own loop, and while a worker thread runs Python every
    taking of the GIL may wait a switch interval, which the meter would count as stall."""
    if until is not None and until():
        return True
    loop = QEventLoop()
    held = [False]

    def check() -> None:
        if until is not None and until():
            held[0] = True
            loop.quit()

    poll, deadline = QTimer(), QTimer()
    poll.setInterval(5)
    poll.timeout.connect(check)
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll.start()
    deadline.start(int(seconds * 1000))
    loop.exec()
    poll.stop()
    deadline.stop()
    return held[0]


def _where(frame) -> str:
    """The innermost project frames of a stack: what the GUI thread was busy with."""
    stack = traceback.extract_stack(frame)
    ours = [f for f in stack if f.filename.startswith(ROOT) and "/.venv/" not in f.filename]
    if not ours:
        ours = stack[-2:]
    return " < ".join(
        f"{f.filename.rsplit('/', 2)[-2]}/{f.name}:{f.lineno}" for f in ours[-3:][::-1]
    )
