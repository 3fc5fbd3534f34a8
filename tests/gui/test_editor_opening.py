"""Opening a VOD never makes the GUI thread wait: the VOD and its chapters are read on a worker
thread, the side panels are built one per event-loop turn, and the chapter list never asks
every row of a long VOD for its size (no timing here: the bench measures the stalls)."""

from __future__ import annotations

import threading
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from core.domain.chapters import Chapter
from core.library.chapters import ChapterService
from core.library.vods import VodLibrary


@pytest.fixture
def window(qtbot, themed, context):
    from ui.jobs_bridge import stop_job_bridge
    from ui.main_window import MainWindow

    main = MainWindow(context)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.tasks.cancel_all()
    main.tasks.wait(5000)
    stop_job_bridge(context)


@pytest.fixture
def long_vod(context, clip_factory):
    clip = clip_factory("long-list.mp4", seconds=20, size="160x90", rate=10)
    vod = context.vods.import_file(clip, title="Many chapters")
    step = vod.duration / 1000
    context.chapters.replace_all(
        vod.id,
        [Chapter(str(uuid.uuid4()), f"Part {i}", i * step, (i + 1) * step) for i in range(1000)],
    )
    yield vod
    context.vods.remove(vod.id)


def test_opening_from_the_library_reads_the_vod_and_chapters_off_the_gui_thread(
    qtbot, window, long_vod, monkeypatch
):
    readers: list[str] = []
    real_timeline, real_get = ChapterService.timeline, VodLibrary.get

    def timeline(self, vod_ref):
        readers.append(threading.current_thread().name)
        return real_timeline(self, vod_ref)

    def get(self, vod_ref):
        readers.append(threading.current_thread().name)
        return real_get(self, vod_ref)

    monkeypatch.setattr(ChapterService, "timeline", timeline)
    monkeypatch.setattr(VodLibrary, "get", get)
    window.request_open(long_vod.id)
    assert window.editor is None  # nothing read yet on this thread: the window answers
    qtbot.waitUntil(lambda: window.editor is not None, timeout=30000)
    assert len(window.editor.timeline_model) == 1000
    main = threading.main_thread().name
    assert readers and main not in readers[:2]  # the editor's own reads came from a worker


def test_side_panels_are_built_after_the_editor_shows_one_per_turn(qtbot, window, long_vod):
    window.open_vod(long_vod.id)
    editor = window.editor
    assert len(editor.panels.values()) < len(editor.panels)  # not all inside the constructor
    qtbot.waitUntil(lambda: len(editor.panels.values()) == len(editor.panels), timeout=10000)
    assert editor.tabs.count() == len(editor.panels)
    assert editor.tabs.widget(0) is editor.panels["Chapters"]


def test_the_chapter_list_never_sizes_itself_from_every_row(qtbot, window, long_vod, monkeypatch):
    from ui.panels.chapters_panel import ChapterTableModel

    asked = []
    real = ChapterTableModel.data

    def data(self, index, role=0):
        asked.append(index.row())
        return real(self, index, role)

    monkeypatch.setattr(ChapterTableModel, "data", data)
    window.open_vod(long_vod.id)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.panels["Chapters"])
    qtbot.waitUntil(lambda: len(editor.panels.values()) == len(editor.panels), timeout=10000)
    qtbot.wait(50)
    assert asked and max(asked) < 200  # only rows on screen, not all 1,000


def test_the_editor_modules_are_imported_off_the_gui_thread(qtbot, window, monkeypatch):
    import ui.warmup as warmup

    threads = []
    monkeypatch.setattr(warmup, "_done", threading.Event())
    real = warmup.importlib.import_module

    def record(name, *args):
        threads.append(threading.current_thread().name)
        return real(name, *args)

    monkeypatch.setattr(warmup.importlib, "import_module", record)
    warmup.warm_up_editor(window.tasks)
    qtbot.waitUntil(warmup._done.is_set, timeout=30000)
    assert threads and threading.main_thread().name not in threads


def test_start_transcode_queues_the_job_off_the_gui_thread(qtbot, window, vod, monkeypatch):
    from core.jobs.service import TranscodeService

    queued_on: list[str] = []
    real_start = TranscodeService.start

    def start(self, *args, **kwargs):
        queued_on.append(threading.current_thread().name)
        return real_start(self, *args, **kwargs)

    monkeypatch.setattr(TranscodeService, "start", start)
    window.open_vod(vod.id)
    panel = window.editor.panels["Transcode"]
    for quality, box in panel.quality_boxes.items():
        box.setChecked(quality == "360p")
    panel.start_button.click()
    assert not panel.start_button.isEnabled()  # one click, one job, while it is queued
    qtbot.waitUntil(lambda: panel.job is not None, timeout=30000)
    assert queued_on and threading.main_thread().name not in queued_on
    assert window.message_label.text().startswith("Transcode queued: 360p")
    window.context.transcodes.cancel(vod.id, panel.job.job_id)


def test_the_player_backend_is_started_once_the_editor_is_on_screen(qtbot, window, vod):
    window.open_vod(vod.id)
    editor = window.editor
    assert not editor.player.has_backend()  # no media stack started inside the constructor
    qtbot.waitUntil(editor.player.has_backend, timeout=10000)
    assert editor.player.backend_label.text() in ("Qt Multimedia", "no preview", "libvlc")
    assert editor.player.duration() == pytest.approx(vod.duration)


def test_space_right_after_opening_plays_before_the_backend_was_due(qtbot, window, vod):
    window.open_vod(vod.id)
    editor = window.editor
    assert not editor.player.has_backend()
    QTest.keyClick(editor.timeline, Qt.Key.Key_Space)
    assert editor.player.is_playing()
    assert editor.player.has_backend()  # made at once for the key, not on its idle turn


def test_the_editor_draws_no_icon_on_the_gui_thread_after_the_warm_up(
    qtbot, window, vod, monkeypatch
):
    import ui.theme as theme
    import ui.warmup as warmup

    drawn_on: list[str] = []
    real_draw = theme._draw

    def draw(name, colour, pixels):
        drawn_on.append(threading.current_thread().name)
        return real_draw(name, colour, pixels)

    monkeypatch.setattr(theme, "_images", {})
    monkeypatch.setattr(theme, "_draw", draw)
    monkeypatch.setattr(warmup, "_done", threading.Event())
    warmup.warm_up_editor(window.tasks)
    qtbot.waitUntil(warmup._done.is_set, timeout=30000)
    main = threading.main_thread().name
    assert sum(name != main for name in drawn_on) > 40  # every icon, on the warm-up's thread
    drawn_on.clear()
    window.open_vod(vod.id)
    editor = window.editor
    qtbot.waitUntil(lambda: len(editor.panels.values()) == len(editor.panels), timeout=10000)
    assert main not in drawn_on


def test_the_transcode_panel_reads_the_latest_job_off_the_gui_thread(
    qtbot, window, vod, monkeypatch
):
    from core.jobs.service import TranscodeService

    read_on: list[str] = []
    real_status = TranscodeService.status

    def status(self, *args, **kwargs):
        read_on.append(threading.current_thread().name)
        return real_status(self, *args, **kwargs)

    monkeypatch.setattr(TranscodeService, "status", status)
    window.open_vod(vod.id)
    panel = window.editor.panels["Transcode"]
    assert not read_on or threading.main_thread().name not in read_on
    qtbot.waitUntil(lambda: bool(read_on), timeout=10000)
    window.editor.tasks.wait(10000)
    assert threading.main_thread().name not in read_on
    assert panel.start_button.isEnabled()  # no job of this VOD running: Start is offered
