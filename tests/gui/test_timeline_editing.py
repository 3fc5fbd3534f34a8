"""Editing chapters on the real timeline widget with mouse and keyboard events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.domain.chapters import ChapterSource

from .helpers import LANE_Y, RULER_Y, drag, drag_pixels, stored, x_of


def test_drawing_a_chapter_by_dragging_saves_it(editor, context, vod):
    timeline = editor.timeline
    timeline.snapping = False
    drag(timeline, 2.0, 6.0)
    chapters = stored(context, vod.id)
    assert len(chapters) == 1
    pixel = timeline.viewport.seconds_for_pixels(1)
    assert chapters[0].start_time == pytest.approx(2.0, abs=pixel)
    assert chapters[0].end_time == pytest.approx(6.0, abs=pixel)
    assert chapters[0].title == "Chapter 1"
    assert timeline.selected_id == chapters[0].id
    assert editor.undo_stack.count() == 1


def test_a_click_without_drag_seeks_and_draws_nothing(editor, context, vod):
    timeline = editor.timeline
    QTest.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 12.0), LANE_Y))
    assert stored(context, vod.id) == []
    assert editor.playhead() == pytest.approx(12.0, abs=0.1)


def test_dragging_into_a_neighbour_is_clamped(editor, context, vod):
    first = context.chapters.add(vod.id, title="One", start_time=2, end_time=5).added[0]
    context.chapters.add(vod.id, title="Two", start_time=10, end_time=14)
    editor.reload_chapters()
    timeline = editor.timeline
    timeline.snapping = False
    drag(timeline, 3.5, 17.0)  # would push One deep into Two
    moved = context.chapters.get(vod.id, first.id)
    assert moved.end_time == pytest.approx(10.0)
    assert moved.start_time == pytest.approx(7.0)
    # drawing across a chapter stops at its edge too
    drag(timeline, 16.0, 11.0)
    drawn = [c for c in stored(context, vod.id) if c.title.startswith("Chapter")]
    assert len(drawn) == 1 and drawn[0].start_time == pytest.approx(14.0)


def test_resizing_an_edge(editor, context, vod):
    chapter = context.chapters.add(vod.id, title="Stretch", start_time=4, end_time=8).added[0]
    context.chapters.add(vod.id, title="Wall", start_time=12, end_time=15)
    editor.reload_chapters()
    timeline = editor.timeline
    timeline.snapping = False
    end_x = x_of(timeline, 8.0) - 2  # inside the end-edge grab zone
    drag_pixels(timeline, end_x, x_of(timeline, 10.0) - 2)
    resized = context.chapters.get(vod.id, chapter.id)
    assert resized.start_time == pytest.approx(4.0)
    assert resized.end_time == pytest.approx(10.0, abs=timeline.viewport.seconds_for_pixels(2))
    drag_pixels(timeline, x_of(timeline, resized.end_time) - 2, x_of(timeline, 19.0))
    assert context.chapters.get(vod.id, chapter.id).end_time == pytest.approx(12.0)  # the wall
    start_x = x_of(timeline, 4.0) + 2
    drag_pixels(timeline, start_x, x_of(timeline, 1.0))
    assert context.chapters.get(vod.id, chapter.id).start_time == pytest.approx(
        1.0, abs=timeline.viewport.seconds_for_pixels(3)
    )


def test_snapping_to_the_playhead(editor, context, vod):
    timeline = editor.timeline
    editor.seek(9.0)
    timeline.snapping = True
    tolerance_px = 5
    drag_pixels(timeline, x_of(timeline, 3.0), x_of(timeline, 9.0) + tolerance_px)
    assert stored(context, vod.id)[0].end_time == pytest.approx(9.0)


def test_undo_and_redo_with_shortcuts(qtbot, editor, context, vod):
    timeline = editor.timeline
    timeline.snapping = False
    drag(timeline, 2.0, 6.0)
    chapter = stored(context, vod.id)[0]
    assert editor.undo_button.toolTip() == "Undo Add Chapter 1 (Ctrl+Z)"
    QTest.keyClick(timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(context, vod.id) == []
    qtbot.waitUntil(lambda: editor.redo_button.toolTip() == "Redo Add Chapter 1 (Ctrl+Shift+Z)")
    assert len(timeline.index) == 0
    QTest.keyClick(
        timeline,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    again = stored(context, vod.id)
    assert [c.id for c in again] == [chapter.id]
    assert again[0].start_time == chapter.start_time
    # a move, undone, goes back exactly
    drag(timeline, 4.0, 9.0)
    assert context.chapters.get(vod.id, chapter.id).start_time != chapter.start_time
    editor.undo_stack.undo()
    assert context.chapters.get(vod.id, chapter.id).start_time == chapter.start_time


def test_delete_key_and_undo_brings_it_back_with_its_fields(editor, context, vod):
    chapter = context.chapters.add(
        vod.id,
        title="AI bit",
        start_time=3,
        end_time=7,
        source=ChapterSource.AI,
        confidence_score=0.7,
    ).added[0]
    editor.reload_chapters()
    timeline = editor.timeline
    QTest.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 5.0), LANE_Y))
    assert timeline.selected_id == chapter.id
    QTest.keyClick(timeline, Qt.Key.Key_Delete)
    assert stored(context, vod.id) == []
    QTest.keyClick(timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored = context.chapters.get(vod.id, chapter.id)
    assert (restored.source, restored.confidence_score, restored.title) == (
        ChapterSource.AI,
        0.7,
        "AI bit",
    )


def test_double_click_renames(editor, context, vod):
    chapter = context.chapters.add(vod.id, title="Old name", start_time=3, end_time=9).added[0]
    editor.reload_chapters()
    timeline = editor.timeline
    QTest.mouseDClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 6.0), LANE_Y))
    line = timeline.rename_editor
    assert line is not None and line.text() == "Old name"
    line.selectAll()
    QTest.keyClicks(line, "Boss fight")
    QTest.keyClick(line, Qt.Key.Key_Return)
    assert context.chapters.get(vod.id, chapter.id).title == "Boss fight"
    editor.undo_stack.undo()
    assert context.chapters.get(vod.id, chapter.id).title == "Old name"


def test_keyboard_shortcuts(editor, context, vod):
    timeline = editor.timeline
    context.chapters.add(vod.id, title="Later", start_time=12, end_time=16)
    editor.reload_chapters()
    editor.seek(4.0)
    QTest.keyClick(timeline, Qt.Key.Key_M)  # until the next chapter
    added = [c for c in stored(context, vod.id) if c.title != "Later"]
    assert [(c.start_time, c.end_time) for c in added] == [(4.0, 12.0)]
    editor.seek(1.0)
    QTest.keyClick(timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert editor.playhead() == pytest.approx(4.0)
    QTest.keyClick(timeline, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert editor.playhead() == pytest.approx(12.0)
    assert timeline.selected_id == next(c for c in stored(context, vod.id) if c.title == "Later").id
    QTest.keyClick(timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert editor.playhead() == pytest.approx(4.0)
    # I on a selected chapter moves its start to the playhead
    editor.seek(5.0)
    QTest.keyClick(timeline, Qt.Key.Key_I)
    assert next(c.start_time for c in stored(context, vod.id)) == pytest.approx(5.0)
    # I/O with nothing selected mark a range and make a chapter of it
    timeline.select(None)
    editor.seek(17.0)
    QTest.keyClick(timeline, Qt.Key.Key_I)
    editor.seek(19.5)
    QTest.keyClick(timeline, Qt.Key.Key_O)
    assert (17.0, 19.5) in [(c.start_time, c.end_time) for c in stored(context, vod.id)]
    # Space plays, K stops, L shuttles faster
    QTest.keyClick(timeline, Qt.Key.Key_Space)
    assert editor.player.is_playing()
    QTest.keyClick(timeline, Qt.Key.Key_K)
    assert not editor.player.is_playing()
    QTest.keyClick(timeline, Qt.Key.Key_L)
    QTest.keyClick(timeline, Qt.Key.Key_L)
    assert editor.player.shuttle_speed == 2.0
    QTest.keyClick(timeline, Qt.Key.Key_K)
    editor.seek(10.0)
    QTest.keyClick(timeline, Qt.Key.Key_Period)
    assert editor.playhead() == pytest.approx(10.1)


def test_m_inside_a_chapter_explains_instead_of_failing(editor, context, vod):
    context.chapters.add(vod.id, title="Busy", start_time=2, end_time=10)
    editor.reload_chapters()
    editor.seek(5.0)
    QTest.keyClick(editor.timeline, Qt.Key.Key_M)
    assert len(stored(context, vod.id)) == 1
    assert editor.messages[-1][1] is True and "Busy" in editor.messages[-1][0]


def test_ctrl_wheel_zooms_around_the_cursor_and_wheel_scrolls(editor):
    timeline = editor.timeline
    view = timeline.viewport
    x = 300.0
    anchor = view.x_to_time(x)
    before = view.pixels_per_second

    def wheel(delta: int, modifiers) -> None:
        event = QWheelEvent(
            QPointF(x, LANE_Y),
            timeline.mapToGlobal(QPointF(x, LANE_Y)),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            modifiers,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(timeline, event)

    wheel(240, Qt.KeyboardModifier.ControlModifier)
    assert view.pixels_per_second > before
    assert view.x_to_time(x) == pytest.approx(anchor)
    offset = view.offset
    wheel(-120, Qt.KeyboardModifier.NoModifier)
    assert view.offset > offset
    assert abs(editor.timeline_view.scrollbar.value() - view.offset * view.pixels_per_second) <= 1


def test_clicking_the_ruler_seeks(editor):
    timeline = editor.timeline
    QTest.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 15.0), RULER_Y))
    assert editor.playhead() == pytest.approx(15.0, abs=0.1)


def test_filmstrip_loads_frames_lazily_for_the_visible_tiles(
    qtbot, monkeypatch, themed, context, vod
):
    from ui.editor import EditorView
    from ui.timeline.filmstrip import tile_step, visible_tiles

    monkeypatch.setenv("VODSTUDIO_FILMSTRIP", "1")
    view = EditorView(context, vod.id)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    try:
        timeline = view.timeline
        loader = view.filmstrip
        step = tile_step(timeline.viewport.pixels_per_second)
        wanted = visible_tiles(0, timeline.viewport.visible_end, step, timeline.viewport.duration)
        timeline.repaint()
        qtbot.waitUntil(lambda: all(loader.image(t) is not None for t in wanted), timeout=60000)
        assert loader.image(wanted[0]).width() > 0
        timeline.zoom(8.0, 0)  # a deeper zoom asks only for its own, visible tiles
        timeline.repaint()
        deeper = tile_step(timeline.viewport.pixels_per_second)
        assert deeper < step
        shown = visible_tiles(
            timeline.viewport.visible_start,
            timeline.viewport.visible_end,
            deeper,
            timeline.viewport.duration,
        )
        qtbot.waitUntil(lambda: all(loader.image(t) is not None for t in shown), timeout=60000)
        assert len(loader.images) < len(wanted) + len(shown) + 1
    finally:
        view.close_editor()
        view.tasks.wait(10000)


def test_dragging_past_the_edge_scrolls_and_keeps_drawing(editor, context, vod):
    timeline = editor.timeline
    timeline.snapping = False
    timeline.zoom(4.0, 0)
    visible_end = timeline.viewport.visible_end
    start_x = x_of(timeline, 1.0)
    QTest.mousePress(
        timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(start_x, LANE_Y)
    )
    for x in list(range(start_x, timeline.width(), 60)) + [timeline.width() + 40] * 12:
        QTest.mouseMove(timeline, QPoint(x, LANE_Y))
    QTest.mouseRelease(
        timeline,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(timeline.width() + 40, LANE_Y),
    )
    chapter = stored(context, vod.id)[0]
    assert chapter.start_time == pytest.approx(1.0, abs=timeline.viewport.seconds_for_pixels(1))
    assert chapter.end_time > visible_end
    assert timeline.viewport.offset > 0
