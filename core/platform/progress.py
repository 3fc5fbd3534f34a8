"""Transfer progress (bytes, speed, ETA) and the pause/cancel switches of an upload."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from core.domain.sizes import format_size


@dataclass(frozen=True, slots=True)
class TransferProgress:
    phase: str  # creating | uploading | linking | done | paused | cancelled | retrying
    sent: int
    total: int
    speed: float  # bytes per second over the last few seconds
    eta: float | None  # seconds, None while unknown

    @property
    def fraction(self) -> float:
        return self.sent / self.total if self.total else 1.0

    def describe(self) -> str:
        """``5.2 MB / 12.6 MB · 3.4 MB/s · ETA 0:04`` for progress bars (decimal units, as
        every size the app shows: ``core.domain.sizes``)."""
        eta = "--:--" if self.eta is None else f"{int(self.eta) // 60}:{int(self.eta) % 60:02d}"
        return (
            f"{format_size(self.sent)} / {format_size(self.total)} · "
            f"{format_size(self.speed)}/s · ETA {eta}"
        )


class UploadControl:
    """Set from any thread (GUI button, Ctrl-C handler); read by the uploading thread."""

    def __init__(self, cancel_event: threading.Event | None = None) -> None:
        self._pause = threading.Event()
        self._cancel = cancel_event or threading.Event()

    def bind_cancel(self, event: threading.Event) -> None:
        """Share the cancel switch of the task runner that runs the upload (closing the
        editor cancels its tasks); a cancel requested earlier carries over."""
        if self._cancel.is_set():
            event.set()
        self._cancel = event

    def pause(self) -> None:
        self._pause.set()

    def resume(self) -> None:
        self._pause.clear()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def paused(self) -> bool:
        return self._pause.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, seconds: float) -> None:
        """Sleep, but wake at once when cancelled or paused."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (self.paused or self.cancelled):
            self._cancel.wait(min(0.05, max(0.0, deadline - time.monotonic())))


class ProgressMeter:
    """Speed over a sliding window, so a stall shows up within seconds; throttled reports."""

    def __init__(
        self,
        total: int,
        report: Callable[[TransferProgress], None] | None,
        *,
        window: float = 3.0,
        interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self._report, self._window, self._interval = total, report, window, interval
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()
        self._last_report = float("-inf")
        self.sent = 0

    def update(self, sent: int, phase: str = "uploading", force: bool = False) -> None:
        now = self._clock()
        self.sent = sent
        self._samples.append((now, sent))
        while len(self._samples) > 2 and now - self._samples[0][0] > self._window:
            self._samples.popleft()
        if self._report and (force or now - self._last_report >= self._interval):
            self._last_report = now
            self._report(self.snapshot(phase))

    def snapshot(self, phase: str) -> TransferProgress:
        speed = 0.0
        if len(self._samples) >= 2:
            (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
            if t1 > t0:
                speed = max(0.0, (b1 - b0) / (t1 - t0))
        eta = (self.total - self.sent) / speed if speed > 0 else None
        return TransferProgress(phase, self.sent, self.total, speed, eta)
