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
