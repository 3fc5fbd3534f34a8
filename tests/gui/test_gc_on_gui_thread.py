"""Cyclic garbage made on any thread is collected on the GUI thread, while its event loop runs."""

from __future__ import annotations

import gc
import threading
import time
import weakref

from ui.gc_on_gui_thread import GuiThreadGarbageCollector


class _Node:
    pass


def _cycle() -> _Node:
    node = _Node()
    node.itself = node
    return node


def test_cycles_made_on_a_worker_are_collected_on_the_gui_thread_only(qapp):
    # qapp, not qtbot: no other collector runs here (tests/conftest.py starts one for qtbot).
    collector = GuiThreadGarbageCollector(qapp)
    collections: list[str] = []

    def seen(phase, info) -> None:
        if phase == "start":
            collections.append(threading.current_thread().name)

    collector.start()
    gc.callbacks.append(seen)
    try:
        assert not gc.isenabled()
        worker = threading.Thread(target=lambda: [_cycle() for _ in range(100_000)])
        worker.start()
        worker.join()
        probe = weakref.ref(_cycle())
        assert probe() is not None  # nobody collected on the worker
        deadline = time.monotonic() + 10
        while probe() is not None and time.monotonic() < deadline:
            qapp.processEvents()
            time.sleep(0.01)
        assert probe() is None, "the collector's timer never collected"
    finally:
        gc.callbacks.remove(seen)
        collector.stop()
        collector.deleteLater()
    assert gc.isenabled()
    assert collections and set(collections) == {threading.main_thread().name}


def test_what_lives_once_the_app_has_started_is_left_out_of_later_collections(qapp):
    started = threading.Event()
    collector = GuiThreadGarbageCollector(qapp, started=started.is_set)
    collector.start()
    try:
        collector.collect_due()
        assert gc.get_freeze_count() == 0  # not started yet
        startup_cycle = weakref.ref(_cycle())  # garbage from before the start is frozen too
        started.set()
        collector.collect_due()
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # every module, class and function loaded so far
        later_cycle = weakref.ref(_cycle())
        gc.collect()
        assert later_cycle() is None  # what comes after is collected as before
        assert startup_cycle() is not None and gc.get_freeze_count() == frozen
    finally:
        collector.stop()
        collector.deleteLater()
    assert gc.get_freeze_count() == 0 and startup_cycle() is None
