"""Background work on a thread pool, with progress, cancellation and GUI-thread callbacks."""

from __future__ import annotations

import contextlib
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
    """One submitted piece of work; created on the GUI thread, so its slots run there.

    The runner holds every task until after its final signal has been delivered, so the
    callbacks may drop their own handle (``self.task = None``) without freeing the object
    inside its own slot.
    """

    finished = Signal(object)  # the task itself, when it ends in any way
    changed = Signal()  # progress text or fraction moved

    def __init__(
        self, task_id: int, label: str, on_done, on_error, on_progress, report_error, watch=None
    ) -> None:
        super().__init__()
        self.id = task_id
        self.label = label
        self.cancel_event = threading.Event()
        self.fraction: float | None = None
        self.text = ""
        self._running = True
        self._on_done, self._on_error, self._on_progress = on_done, on_error, on_progress
        self._report_error = report_error
        self._watch = watch  # sees every failure, whoever handles it
        # A child of the task: it lives exactly as long as the task, on the GUI thread.
        self.signals = _Signals(self)
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
            log.error(
                "background task %r failed:\n%s",
                self.label or self.id,
                getattr(error, "__traceback_text__", repr(error)),
            )
        if self._watch:
            self._watch(error)
        if self._on_error:
            _deliver(self._on_error, error)
        else:
            self._report_error(error)
        self.finished.emit(self)

    @Slot(object, str)
    def _progress(self, fraction: float | None, text: str) -> None:
        if not self._running:  # a late progress report after the end: nobody wants it
            return
        self.fraction, self.text = fraction, text
        self.changed.emit()
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
            result = self._fn(self._report_progress, self._cancel)
        except BaseException as error:  # reported on the GUI thread, never swallowed
            error.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._emit(self._signals.failed, error)
        else:
            self._emit(self._signals.done, result)
        finally:
            self._signals = None  # the worker thread holds no reference to a GUI object

    def _report_progress(self, fraction: float | None, text: str = "") -> None:
        signals = self._signals
        if signals is not None:
            self._emit(signals.progress, fraction, text)

    @staticmethod
    def _emit(signal, *args) -> None:
        # RuntimeError only when the application is being torn down with work still running:
        # the GUI side is gone and nobody is left to hear the result.
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)


class TaskRunner(QObject):
    """Runs work off the GUI thread; the status bar listens to ``activity_changed``."""

    activity_changed = Signal()
    error = Signal(str)
    # A task failed on a damaged database, whatever its own error handler did with it: the
    # window offers the way out (``ui.database_repair``).
    damage_found = Signal(object)

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self.active: dict[int, Task] = {}
        # Every task not yet released: running ones, and finished ones until control is
        # back in the event loop after their final callback.
        self._held: set[Task] = set()
        self._closing = False

    def run_task(
        self,
        fn: TaskFunction,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float | None, str], None] | None = None,
        *,
        label: str = "",
    ) -> Task:
        task = Task(
            next(self._ids),
            label,
            on_done,
            on_error,
            on_progress,
            lambda e: self.error.emit(describe_error(e)),
            self._watch_failure,
        )
        task.finished.connect(self._forget)
        task.changed.connect(self.activity_changed)
        self.active[task.id] = task
        self._held.add(task)
        if self._closing:
            task.cancel()
        self.pool.start(_Runnable(fn, task))
        self.activity_changed.emit()
        return task

    def _watch_failure(self, error: BaseException) -> None:
        from core.store.damage import damage_reason

        if damage_reason(error):
            self.damage_found.emit(error)

    def cancel_all(self) -> None:
        for task in list(self.active.values()):
            task.cancel()

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)

    def shutdown(self, msecs: int = 5000) -> bool:
        """At quit: cancel everything, wait for the workers, drop callbacks not yet run.

        Returns whether every worker stopped in time."""
        self._closing = True
        self.cancel_all()
        stopped = self.pool.waitForDone(msecs)
        self.pool.clear()  # work queued but never started
        return stopped

    def held_count(self) -> int:
        """Tasks the runner still keeps alive (tests check nothing leaks)."""
        return len(self._held)

    def _forget(self, task: Task) -> None:
        self.active.pop(task.id, None)
        # This runs inside the task's own slot: dropping the last reference here would free
        # the QObject mid-call. Release it from a queued call instead, once the slot returned.
        QTimer.singleShot(0, self, lambda: self._held.discard(task))
        self.activity_changed.emit()


def describe_error(error: BaseException) -> str:
    """The one-line message a user sees; domain errors already say what was wrong."""
    from core.domain.errors import DomainError
    from core.store.damage import damage_reason

    if isinstance(error, DomainError):
        return str(error)
    reason = damage_reason(error)
    if reason:  # found mid-session, past the checks made at start
        return (
            f"The library's database file is damaged ({reason}); it was left as it is, and "
            "VOD Studio offers the way out (its newest backup)."
        )
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
