"""Chapter files from the editor: import (one undo step), export, YouTube text and fix,
chapters embedded into a copy of the video."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.media.chapter_embed import read_chapters

from .helpers import stored


def _answer_file_dialog(qtbot, actions, path) -> None:
    qtbot.waitUntil(lambda: isinstance(actions.dialog, QFileDialog), timeout=3000)
    dialog = actions.dialog
    dialog.selectFile(str(path))
    dialog.accept()


def _button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text() == text)


def _focus_timeline(qtbot, editor) -> None:
    # Back to the editor after a dialog, as a user clicking on the timeline would be.
    editor.activateWindow()
    qtbot.mouseClick(
        editor.timeline, Qt.MouseButton.LeftButton, pos=editor.timeline.rect().topLeft()
    )
    editor.timeline.setFocus()
    qtbot.waitUntil(editor.timeline.hasFocus, timeout=2000)


def _titles(context, vod_id):
    return [(c.title, c.start_time, c.end_time) for c in stored(context, vod_id)]


def test_import_replaces_chapters_in_one_undoable_step(qtbot, editor, context, vod, tmp_path):
    editor.add_chapter(2.0, 6.0, "Drawn by hand")
    before = _titles(context, vod.id)
    source = tmp_path / "desc.txt"
    source.write_text("0:00 Intro\n0:05 Ranked games\n0:12 Outro\n", encoding="utf-8")
    panel = editor.panels["Chapters"]
    import_button = next(b for b in panel.file_buttons if b.text() == "Import…")
    qtbot.mouseClick(import_button, Qt.MouseButton.LeftButton)
    _answer_file_dialog(qtbot, editor.chapter_files, source)
    qtbot.waitUntil(lambda: isinstance(editor.chapter_files.dialog, QMessageBox), timeout=3000)
    qtbot.mouseClick(
        _button(editor.chapter_files.dialog, "Replace them"), Qt.MouseButton.LeftButton
    )

    imported = [("Intro", 0.0, 5.0), ("Ranked games", 5.0, 12.0), ("Outro", 12.0, 20.0)]
    qtbot.waitUntil(lambda: _titles(context, vod.id) == imported, timeout=5000)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=2000)
    assert [c.title for c in editor.timeline_model.chapters] == ["Intro", "Ranked games", "Outro"]
    assert (
        editor.undo_stack.count() == 2
        and "Import chapters from desc.txt" in editor.undo_stack.undoText()
    )

    _focus_timeline(qtbot, editor)
    qtbot.keyClick(editor.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _titles(context, vod.id) == before
    assert [c.title for c in editor.timeline_model.chapters] == ["Drawn by hand"]
    qtbot.keyClick(
        editor.timeline,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _titles(context, vod.id) == imported
    assert panel.model.rowCount() == 3


def test_import_can_add_to_existing_chapters(qtbot, editor, context, vod, tmp_path):
    editor.add_chapter(0.0, 4.0, "Intro")
    source = tmp_path / "more.csv"
    source.write_text("start,end,title\n10,15,Boss fight\n", encoding="utf-8")
    editor.chapter_files.import_file(str(source))
    qtbot.waitUntil(lambda: isinstance(editor.chapter_files.dialog, QMessageBox), timeout=3000)
    qtbot.mouseClick(_button(editor.chapter_files.dialog, "Add to them"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(stored(context, vod.id)) == 2, timeout=5000)
    assert _titles(context, vod.id) == [("Intro", 0.0, 4.0), ("Boss fight", 10.0, 15.0)]


def test_a_broken_file_is_reported_and_changes_nothing(qtbot, editor, context, vod, tmp_path):
    editor.add_chapter(0.0, 4.0, "Intro")
    source = tmp_path / "broken.vtt"
    source.write_text(
        "WEBVTT\n\nnot a cue at all\n00:00:99.000 --> oops\nTitle\n", encoding="utf-8"
    )
    editor.chapter_files.import_file(str(source), replace=True)
    qtbot.waitUntil(lambda: any(error for _, error in editor.messages), timeout=5000)
    text = [t for t, error in editor.messages if error][-1]
    assert "broken.vtt" in text and "line" in text
    assert _titles(context, vod.id) == [("Intro", 0.0, 4.0)]
    assert editor.undo_stack.count() == 1


def test_export_writes_the_chosen_format(qtbot, editor, context, vod, tmp_path):
    editor.add_chapter(0.0, 8.0, "Intro")
    editor.add_chapter(8.0, 20.0, "Games")
    editor.chapter_files.export_action.trigger()
    qtbot.waitUntil(lambda: isinstance(editor.chapter_files.dialog, QFileDialog), timeout=3000)
    dialog = editor.chapter_files.dialog
    dialog.selectNameFilter("WebVTT chapters (*.vtt)")
    target = tmp_path / "chapters.vtt"
    _answer_file_dialog(qtbot, editor.chapter_files, target)
    qtbot.waitUntil(target.exists, timeout=5000)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("WEBVTT") and "Intro" in text and "Games" in text
    assert text == context.formats.export(vod.id, "webvtt").text


def test_youtube_dialog_fix_is_one_undoable_step_and_copies(qtbot, editor, context, vod):
    editor.add_chapter(3.0, 9.0, "Starts late")
    editor.add_chapter(9.0, 20.0, "Main")
    editor.chapter_files.youtube_action.trigger()
    dialog = editor.chapter_files.youtube_dialog
    qtbot.waitExposed(dialog)
    assert dialog.problem_list.count() >= 1 and dialog.store_button.isEnabled()
    before = _titles(context, vod.id)
    qtbot.mouseClick(dialog.store_button, Qt.MouseButton.LeftButton)
    fixed = stored(context, vod.id)
    assert fixed[0].start_time == 0.0 and _titles(context, vod.id) != before
    assert [c.id for c in editor.timeline_model.chapters] == [c.id for c in fixed]
    # Re-checked after the change: nothing left that the fix could change.
    assert not dialog.store_button.isEnabled()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text().startswith("0:00 ")
    _focus_timeline(qtbot, editor)
    qtbot.keyClick(editor.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _titles(context, vod.id) == before
    dialog.close()
    qtbot.waitUntil(lambda: editor.chapter_files.youtube_dialog is None, timeout=2000)


def test_embed_writes_a_copy_with_the_chapters(qtbot, editor, context, vod, tmp_path):
    editor.add_chapter(0.0, 7.0, "Intro")
    editor.add_chapter(7.0, 20.0, "Games")
    editor.chapter_files.embed_action.trigger()
    target = tmp_path / "with chapters.mp4"
    _answer_file_dialog(qtbot, editor.chapter_files, target)
    qtbot.waitUntil(lambda: any(t.startswith("Wrote") for t, _ in editor.messages), timeout=20000)
    inside = read_chapters(target)
    assert [(c.title, c.start_ms) for c in inside] == [("Intro", 0), ("Games", 7000)]


def test_main_window_chapters_menu_follows_the_open_editor(qtbot, themed, context, vod):
    from ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    assert not window.chapters_menu.isEnabled()
    window.open_vod(vod.id)
    texts = [a.text() for a in window.chapters_menu.actions()]
    assert texts == [
        "&Import chapters…",
        "&Export chapters…",
        "&YouTube chapters…",
        "E&mbed chapters into a copy…",
    ]
    window.show_library()
    assert not window.chapters_menu.isEnabled() and window.chapters_menu.actions() == []
    window.close()


def test_embed_shows_progress_in_the_status_bar_and_cancels_from_it(
    qtbot, themed, context, vod, tmp_path
):
    from ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.open_vod(vod.id)
    editor = window.editor
    editor.add_chapter(0.0, 7.0, "Intro")
    target = tmp_path / "cancelled.mkv"
    task = editor.chapter_files.embed_into(str(target))
    assert window.activity_label.text().startswith("Embedding chapters into cancelled.mkv")
    assert window.activity_cancel.isVisible()
    qtbot.mouseClick(window.activity_cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task.is_running(), timeout=20000)
    assert editor.messages[-1] == ("Embedding cancelled; cancelled.mkv was not written", False)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    assert not window.activity_label.isVisible()
    window.close()


def test_actions_that_need_chapters_wait_for_one(qtbot, editor):
    files = editor.chapter_files
    assert files.import_action.isEnabled()
    assert not any(
        a.isEnabled() for a in (files.export_action, files.youtube_action, files.embed_action)
    )
    editor.add_chapter(0.0, 5.0, "Intro")
    assert all(a.isEnabled() for a in files.actions())
    qtbot.keyClick(editor.timeline, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not files.export_action.isEnabled()
