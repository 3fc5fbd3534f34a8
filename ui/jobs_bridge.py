"""One transcode ``JobRunner`` per app, with its updates delivered on the GUI thread.

The runner calls observers from its own threads; emitting a Qt signal from there queues the
call into the GUI thread, so widgets only ever see updates on their own thread.
"""

from __future__ import annotations

import threading
import weakref

from PySide6.QtCore import QObject, Signal

_bridges: weakref.WeakKeyDictionary[object, JobBridge] = weakref.WeakKeyDictionary()


class JobBridge(QObject):
    status = Signal(object)  # a core.jobs.shapes.TranscodeJob

    def __init__(self, context) -> None:
        super().__init__()
        from core.jobs.runner import JobRunner

        # The farm executor sends chunks to the broker while a broker URL is set, and runs
        # the local ladder otherwise, exactly as the CLI does.
        self.runner = JobRunner(
            context.database,
            context.database.data_dir,
            context.settings,
            executor=getattr(context, "farm_executor", None),
        )
        self._unsubscribe = self.runner.subscribe(self.status.emit)
        # Starting recovers the jobs an earlier run left behind (database writes that wait
        # for other writers): on its own thread, never a stall of the window.
        self._starting = threading.Thread(
            target=self.runner.start, name="job-runner-start", daemon=True
        )
        self._starting.start()

    def wake(self) -> None:
        self.runner.wake()

    def request_cancel(self, job_id: str, quality: str | None = None) -> None:
        self.runner.request_cancel(job_id, quality)

    def running_jobs(self) -> list:  # core.jobs.shapes.TranscodeJob
        return self.runner.running_jobs()

    def stop(self) -> None:
        """Stop the jobs running here; they are queued again and resume from their last
        finished segments the next time the app (or ``transcode run``) runs them."""
        self._unsubscribe()
        self._starting.join()  # a stop before the start finished would be undone by it
        self.runner.stop(timeout=10, reason="the app closed")


def job_bridge(context) -> JobBridge:
    bridge = _bridges.get(context)
    if bridge is None:
        bridge = _bridges[context] = JobBridge(context)
    return bridge


def running_transcodes(context) -> list:  # core.jobs.shapes.TranscodeJob
    """The transcodes this app is running now (none when no runner was started)."""
    bridge = _bridges.get(context)
    return bridge.running_jobs() if bridge is not None else []


def stop_job_bridge(context) -> None:
    bridge = _bridges.pop(context, None)
    if bridge is not None:
        bridge.stop()
