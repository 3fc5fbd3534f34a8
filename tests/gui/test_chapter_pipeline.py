"""The chapter-change pipeline in the real editor: every road is one undo step holding a change
set, undo never overwrites work done since, and a rename costs one read and one write."""

from __future__ import annotations

import contextlib
import threading

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from sqlalchemy import event

from ui.chapter_pipeline import ChangeSetCommand

from .helpers import LANE_Y, drag, stored, x_of


def titles(chapters):
    return [(c.title, c.start_time, c.end_time, c.thumbnail_url) for c in chapters]


@contextlib.contextmanager
def counting_selects(context):
    selects: list[str] = []

    def record(conn, cursor, statement, parameters, context_, executemany) -> None:
        if statement.lstrip().startswith("SELECT"):
            selects.append(statement)

    event.listen(context.database.engine, "before_cursor_execute", record)
    try:
        yield selects
    finally:
        event.remove(context.database.engine, "before_cursor_execute", record)


def undo_texts(editor):
    stack = editor.undo_stack
    return [stack.text(i) for i in range(stack.count())]


def test_manual_edits_are_one_step_each_and_undo_and_redo_walk_through_them(editor, context, vod):
    timeline = editor.timeline
    timeline.snapping = False
    drag(timeline, 2.0, 6.0)  # draw
    chapter = stored(context, vod.id)[0]
    editor.update_chapter(chapter.id, title="Intro")  # the form or a double-click
    drag(timeline, 4.0, 9.0)  # move
    QTest.keyClick(timeline, Qt.Key.Key_Delete)
    assert stored(context, vod.id) == []
    assert undo_texts(editor) == [
        "Add Chapter 1",
        "Rename Chapter 1",
        "Edit Intro",
        "Delete Intro",
    ]
    assert all(
        isinstance(editor.undo_stack.command(i), ChangeSetCommand)
        for i in range(editor.undo_stack.count())
    )
    states = []
    for _ in range(4):
        editor.undo_stack.undo()
        states.append(titles(stored(context, vod.id)))
        assert titles(editor.timeline_model) == states[-1]  # shown without a re-read
    assert states[-1] == [] and states[0][0][0] == "Intro"
    assert states[1][0][1] == chapter.start_time  # the move undone: where it was drawn
    for expected in reversed(states[:-1]):
        editor.undo_stack.redo()
        assert titles(stored(context, vod.id)) == expected
    editor.undo_stack.redo()
    assert stored(context, vod.id) == [] and len(timeline.index) == 0


def test_chapters_changed_carries_the_change_set(qtbot, editor, context, vod):
    with qtbot.waitSignal(editor.chapters_changed) as added:
        editor.add_chapter(1.0, 5.0, "Intro")
    changes = added.args[0]
    assert [c.title for c in changes.added] == ["Intro"] and changes.vod_id == vod.id
    with qtbot.waitSignal(editor.chapters_changed) as undone:
        editor.undo_stack.undo()
    assert [c.title for c in undone.args[0].deleted] == ["Intro"]


def test_youtube_fix_is_one_step_both_ways(qtbot, editor, context, vod):
    editor.add_chapter(3.0, 9.0, "Starts late")
    editor.add_chapter(9.0, 20.0, "Main")
    editor.chapter_files.youtube_action.trigger()
    dialog = editor.chapter_files.youtube_dialog
    qtbot.waitExposed(dialog)
    before = titles(stored(context, vod.id))
    qtbot.mouseClick(dialog.store_button, Qt.MouseButton.LeftButton)
    fixed = titles(stored(context, vod.id))
    assert fixed[0][1] == 0.0 and editor.undo_stack.undoText() == "Fix chapters for YouTube"
    with counting_selects(context) as selects:
        editor.undo_stack.undo()
    assert titles(stored(context, vod.id)) == before
    assert dialog.store_button.isEnabled()  # the dialog re-checked the restored chapters
    assert len(selects) == 2  # the undo's own read (VOD, chapters); the dialog read none
    editor.undo_stack.redo()
    assert titles(stored(context, vod.id)) == fixed == titles(editor.timeline_model)
    assert editor.undo_stack.count() == 3
    dialog.close()


