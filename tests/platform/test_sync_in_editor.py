"""A sync pull in the open editor (real widgets against the platform emulator): the pulled
chapters show at once, and no undo step is left that could revert them."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import event

pytestmark = pytest.mark.gui


@pytest.fixture
def editor(qtbot, monkeypatch, context, uploaded_vod, emulator):
    from ui.editor import EditorView

    monkeypatch.setenv("VODSTUDIO_PLAYER", "none")
    monkeypatch.setenv("VODSTUDIO_FILMSTRIP", "0")
    local, _remote = uploaded_vod
    for title, start, end in (("Intro", 0, 60), ("Setup", 60, 120), ("Coding", 120, 300)):
        context.chapters.add(local, title=title, start_time=start, end_time=end)
    [report] = context.sync.sync(local)
    assert report.ok and report.pushed["created"] == 3
    view = EditorView(context, local)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    yield view
    view.close_editor()
    view.tasks.cancel_all()
    view.tasks.wait(10000)


def sync_from_the_upload_tab(qtbot, editor) -> None:
    panel = editor.panels["Upload"]
    editor.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(panel.sync_button.isEnabled, timeout=10000)
    qtbot.mouseClick(panel.sync_button, Qt.MouseButton.LeftButton)
    assert not panel.sync_button.isEnabled()  # until the sync is done
    qtbot.waitUntil(panel.sync_button.isEnabled, timeout=20000)
    assert panel.state == "synced"


def test_undo_after_a_pull_never_reverts_the_platforms_work(
    qtbot, context, uploaded_vod, emulator, editor
):
    local, remote = uploaded_vod
    by_title = {c.title: c for c in editor.timeline_model}
    editor.update_chapter(by_title["Intro"].id, title="Hello")
    editor.update_chapter(by_title["Setup"].id, title="Preparation")
    sync_from_the_upload_tab(qtbot, editor)  # both edits reach the platform
    assert editor.undo_stack.count() == 2
    setup = next(c for c in emulator.chapters(remote) if c["title"] == "Preparation")
    emulator.as_user().put(
        f"/api/v1/videos/{remote}/chapters/{setup['id']}", json={"title": "Their setup"}
    ).raise_for_status()

    sync_from_the_upload_tab(qtbot, editor)  # pulls "Their setup"
    shown = [c.title for c in editor.timeline_model]
    assert shown == ["Hello", "Their setup", "Coding"]  # applied, not re-read
    assert [c.title for c in editor.timeline.index.chapters] == shown
    assert editor.undo_stack.count() == 1 and editor.undo_stack.undoText() == "Rename Intro"
    told = editor.messages[-1][0]
    assert "From the platform: 1 changed" in told and "1 undo step" in told

    editor.undo_stack.undo()  # still undoes the user's own, untouched step
    assert [c.title for c in context.chapters.list(local).chapters] == [
        "Intro",
        "Their setup",
        "Coding",
    ]
    assert not editor.undo_stack.canUndo()
    editor.undo_stack.redo()
    assert context.chapters.list(local).chapters[0].title == "Hello"


def test_a_pull_with_no_undo_steps_touching_it_keeps_the_history(
    qtbot, context, uploaded_vod, emulator, editor
):
    local, remote = uploaded_vod
    intro = next(c for c in editor.timeline_model if c.title == "Intro")
    editor.update_chapter(intro.id, title="Hello")
    emulator.as_user().post(
        f"/api/v1/videos/{remote}/chapters",
        json={"title": "Outro", "start_time": 300, "end_time": 360},
    ).raise_for_status()
    sync_from_the_upload_tab(qtbot, editor)
    assert [c.title for c in editor.timeline_model] == ["Hello", "Setup", "Coding", "Outro"]
    assert editor.messages[-1][0] == "From the platform: 1 added"
    assert editor.undo_stack.count() == 1
    editor.undo_stack.undo()
    assert [c.title for c in context.chapters.list(local).chapters] == [
        "Intro",
        "Setup",
        "Coding",
        "Outro",
    ]


def test_an_edit_reads_the_sync_state_off_the_gui_thread(qtbot, context, editor):
    panel = editor.panels["Upload"]
    qtbot.waitUntil(lambda: panel.state == "synced", timeout=10000)  # read on a worker
    editor.tasks.wait(10000)
    # The side panels build lazily, one per idle turn; their first reads are not the edit's.
    qtbot.waitUntil(lambda: len(editor.panels.values()) == len(editor.panels), timeout=10000)
    main, reads = threading.get_ident(), []

    def record(conn, cursor, statement, parameters, context_, executemany) -> None:
        if statement.lstrip().startswith("SELECT"):
            reads.append((statement, threading.get_ident() == main))

    engine = context.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        intro = next(c for c in editor.timeline_model if c.title == "Intro")
        editor.update_chapter(intro.id, title="Hello")
        qtbot.waitUntil(lambda: panel.state == "local_changes", timeout=10000)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    on_gui_thread = [s for s, on_main in reads if on_main]
    assert len(on_gui_thread) == 2  # the rename itself: the VOD and its chapters
    assert any("outbox" in s for s, on_main in reads if not on_main)
    assert panel.state_label.text() == "Local changes waiting to sync (1)"
