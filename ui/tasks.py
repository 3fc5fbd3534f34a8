"""Background work on a thread pool, with progress, cancellation and GUI-thread callbacks."""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from .panel_api import TaskFunction

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(object, str)


class Task(QObject):
    """One submitted piece of work; created on the GUI thread, so its slots run there."""

    finished = Signal(object)  # the task itself, when it ends in any way

    def __init__(self, task_id: int, label: str, on_done, on_error, on_progress, report_error) -> None:
        super().__init__()
        self.id = task_id
        self.label = label
        self.cancel_event = threading.Event()
        self.fraction: float | None = None
        self.text = ""
        self._running = True
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        self._report_error = report_error
        self.signals = _Signals()
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self.signals.progress.connect(self._progress)

    def cancel(self) -> None:
        self.cancel_event.set()

    def is_running(self) -> bool:
        return self._running

    @Slot(object)
    def _done(self, result: Any) -> None:
        self._running = False
        if self._on_done:
            _deliver(self._on_done, result)
        self.finished.emit(self)

    @Slot(object)
    def _failed(self, error: BaseException) -> None:
        self._running = False
        if not isinstance(error, _expected_errors()):
            log.error("background task %r failed:\n%s", self.label or self.id,
                      getattr(error, "__traceback_text__", repr(error)))
        if self._on_error:
            _deliver(self._on_error, error)
        else:
            self._report_error(error)
        self.finished.emit(self)

    @Slot(object, str)
    def _progress(self, fraction: float | None, text: str) -> None:
        self.fraction, self.text = fraction, text
        if self._on_progress:
            _deliver(self._on_progress, fraction, text)


def _deliver(callback, *args) -> None:
    """Call back into a widget, unless it was closed while the work ran (its C++ side is
    gone; the result is simply no longer wanted)."""
    try:
        callback(*args)
    except RuntimeError as error:
        if "already deleted" not in str(error):
            raise


def _expected_errors() -> tuple[type[BaseException], ...]:
    from core.domain.errors import DomainError

    return (DomainError,)


class _Runnable(QRunnable):
    def __init__(self, fn: TaskFunction, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._signals, self._cancel = fn, task.signals, task.cancel_event

    def run(self) -> None:
        try:
            result = self._fn(lambda fraction, text="": self._signals.progress.emit(fraction, text),
                              self._cancel)
        except BaseException as error:  # reported on the GUI thread, never swallowed
            error.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._signals.failed.emit(error)
        else:
            self._signals.done.emit(result)


class TaskRunner(QObject):
    """Runs work off the GUI thread; the status bar listens to ``activity_changed``."""

    activity_changed = Signal()
    error = Signal(str)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self.active: dict[int, Task] = {}
        self._retired: list[Task] = []

    def run_task(
        self, fn: TaskFunction, on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float | None, str], None] | None = None, *, label: str = "",
    ) -> Task:
        task = Task(next(self._ids), label, on_done, on_error, on_progress,
                    lambda e: self.error.emit(describe_error(e)))
        task.finished.connect(self._forget)
        task.signals.progress.connect(lambda *_: self.activity_changed.emit())
        self.active[task.id] = task
        self.pool.start(_Runnable(fn, task))
        self.activity_changed.emit()
        return task

    def cancel_all(self) -> None:
        for task in list(self.active.values()):
            task.cancel()

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)

    def _forget(self, task: Task) -> None:
        self.active.pop(task.id, None)
        # This runs inside the task's own slot: dropping the last reference here would free
        # the QObject mid-call. Keep it until control is back in the event loop; callers
        # may therefore drop their handle in their callbacks (``self.task = None``) safely.
        self._retired.append(task)
        QTimer.singleShot(0, self, self._release_retired)
        self.activity_changed.emit()

    def _release_retired(self) -> None:
        self._retired = [t for t in self._retired if t.is_running()]


def describe_error(error: BaseException) -> str:
    """The one-line message a user sees; domain errors already say what was wrong."""
    from core.domain.errors import DomainError

    if isinstance(error, DomainError):
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
