"""The editor opens a VOD that holds overlapping chapters (stored before the write lock, or by
another tool), says which pair overlaps, and lets the user repair it (issue 19, item 0)."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from core.store.db import DATABASE_FILENAME


def store_overlap(context, vod_id: str) -> str:
    """Chapter "B" 0:06–0:10 written straight into the database over "A" 0:04–0:08."""
    with sqlite3.connect(context.data_dir / DATABASE_FILENAME) as connection:
        connection.execute(
            'INSERT INTO chapters (id, vod_id, title, description, start_time, end_time, "order",'
            " source, created_at, updated_at) VALUES ('bbbbbbbb-0000-0000-0000-00000000000b', ?,"
            " 'B', '', 6, 10, 1, 'manual', '2026-01-01', '2026-01-01')",
            (vod_id,),
        )
    connection.close()
    return "bbbbbbbb-0000-0000-0000-00000000000b"


def test_the_editor_names_a_stored_overlap_and_deleting_one_repairs_it(qtbot, themed, context, vod):
    from ui.editor import EditorView

    context.chapters.add(vod.id, title="A", start_time=4, end_time=8)
    context.chapters.add(vod.id, title="C", start_time=12, end_time=15)
    second = store_overlap(context, vod.id)
    view = EditorView(context, vod.id)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    qtbot.waitExposed(view)
    try:
        qtbot.waitUntil(lambda: any(error for _, error in view.messages))
        [(text, _)] = [m for m in view.messages if m[1]]
        assert '"A" (0:04–0:08) and "B" (0:06–0:10)' in text and '"C"' not in text
        assert [c.title for c in view.timeline_model.chapters] == ["A", "B", "C"]
        view.select_chapter(second)
        view.timeline.setFocus()
        qtbot.keyClick(view.timeline, Qt.Key.Key_Delete)
        stored = context.chapters.list(vod.id)
        assert [c.title for c in stored.chapters] == ["A", "C"] and stored.overlaps == []
        assert [c.title for c in view.timeline_model.chapters] == ["A", "C"]
    finally:
        view.close_editor()
        view.tasks.cancel_all()
        view.tasks.wait(5000)


def test_a_move_that_keeps_the_overlap_is_refused_and_one_clear_of_it_repairs(
    qtbot, themed, editor, context, vod
):
    [first] = context.chapters.add(vod.id, title="A", start_time=4, end_time=8).added
    second = store_overlap(context, vod.id)
    editor.reload_chapters()
    assert len(editor.timeline_model.overlaps) == 1

    assert editor.update_chapter(second, start_time=7, end_time=10) is None  # still over "A"
    assert editor.messages[-1][1] and "overlap" in editor.messages[-1][0]
    assert editor.update_chapter(second, start_time=8, end_time=10) is not None
    stored = context.chapters.list(vod.id)
    assert stored.overlaps == []
    assert [(c.id, c.start_time) for c in stored.chapters] == [(first.id, 4), (second, 8)]