@pytest.mark.media
def test_chapter_thumbnails_are_one_undoable_step(qtbot, editor, context, vod):
    editor.add_chapter(0.0, 6.0, "Opening")
    editor.add_chapter(8.0, 14.0, "Middle")
    panel = editor.panels["Thumbnails"]
    panel.chapters_button.click()
    qtbot.waitUntil(lambda: panel.task is None, timeout=60000)
    made = [c.thumbnail_url for c in stored(context, vod.id)]
    assert all(url and url.startswith("file:") for url in made)
    assert [c.thumbnail_url for c in editor.timeline_model] == made
    assert editor.undo_stack.count() == 3
    assert editor.undo_stack.undoText() == "Make chapter thumbnails"
    editor.undo_stack.undo()
    assert [c.thumbnail_url for c in stored(context, vod.id)] == [None, None]
    assert [c.title for c in stored(context, vod.id)] == ["Opening", "Middle"]
    editor.undo_stack.redo()
    assert [c.thumbnail_url for c in stored(context, vod.id)] == made
    # A second run makes new files: undoing it shows the first pictures again.
    panel.chapters_button.click()
    qtbot.waitUntil(lambda: panel.task is None, timeout=60000)
    again = [c.thumbnail_url for c in stored(context, vod.id)]
    assert set(again).isdisjoint(made)
    editor.undo_stack.undo()
    assert [c.thumbnail_url for c in stored(context, vod.id)] == made


def test_undo_refuses_to_overwrite_a_change_made_elsewhere_and_drops_that_step(
    qtbot, editor, context, vod
):
    other = editor.add_chapter(12.0, 16.0, "Other")
    chapter = editor.add_chapter(2.0, 6.0, "Intro")
    editor.update_chapter(chapter.id, title="Opening")
    context.chapters.update(vod.id, chapter.id, title="From the CLI")  # the editor is not told
    editor.undo_stack.undo()
    assert context.chapters.get(vod.id, chapter.id).title == "From the CLI"
    errors = [text for text, error in editor.messages if error]
    assert "Could not undo “Rename Intro”" in errors[-1] and "changed since" in errors[-1]
    # Read again once the stack is idle: the editor shows the other program's work, and no
    # step that could revert it stays (adding "Intro" touched it too).
    qtbot.waitUntil(lambda: editor.timeline_model.get(chapter.id).title == "From the CLI")
    assert undo_texts(editor) == ["Add Other"]
    editor.undo_stack.undo()
    assert [c.title for c in stored(context, vod.id)] == ["From the CLI"]
    assert other.id not in {c.id for c in editor.timeline_model}


def test_a_reload_drops_only_the_undo_steps_tied_to_what_changed_outside(editor, context, vod):
    one = editor.add_chapter(0.0, 4.0, "One")
    two = editor.add_chapter(10.0, 14.0, "Two")
    editor.update_chapter(two.id, title="Second")
    context.chapters.update(vod.id, two.id, end_time=16.0)  # another program
    editor.reload_chapters()
    assert undo_texts(editor) == ["Add One"]
    assert "1 changed" in editor.messages[-1][0] and "2 undo steps" in editor.messages[-1][0]
    editor.undo_stack.undo()
    assert [c.title for c in stored(context, vod.id)] == ["Second"]
    assert one.id not in {c.id for c in editor.timeline_model}


def test_a_rename_reads_the_chapters_once_and_writes_one_row(editor, context, vod):
    for index in range(6):
        context.chapters.add(
            vod.id, title=f"Part {index}", start_time=index * 3, end_time=index * 3 + 2
        )
    editor.reload_chapters()
    editor.tasks.wait(10000)  # the keyframe read on open is done: count only the rename
    statements: list[tuple[str, bool]] = []
    main = threading.get_ident()

    def record(conn, cursor, statement, parameters, context_, executemany) -> None:
        statements.append((" ".join(statement.split()), threading.get_ident() == main))

    engine = context.database.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        timeline = editor.timeline
        QTest.mouseDClick(
            timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 7.0), LANE_Y)
        )
        line = timeline.rename_editor
        line.selectAll()
        QTest.keyClicks(line, "Boss fight")
        QTest.keyClick(line, Qt.Key.Key_Return)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert [c.title for c in editor.timeline_model][2] == "Boss fight"
    chapter_reads = [s for s, _ in statements if s.startswith("SELECT") and "FROM chapters" in s]
    chapter_writes = [
        s for s, _ in statements if s.startswith(("UPDATE chapters", "INSERT INTO chapters"))
    ]
    assert len(chapter_reads) == 1, chapter_reads
    assert len(chapter_writes) == 1, chapter_writes
    # The views and panels applied the change set: the only other read finds the VOD.
    other_reads = [s for s, _ in statements if s.startswith("SELECT") and "FROM chapters" not in s]
    assert len(other_reads) == 1 and "FROM vods" in other_reads[0]
    assert all(on_main for _, on_main in statements)
