"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself, the collector runs in whichever thread allocates when a threshold is crossed.
A worker thread can then destroy Qt objects of the GUI thread's, and PySide's destructors take
Qt's locks while that thread holds the GIL: with the GUI thread holding one of those locks and
waiting for the GIL, both wait for ever (a frozen window, seen in a test run). So automatic
collection is off, and a timer on the GUI thread collects the generations whose thresholds
were passed, as the interpreter would (the remedy qutebrowser and Anki use).

Once the app has started (its modules imported, ``started()`` true), the objects alive then
are frozen out of every later collection (``gc.freeze``): a full collection walked all
~200,000 of them, 150-200 ms on the GUI thread each time one came due.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject, started: Callable[[], bool] | None = None) -> None:
        """``started``: when it first says true, what is alive is frozen (never, if None)."""
        super().__init__(parent)
        self._timer = QTimer(self, interval=INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._started = started

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Automatic collection back on (after a last collection here), nothing frozen."""
        self._timer.stop()
        gc.unfreeze()
        gc.collect()
        gc.enable()

    def collect_due(self) -> None:
        if self._started is not None and self._started():
            self._started = None
            gc.freeze()
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        generation = 0
        while generation < 2 and counts[generation + 1] > thresholds[generation + 1]:
            generation += 1
        gc.collect(generation)
