"""No SQL on the GUI thread while a VOD is opened and its AI, Upload and Transcode tabs are used.

A statement on the GUI thread can wait seconds on SQLite's busy timeout while another writer
(the CLI, a sync, a background job) holds the lock: the window would freeze. Every statement
is recorded with the thread that ran it, and the stack of any that ran on the GUI thread.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event

from core.domain.chapters import Chapter

REPO = str(Path(__file__).resolve().parents[2])

TRANSCRIPT = "WEBVTT\n\n" + "\n\n".join(
    f"00:00:{i:02d}.000 --> 00:00:{i + 1:02d}.000\nline {i} about topic {i // 4}" for i in range(12)
)


@pytest.fixture
def full_vod(context, clip_factory, tmp_path):
    """A VOD with everything the editor shows: chapters, a transcript, an analysis, a finished
    transcode and, as the latest job, a cancelled one (Retry offered)."""
    from core.jobs.runner import JobRunner

    clip = clip_factory("everything.mp4", seconds=12, size="640x360", rate=15)
    vod = context.vods.import_file(clip, title="Everything")
    context.chapters.replace_all(
        vod.id,
        [Chapter(str(uuid.uuid4()), f"Part {i}", i * 4.0, (i + 1) * 4.0) for i in range(3)],
    )
    transcript = tmp_path / "talk.vtt"
    transcript.write_text(TRANSCRIPT)
    context.ai.import_transcript(vod.id, transcript)
    context.signals.analyze(vod.id)
    finished = context.transcodes.start(vod.id, ["360p"])
    JobRunner(context.database, context.data_dir, context.settings).run_until_idle(
        until_job=finished.job_id, timeout=120
    )
    assert context.transcodes.status(vod.id, finished.job_id).status == "completed"
    cancelled = context.transcodes.start(vod.id, ["360p"])
    context.transcodes.cancel(vod.id, cancelled.job_id)
    assert context.transcodes.status(vod.id).status == "cancelled"
    return vod


class GuiThreadSql:
    """Every statement on the engine, with the thread it ran on; the Python stack of those on
    the GUI thread."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.on_gui: list[tuple[str, str]] = []
        self.off_gui = 0
        self._main = threading.main_thread().ident

    def __enter__(self) -> GuiThreadSql:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context_, executemany) -> None:
        if threading.get_ident() != self._main:
            self.off_gui += 1
            return
        frames = [  # the project's own frames: where the statement came from
            f
            for f in traceback.extract_stack()[:-1]
            if f.filename.startswith(REPO) and "/.venv/" not in f.filename
        ]
        stack = "".join(traceback.format_list(frames[-12:]))
        self.on_gui.append((" ".join(statement.split())[:160], stack))

    def report(self) -> str:
        return f"{len(self.on_gui)} statement(s) ran on the GUI thread:\n" + "\n".join(
            f"--- {statement}\n{stack}" for statement, stack in self.on_gui
        )


def _settle(qtbot, window) -> None:
    """Until no background work is running and every result has been delivered."""
    qtbot.waitUntil(
        lambda: not window.tasks.active and not window.editor.tasks.active, timeout=30_000
    )


@pytest.mark.media
def test_opening_a_vod_and_using_its_ai_upload_and_transcode_tabs_runs_no_sql_on_the_gui_thread(
    qtbot, themed, context, full_vod, tmp_path, monkeypatch
):
    from ui.jobs_bridge import stop_job_bridge
    from ui.main_window import MainWindow

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)  # offline generation, no HTTP
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    try:
        with GuiThreadSql(context.database.engine) as sql:
            # (a) open the editor and show every tab, building each lazily built panel
            window.request_open(full_vod.id)
            qtbot.waitUntil(lambda: window.editor is not None, timeout=30_000)
            editor = window.editor
            for index in range(editor.tabs.count()):
                editor.tabs.setCurrentIndex(index)
                qtbot.waitExposed(editor.tabs.currentWidget())
            qtbot.waitUntil(
                lambda: len(editor.panels.values()) == len(editor.panels), timeout=10_000
            )
            _settle(qtbot, window)
            assert len(editor.timeline_model) == 3

            # (b) the AI tab: import a transcript file, generate chapters offline
            ai = editor.panels["AI"]
            editor.tabs.setCurrentWidget(ai)
            assert ai.transcript_view.count() == 12  # the stored transcript, read
            longer = tmp_path / "longer.srt"
            longer.write_text(
                "".join(
                    f"{i + 1}\n00:00:{i:02d},000 --> 00:00:{i:02d},900\nsaid {i}\n\n"
                    for i in range(10)
                )
            )
            ai.import_transcript(str(longer))
            qtbot.waitUntil(lambda: ai.task is None, timeout=30_000)
            assert ai.transcript_view.count() == 10, ai.status.text()
            qtbot.mouseClick(ai.generate_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: ai.task is None, timeout=60_000)
            assert "AI chapters" in ai.status.text(), ai.status.text()
            _settle(qtbot, window)

            # the Upload tab: Upload with no platform set up points to Settings
            upload = editor.panels["Upload"]
            editor.tabs.setCurrentWidget(upload)
            qtbot.waitUntil(upload.upload_button.isEnabled, timeout=10_000)
            qtbot.mouseClick(upload.upload_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(upload.settings_button.isVisible, timeout=30_000)
            _settle(qtbot, window)

            # the Transcode tab: retry the cancelled quality, cancel the job it queues
            transcode = editor.panels["Transcode"]
            editor.tabs.setCurrentWidget(transcode)
            qtbot.waitUntil(lambda: transcode.job is not None, timeout=10_000)
            assert transcode.job.status == "cancelled"
            retry = transcode.rows["360p"].retry_button
            assert retry.isVisible()
            qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: transcode.job.status.is_active, timeout=30_000)
            qtbot.mouseClick(transcode.cancel_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not transcode.job.status.is_active, timeout=120_000)
            # the folder button's target is known without a read
            assert transcode.folder_button.isEnabled() or transcode.job.status == "cancelled"
            _settle(qtbot, window)
    finally:
        window.close()
        stop_job_bridge(context)
    assert sql.off_gui > 0  # the listener saw the work, on the workers
    assert not sql.on_gui, sql.report()
