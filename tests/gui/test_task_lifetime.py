"""The task runner keeps each task alive until its final callback has returned, and quitting
with work running is clean."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

from PySide6.QtWidgets import QWidget

from ui.tasks import TaskRunner

ROOT = Path(__file__).resolve().parents[2]


class _PanelDroppingItsTask(QWidget):
    """Like the real panels: keeps ``self.task`` and clears it in the callbacks."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self.runner = runner
        self.task = None
        self.results: list[object] = []
        self.alive_in_callback: list[bool] = []

    def start(self, value: int) -> weakref.ref:
        def work(progress, cancel):
            progress(0.5, "half")
            if value % 3 == 0:
                raise ValueError(f"bad {value}")
            return value

        self.task = self.runner.run_task(work, on_done=self._done, on_error=self._failed)
        return weakref.ref(self.task)

    def _done(self, result) -> None:
        self._drop_and_check()
        self.results.append(result)

    def _failed(self, error) -> None:
        self._drop_and_check()
        self.results.append(str(error))

    def _drop_and_check(self) -> None:
        task, self.task = self.task, None
        ref = weakref.ref(task)
        del task
        gc.collect()
        # Still alive and usable while its own slot runs: the runner holds it.
        self.alive_in_callback.append(ref() is not None and not ref().is_running())


def test_callbacks_may_drop_the_last_reference_to_their_task(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    runner = TaskRunner(holder)
    panel = _PanelDroppingItsTask(runner)
    qtbot.addWidget(panel)
    refs = []
    for value in range(1, 13):  # every third one fails; each callback runs a full collection
        refs.append(panel.start(value))
        qtbot.waitUntil(lambda: panel.task is None, timeout=5000)
    assert len(panel.results) == 12
    assert panel.results[2] == "bad 3" and panel.results[3] == 4
    assert all(panel.alive_in_callback)
    # After the event loop turned, the runner let go of them all: nothing leaks.
    qtbot.waitUntil(lambda: runner.held_count() == 0, timeout=2000)
    gc.collect()
    assert all(ref() is None for ref in refs)
    assert runner.active == {}


def test_progress_reported_after_the_end_is_ignored(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    runner = TaskRunner(holder)
    seen: list[str] = []
    late: list = []

    def work(progress, cancel):
        late.append(progress)
        return "ok"

    with qtbot.waitSignal(runner.activity_changed, timeout=3000):
        task = runner.run_task(work, on_done=seen.append, on_progress=lambda f, t: seen.append(t))
    qtbot.waitUntil(lambda: not task.is_running(), timeout=3000)
    late[0](0.9, "too late")  # the worker kept the progress function and called it again
    qtbot.wait(50)
    assert seen == ["ok"]


QUIT_WITH_WORK_RUNNING = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from ui.application import create_application
    from ui.main_window import MainWindow

    app = create_application()
    window = MainWindow()
    window.show()
    cancelled = []

    def endless(progress, cancel):
        while not cancel.is_set():
            progress(None, "working")
            time.sleep(0.01)
        cancelled.append(True)
        progress(1.0, "stopping")
        return "stopped"

    def slow_to_stop(progress, cancel):
        # Like an ffmpeg run that takes longer to stop than the window waits at quit: it
        # still reports progress and a result after the window is gone.
        while not cancel.is_set():
            time.sleep(0.01)
        for _ in range(40):
            progress(0.5, "stopping")
            time.sleep(0.1)
        raise RuntimeError("stopped late")

    for n in range(3):
        window.tasks.run_task(endless, on_done=lambda r: None, label=f"Endless {n}")
    window.tasks.run_task(slow_to_stop, on_done=lambda r: None, label="Slow to stop")
    QTimer.singleShot(300, window.quit_action.trigger)
    code = app.exec()
    print("cancelled", len(cancelled), "visible", window.isVisible())
    sys.exit(code)
""")


def test_quitting_with_tasks_running_cancels_them_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-c", QUIT_WITH_WORK_RUNNING],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "cancelled 3 visible False" in result.stdout
    assert "Traceback" not in result.stderr and "RuntimeError" not in result.stderr, result.stderr
