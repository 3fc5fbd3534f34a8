"""What a newcomer met in the first hour, each on real widgets: the window never grows past
the screen, status messages leave the data folder readable, one size and one time format,
drops are copies, dialogs remember their folder, the chapter form names the right field, the
YouTube fix says what it does, Upload points to Settings, thumbnails delete with Undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from ui.library.delegate import VOD_ROLE


@pytest.fixture
def window(qtbot, themed, context):
    from ui.jobs_bridge import stop_job_bridge
    from ui.main_window import MainWindow

    main = MainWindow(context)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.tasks.cancel_all()
    main.tasks.wait(5000)
    stop_job_bridge(context)


def _open(qtbot, window, vod_id):
    window.request_open(vod_id)
    qtbot.waitUntil(lambda: window.editor is not None, timeout=30000)
    return window.editor


def _drop_event(kind, mime, proposed, possible):
    if kind == "enter":
        return QDragEnterEvent(
            QPoint(40, 40),
            possible,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    event = QDropEvent(
        QPoint(40, 40).toPointF(),
        possible,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    return event


# --- 5: nothing typed or shown makes the window wider ------------------------------------
def test_a_long_search_and_a_long_upload_error_never_widen_the_window(qtbot, window, context, vod):
    editor = _open(qtbot, window, vod.id)
    context.chapters.add(vod.id, title="Intro", start_time=0, end_time=5)
    editor.reload_chapters()
    width = window.width()
    chapters = editor.panels["Chapters"]
    editor.tabs.setCurrentWidget(chapters)
    QTest.keyClicks(chapters.search, "a search for a chapter that is not there at all, really")
    qtbot.waitUntil(lambda: "hidden by filters" in chapters.count_label.text(), timeout=5000)
    QApplication.processEvents()
    assert window.width() == width
    upload = editor.panels["Upload"]
    editor.tabs.setCurrentWidget(upload)
    upload._upload_failed(RuntimeError("the tus server answered 500: " + "very long reason " * 30))
    QApplication.processEvents()
    assert window.width() == width
    window.show_message("A message " * 40, error=True)
    QApplication.processEvents()
    assert window.width() == width


def test_a_saved_window_larger_than_the_screen_is_cut_down_to_it(qtbot, themed, context):
    from ui.main_window import MainWindow

    screen = QGuiApplication.primaryScreen().availableGeometry()
    big = MainWindow(context)
    qtbot.addWidget(big)
    big.setGeometry(0, 0, screen.width() + 900, screen.height() + 600)
    QSettings("VOD Studio", "vodstudio").setValue("window/geometry", big.saveGeometry())
    again = MainWindow(context)
    qtbot.addWidget(again)
    assert again.frameGeometry().width() <= screen.width()
    assert again.frameGeometry().height() <= screen.height()
    QSettings("VOD Studio", "vodstudio").remove("window/geometry")


# --- 6: a status message never covers the data folder -----------------------------------
def test_a_status_message_leaves_the_data_folder_label_as_it_was(qtbot, window):
    label = window.data_label
    assert label.isVisible() and "Data:" in label.text()
    QApplication.processEvents()
    before = (label.geometry(), label.grab().toImage())
    window.show_message("Imported “A rather long stream title that fills the status bar” " * 3)
    QApplication.processEvents()
    assert "rather long stream" in window.message_label.text()
    assert (label.geometry(), label.grab().toImage()) == before
    # the message has a place of its own, beside the label and cut to fit it
    assert not window.message_label.geometry().intersects(label.geometry())
    shown = window.message_label.elided_text()
    assert shown.endswith("…") or "…" in shown


# --- 7: one size convention --------------------------------------------------------------
def test_cards_the_cli_and_the_transcode_tab_show_one_size(window, context, vod):
    from app.cli.output import human_size
    from core.domain.sizes import format_size
    from ui.library.view import card_data

    assert format_size(169_600_000) == "169.6 MB"  # what a file manager shows for it
    card = next(c for c in context.vods.cards() if c.vod.id == vod.id)
    shown = format_size(vod.size_bytes)
    assert shown in card_data(card)["detail"]
    assert human_size(vod.size_bytes) == shown
    # the convention is written down where the size is: the card's tooltip
    window.library.refresh()
    tip = next(
        window.library.model.item(r).toolTip()
        for r in range(window.library.model.rowCount())
        if window.library.model.item(r).data(VOD_ROLE)["id"] == vod.id
    )
    assert f"{shown} ({vod.size_bytes:,} bytes; 1 MB = 1,000,000 bytes)" in tip


# --- 8: drops are copies, never moves ------------------------------------------------------
def test_a_drop_offering_move_is_taken_as_a_copy_and_a_move_only_drop_is_refused(
    qtbot, window, clip_factory
):
    clip = clip_factory("dropped-copy.mp4", seconds=2, size="160x90", rate=10)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip))])
    both = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    enter = _drop_event("enter", mime, Qt.DropAction.MoveAction, both)
    enter.setDropAction(Qt.DropAction.MoveAction)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted() and enter.dropAction() == Qt.DropAction.CopyAction
    drop = _drop_event("drop", mime, Qt.DropAction.MoveAction, both)
    drop.setDropAction(Qt.DropAction.MoveAction)
    QApplication.sendEvent(window, drop)
    assert drop.dropAction() == Qt.DropAction.CopyAction
    move_only = _drop_event("enter", mime, Qt.DropAction.MoveAction, Qt.DropAction.MoveAction)
    QApplication.sendEvent(window, move_only)
    assert not move_only.isAccepted()
    qtbot.waitUntil(lambda: not window.tasks.active, timeout=30000)
    assert clip.exists()


# --- 12: file dialogs open where the last one was left --------------------------------------
def test_the_import_dialog_opens_in_the_last_used_folder(qtbot, window, monkeypatch, tmp_path):
    QSettings("VOD Studio", "vodstudio").remove("folders/recordings")
    asked = []
    picked = tmp_path / "streams" / "friday.mkv"
    picked.parent.mkdir()

    def fake_dialog(parent, caption, folder, filters):
        asked.append(folder)
        return ([str(picked)] if len(asked) == 1 else []), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake_dialog))
    monkeypatch.setattr(window, "import_file", lambda path, **kw: None)
    window.choose_import()
    window.choose_import()
    assert asked == [str(Path.home()), str(picked.parent)]


# --- 9: the chapter form: no raw id, the right field in red, "1 chapter" ------------------
def test_the_chapter_form_names_the_overlapped_chapter_and_marks_the_end(
    qtbot, editor, context, vod
):
    first = context.chapters.add(vod.id, title="Intro", start_time=0, end_time=9.92).added[0]
    context.chapters.add(vod.id, title="Boss", start_time=12, end_time=16)
    editor.reload_chapters()
    panel = editor.panels["Chapters"]
    editor.tabs.setCurrentWidget(panel)
    assert panel.count_label.text() == "2 chapters"
    editor.select_chapter(first.id)
    panel.end_edit.setText("0:14")
    QTest.keyClick(panel.end_edit, Qt.Key.Key_Return)
    message = panel.error_label.text()
    assert "Boss" in message and first.id not in message and "[id" not in message
    assert panel.end_edit.property("invalid") is True
    assert panel.start_edit.property("invalid") is False
    editor.delete_chapter(next(c.id for c in editor.timeline_model if c.title == "Boss"))
    assert panel.count_label.text() == "1 chapter"


def test_one_start_reads_the_same_in_the_list_the_form_the_tooltip_and_the_timeline(
    editor, context, vod
):
    from core.domain.timefmt import format_display_time
    from ui.panels.chapters_panel import ChapterTableModel
    from ui.timeline.painting import _elided_texts
    from ui.timeline.widget import _span

    chapter = context.chapters.add(vod.id, title="Intro", start_time=9.92, end_time=15).added[0]
    editor.reload_chapters()
    editor.select_chapter(chapter.id)
    panel = editor.panels["Chapters"]
    shown = {
        panel.model.data(panel.model.index(0, 2)),
        panel.start_edit.text(),
        _span(chapter.start_time, chapter.end_time).split(" – ")[0],
        _elided_texts(editor.timeline.palette_cache, chapter, 400)[1],
    }
    assert shown == {"0:09.92"} == {format_display_time(9.92)}
    assert isinstance(panel.model, ChapterTableModel)


# --- 13: the YouTube fix says what it does, and all of it can be read ----------------------
def test_the_youtube_fix_says_the_first_chapter_moves_to_zero(qtbot, editor, context, vod):
    from ui.youtube_chapters_dialog import YoutubeChaptersDialog

    context.chapters.add(vod.id, title="Game", start_time=3, end_time=13)
    editor.reload_chapters()
    dialog = YoutubeChaptersDialog(
        context.formats, vod.id, editor, timeline=lambda: editor.timeline_model
    )
    qtbot.addWidget(dialog)
    dialog.show()
    details = dialog.fix_details.text()
    assert '"Game" now starts at 0:00' in details
    assert "add an intro" not in (dialog.fix_box.text() + details).lower()
    box = dialog.fix_box
    assert box.width() >= box.sizeHint().width()  # the whole label is shown, not cut
    assert dialog.fix_details.wordWrap()


# --- 14: Upload without a platform points to Settings ----------------------------------------
def test_upload_without_a_platform_offers_the_settings(qtbot, editor):
    from ui.settings_dialog import SettingsDialog

    panel = editor.panels["Upload"]
    editor.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(panel.upload_button.isEnabled, timeout=10000)  # once the state is read
    panel.upload_button.click()
    qtbot.waitUntil(lambda: panel.settings_button.isVisible(), timeout=30000)
    text = panel.progress_label.text()
    assert "Settings" in text and "VODSTUDIO_" not in text
    panel.settings_button.click()
    qtbot.waitUntil(
        lambda: (
            isinstance(getattr(panel, "settings_dialog", None), SettingsDialog)
            and panel.settings_dialog.isVisible()
        ),
        timeout=5000,
    )
    panel.settings_dialog.reject()


# --- 15: deleting a thumbnail can be undone; its files stay until then ------------------------
@pytest.mark.media
def test_a_deleted_thumbnail_comes_back_with_undo_and_its_files_stay_until_then(
    qtbot, themed, context, clip_factory
):
    from ui.editor import EditorView

    clip = clip_factory("undo-thumbs.mp4", seconds=6, size="160x90", rate=10)
    vod = context.vods.import_file(clip, title="Undo thumbnails")
    editor = EditorView(context, vod.id)
    qtbot.addWidget(editor)
    editor.show()
    try:
        panel = editor.panels["Thumbnails"]
        editor.tabs.setCurrentWidget(panel)
        panel.sizes.setCurrentIndex(2)
        panel.generate_button.click()
        qtbot.waitUntil(lambda: panel.task is None and len(panel.infos) == 5, timeout=60000)
        victim = next(i for i in panel.infos if not i.is_default)
        panel.select(victim.thumbnail_id)
        panel.delete_button.click()
        assert victim.thumbnail_id not in panel.shown_ids()
        assert panel.undo_bar.isVisible() and Path(victim.jpeg_path).exists()
        panel.undo_button.click()
        assert victim.thumbnail_id in panel.shown_ids() and not panel.undo_bar.isVisible()
        assert victim.thumbnail_id in {t.thumbnail_id for t in context.thumbnails.list(vod.id)}
        panel.select(victim.thumbnail_id)
        panel.delete_button.click()
        qtbot.waitUntil(lambda: not panel.undo_bar.isVisible(), timeout=20000)  # time is up
        assert not Path(victim.jpeg_path).exists()
        assert victim.thumbnail_id not in {t.thumbnail_id for t in context.thumbnails.list(vod.id)}
    finally:
        editor.close_editor()
        editor.tasks.wait(5000)
        context.vods.remove(vod.id, delete_generated=True)


def _lightest_in_indicator(button) -> int:
    """The lightest grey level in the left 20 px of a radio button, as drawn."""
    image = button.grab().toImage()
    return max(
        QColor(image.pixel(x, y)).lightness()
        for x in range(min(20, image.width()))
        for y in range(image.height())
    )


def test_the_delete_key_on_a_library_card_asks_to_remove(qtbot, window, context, clip_factory):
    clip = clip_factory("menu-remove.mp4", seconds=2, size="160x90", rate=10)
    vod = context.vods.import_file(clip, title="Remove by key")
    window.library.refresh()
    window.library.select(vod.id)
    window.library.grid.setFocus()
    QTest.keyClick(window.library.grid, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: getattr(window, "remove_dialog", None) is not None, timeout=5000)
    dialog = window.remove_dialog
    assert "Remove by key" in dialog.findChildren(type(dialog.warning))[0].text()
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.warning)))
    assert "Its place in the library is removed" in texts and "0 chapters" not in texts
    # the choice taken can be seen on the dark theme (nothing to delete: the other is off)
    assert not dialog.delete_files.isEnabled()
    assert _lightest_in_indicator(dialog.keep_files) >= 0x60
    dialog.reject()
    assert vod.id in {v.id for v in context.vods.list()}
    context.vods.remove(vod.id)


def test_the_card_menu_offers_open_and_remove(qtbot, window, context, clip_factory):
    clip = clip_factory("menu-card.mp4", seconds=2, size="160x90", rate=10)
    vod = context.vods.import_file(clip, title="Remove by menu")
    try:
        window.library.refresh()
        window.library.select(vod.id)
        grid = window.library.grid
        card = grid.visualRect(grid.currentIndex()).center()
        grid.customContextMenuRequested.emit(card)  # what a right-click on the card sends
        menu = window.library.card_menu
        qtbot.waitUntil(menu.isVisible, timeout=5000)
        texts = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert texts == ["Open", "Remove from library…"]
        menu.actions()[-1].trigger()
        qtbot.waitUntil(lambda: getattr(window, "remove_dialog", None) is not None, timeout=5000)
        dialog = window.remove_dialog
        assert "Remove by menu" in dialog.findChildren(type(dialog.warning))[0].text()
        dialog.reject()
        assert vod.id in {v.id for v in context.vods.list()}
    finally:
        context.vods.remove(vod.id)


def test_a_shared_recording_cannot_be_ticked_for_deletion_and_looks_it(
    qtbot, window, context, clip_factory
):
    clip = clip_factory("shared.mp4", seconds=2, size="160x90", rate=10)
    first = context.vods.import_file(clip, title="First copy")
    second = context.vods.import_file(clip, title="Second copy", allow_duplicate=True)
    try:
        window.library.refresh()
        window.remove_vod(second.id)
        qtbot.waitUntil(lambda: getattr(window, "remove_dialog", None) is not None, timeout=5000)
        dialog = window.remove_dialog
        qtbot.waitUntil(dialog.isVisible, timeout=5000)
        assert not dialog.delete_recording.isEnabled()
        assert "another VOD" in dialog.delete_recording.text()

        def lightest(widget) -> int:
            image = widget.grab().toImage()
            return max(
                QColor(image.pixel(x, y)).lightness()
                for x in range(image.width())
                for y in range(image.height())
            )

        # greyed out, not drawn like the choices that can be made
        assert lightest(dialog.delete_recording) < lightest(dialog.keep_files) - 40
        dialog.reject()
    finally:
        context.vods.remove(second.id)
        context.vods.remove(first.id)


@pytest.mark.media
def test_removing_a_vod_from_its_card_with_its_files(qtbot, window, context, clip_factory):
    clip = clip_factory("gui-remove.mp4", seconds=3, size="160x90", rate=10)
    vod = context.vods.import_file(clip, title="Remove me")
    context.thumbnails.generate(vod.id, resolutions="small")
    made = Path(context.data_dir) / "thumbnails" / vod.id
    assert made.is_dir()
    window.library.refresh()
    window.library.select(vod.id)
    window.remove_vod(vod.id)
    dialog = window.remove_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.keep_files.isChecked()  # keeping is the default
    # the choice not taken can be seen on the dark theme too
    assert _lightest_in_indicator(dialog.delete_files) >= 0x60
    assert dialog.remove_button.text() == "Remove from library"
    dialog.delete_recording.click()
    assert dialog.remove_button.text() == "Remove and delete the recording"
    assert dialog.warning.isVisible()
    dialog.delete_recording.click()  # changed their mind: the recording stays
    dialog.delete_files.click()
    dialog.remove_button.click()
    qtbot.waitUntil(
        lambda: (
            "Remove me"
            not in [
                window.library.model.item(r).data(VOD_ROLE)["title"]
                for r in range(window.library.model.rowCount())
            ]
        ),
        timeout=30000,
    )
    assert not made.exists() and clip.exists()
    assert vod.id not in {v.id for v in context.vods.list(include_deleted=True)}


def test_importing_a_file_twice_offers_to_open_the_existing_vod(qtbot, window, context, vod):
    window.import_file(vod.file_path)
    qtbot.waitUntil(lambda: getattr(window, "duplicate_box", None) is not None, timeout=30000)
    box = window.duplicate_box
    qtbot.waitUntil(box.isVisible, timeout=5000)
    assert "already in the library" in box.text() and vod.title in box.text()
    assert vod.id not in box.text()  # the user knows it by its title, not its id
    open_button = next(b for b in box.buttons() if b.text() == "Open it")
    open_button.click()
    qtbot.waitUntil(lambda: window.editor is not None, timeout=30000)
    assert window.editor.vod_id == vod.id
    assert [v.id for v in context.vods.list()].count(vod.id) == 1
    assert len([v for v in context.vods.list() if v.file_path == vod.file_path]) == 1
