"""Printing for the CLI: stable JSON and readable tables."""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

BAR_WIDTH = 30


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def warn_overlaps(pairs) -> None:
    """A VOD that holds overlapping chapters says so on every read, naming the pairs."""
    if pairs:
        from core.domain.chapters import describe_overlaps

        print(f"vodstudio: warning: {describe_overlaps(pairs)}", file=sys.stderr)


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    if not rows:
        return
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip())
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())


def human_size(size: int | None) -> str:
    """The size convention of the whole app (decimal MB, ``core.domain.sizes``)."""
    from core.domain.sizes import format_size

    return format_size(size)


class ProgressBar:
    """One progress line on stderr with an ETA: redrawn in place on a terminal; elsewhere a
    line per 10 % (and whenever ``force`` is set), so logs stay short. Safe to call from the
    threads that report progress."""

    def __init__(self, title: str = "", stream=None) -> None:
        self._title = title
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._last_step = -1
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._drawn = False

    def update(
        self, fraction: float, label: str = "", eta: str | None = None, *, force: bool = False
    ) -> None:
        fraction = max(0.0, min(1.0, fraction))
        if eta is None and fraction > 0.02:
            from core.domain.timefmt import format_duration_words

            elapsed = time.monotonic() - self._started
            eta = format_duration_words(elapsed * (1 - fraction) / fraction)
        with self._lock:
            if self._tty:
                filled = int(BAR_WIDTH * fraction)
                self._stream.write(
                    f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] "
                    f"{fraction * 100:5.1f}% {label}  ETA {eta or '…'}   "
                )
                self._drawn = True
            else:
                step = int(fraction * 10)
                if step == self._last_step and not force:
                    return
                self._last_step = step
                prefix = f"{self._title}: " if self._title else ""
                self._stream.write(f"{prefix}{fraction * 100:5.1f}% {label} ETA {eta or '…'}\n")
            self._stream.flush()

    def close(self) -> None:
        with self._lock:
            if self._tty and self._drawn:
                self._stream.write("\n")
                self._stream.flush()
                self._drawn = False
