"""SIGTERM (a logout or shutdown) stops a command as cleanly as Ctrl-C does.

Python's default for SIGTERM is to die on the spot: no ``finally``, no job saved, ffmpeg
children left to the kernel. Inside ``sigterm_raises()`` it raises ``Terminated`` in the
main thread instead, which commands handle like Ctrl-C's ``KeyboardInterrupt``.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(Exception):
    """The process was asked to stop (SIGTERM)."""


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum, frame) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def sigterm_sets(stop: threading.Event) -> Iterator[None]:
    """Inside, SIGTERM sets ``stop`` instead of raising: for work that stops itself at its
    next check (a clip being exported is queued again) rather than being unwound mid-write.
    The caller raises ``Terminated`` once it has stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
