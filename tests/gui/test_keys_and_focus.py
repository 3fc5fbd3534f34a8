"""Keys act on the panel that has the keyboard focus, opening a VOD puts the focus in the
editor, and the keyboard help has its own place (Help menu and ``?``)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.library.delegate import VOD_ROLE

from .helpers import LANE_Y, stored, x_of


@pytest.fixture
def window(qtbot, themed, context):
    from ui.jobs_bridge import stop_job_bridge
    from ui.main_window import MainWindow

    main = MainWindow(context)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    yield main
    main.tasks.cancel_all()
    main.tasks.wait(5000)
    stop_job_bridge(context)


def _card_rect(window, vod_id):
    grid = window.library.grid
    for row in range(window.library.model.rowCount()):
        index = window.library.model.index(row, 0)
        if index.data(VOD_ROLE)["id"] == vod_id:
            grid.scrollTo(index)
            return grid.visualRect(index)
    raise AssertionError("no card for the VOD")


def _wait_for_editor(qtbot, window, vod_id):
    qtbot.waitUntil(
        lambda: window.editor is not None and window.pages.currentWidget() is window.editor,
        timeout=30000,
    )
    assert window.editor.vod_id == vod_id


def test_double_clicking_a_card_puts_the_keys_in_the_editor(qtbot, window, vod):
    rect = _card_rect(window, vod.id)
    viewport = window.library.grid.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    _wait_for_editor(qtbot, window, vod.id)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.isAncestorOf(QApplication.focusWidget()), timeout=5000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert editor.player.is_playing()


def test_enter_on_a_card_opens_it_ready_for_space(qtbot, window, vod):
    window.library.select(vod.id)
    window.library.grid.setFocus()
    QTest.keyClick(window.library.grid, Qt.Key.Key_Return)
    _wait_for_editor(qtbot, window, vod.id)
    qtbot.waitUntil(lambda: window.editor.isAncestorOf(QApplication.focusWidget()), timeout=5000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert window.editor.player.is_playing()


@pytest.fixture
def thumbs_editor(qtbot, themed, context, clip_factory):
    """An editor on a VOD of its own: thumbnails made here never reach other tests."""
    from ui.editor import EditorView

    clip = clip_factory("thumbs.mp4", seconds=6, size="160x90", rate=10)
    vod = context.vods.import_file(clip, title="Thumbnail keys")
    view = EditorView(context, vod.id)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.close_editor()
    view.tasks.cancel_all()
    view.tasks.wait(5000)
    context.vods.remove(vod.id, delete_generated=True)


@pytest.mark.media
def test_delete_on_a_thumbnail_never_deletes_the_selected_chapter(qtbot, thumbs_editor, context):
    editor = thumbs_editor
    vod = editor.vod
    chapter = context.chapters.add(vod.id, title="Keep me", start_time=2, end_time=6).added[0]
    editor.reload_chapters()
    timeline = editor.timeline
    QTest.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 4), LANE_Y))
    assert editor.selected_chapter_id() == chapter.id
    panel = editor.panels["Thumbnails"]
    editor.tabs.setCurrentWidget(panel)
    panel.sizes.setCurrentIndex(2)  # small only: quick
    panel.generate_button.click()
    qtbot.waitUntil(lambda: panel.task is None and len(panel.infos) == 5, timeout=60000)
    other = next(i for i in panel.infos if not i.is_default)
    item = next(
        panel.grid.item(row)
        for row in range(panel.grid.count())
        if panel.grid.item(row).data(Qt.ItemDataRole.UserRole + 1).thumbnail_id
        == other.thumbnail_id
    )
    rect = panel.grid.visualItemRect(item)
    QTest.mouseClick(panel.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.grid.hasFocus()
    QTest.keyClick(panel.grid, Qt.Key.Key_Delete)
    assert [c.title for c in stored(context, vod.id)] == ["Keep me"]
    assert not any("Deleted" in text and "Keep me" in text for text, _ in editor.messages)
    # the key acted on the thumbnails: the one under the mouse is on its way out (undoable)
    assert other.thumbnail_id not in panel.shown_ids()


def test_delete_on_the_timeline_still_deletes_the_selected_chapter(qtbot, editor, context, vod):
    context.chapters.add(vod.id, title="Gone", start_time=2, end_time=6)
    editor.reload_chapters()
    timeline = editor.timeline
    QTest.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 4), LANE_Y))
    QTest.keyClick(timeline, Qt.Key.Key_Delete)
    assert stored(context, vod.id) == []


def test_space_in_the_chapter_title_field_types_a_space(qtbot, editor, context, vod):
    chapter = context.chapters.add(vod.id, title="Intro", start_time=2, end_time=6).added[0]
    editor.reload_chapters()
    editor.select_chapter(chapter.id)
    panel = editor.panels["Chapters"]
    editor.tabs.setCurrentWidget(panel)
    panel.title_edit.setFocus()
    panel.title_edit.end(False)
    QTest.keyClicks(panel.title_edit, " part")
    assert panel.title_edit.text() == "Intro part"
    assert not editor.player.is_playing()


def test_keyboard_help_is_a_window_from_the_help_menu_and_the_question_mark(qtbot, window, vod):
    window.open_vod(vod.id)
    _wait_for_editor(qtbot, window, vod.id)
    help_menu = next(a.menu() for a in window.menuBar().actions() if "Help" in a.text())
    action = next(a for a in help_menu.actions() if "Keyboard" in a.text())
    action.trigger()
    dialog = window.shortcuts_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert "Space" in dialog.text() and "play / pause" in dialog.text()
    assert not window.toast.isVisible()  # not a pop-up over the timeline any more
    dialog.close()
    window.activateWindow()
    window.editor.focus_keys()
    QTest.keyClick(window.editor.timeline, "?")
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.close()


def test_the_keyboard_help_shows_every_line_whole(qtbot, themed):
    from ui.shortcuts_help import SHORTCUTS, ShortcutsDialog

    dialog = ShortcutsDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    metrics = table.fontMetrics()
    for row, (_section, _keys, action) in enumerate(SHORTCUTS):
        shown = table.visualItemRect(table.item(row, 2))
        assert shown.width() >= metrics.horizontalAdvance(action), action
