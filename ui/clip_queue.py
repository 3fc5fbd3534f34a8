"""The clip export queue of the running app: one worker thread per data directory runs
queued clips (``core.jobs.clips.ClipService.run``) while the app is open, and every change
of a clip reaches the GUI thread as the ``changed`` signal.

Clips queued by the CLI with ``--queue`` run here too; a clip running when the app closes
is queued again and starts over next time (nothing half-written is kept).
"""

from __future__ import annotations

import logging
import threading
import weakref

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
POLL_SECONDS = 2.0
_queues: weakref.WeakKeyDictionary[object, ClipQueue] = weakref.WeakKeyDictionary()


class ClipQueue(QObject):
    changed = Signal(dict)  # a clip's JSON shape (core.jobs.clips.clip_json)

    def __init__(self, context) -> None:
        super().__init__()
        self.service = context.clips
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="clip-queue", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (clips were just queued)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.service.run(observer=self.changed.emit, stop=self._stop)
            except Exception:  # a locked database must not end the queue
                log.exception("the clip queue failed")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()


def clip_queue(context) -> ClipQueue:
    queue = _queues.get(context)
    if queue is None:
        queue = _queues[context] = ClipQueue(context)
    return queue


def stop_clip_queue(context) -> None:
    queue = _queues.pop(context, None)
    if queue is not None:
        queue.stop()
