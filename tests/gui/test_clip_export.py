"""Exporting clips from the editor: the timeline's right-click menu (chapter, in/out
marks), Ctrl+E, the chapter list's menu and Clip… button, and the export dialog driving
the real clip queue (progress, 9:16 crop picked on the preview, cancel)."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from tests.gui.helpers import LANE_Y, x_of

pytestmark = [pytest.mark.gui, pytest.mark.media]


@pytest.fixture
def chaptered(editor, context, vod):
    for title, start, end in (("Intro", 0, 6), ("Boss fight", 6, 14), ("Outro", 14, 20)):
        context.chapters.add(vod.id, title=title, start_time=start, end_time=end)
    editor.reload_chapters()
    yield editor
    from ui.clip_queue import stop_clip_queue

    stop_clip_queue(context)


def _texts(menu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def _size(path) -> list[str]:
    result = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height",
            "-of",
            "csv=p=0",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_timeline_menu_offers_the_chapter_under_the_pointer_and_every_chapter(chaptered):
    timeline = chaptered.timeline
    menu = chaptered.clip_actions.timeline_menu(QPoint(x_of(timeline, 10), LANE_Y))
    assert _texts(menu) == ["Export “Boss fight” as a clip…", "Export every chapter as a clip…"]
    menu.actions()[0].trigger()
    dialog = chaptered.clip_actions.dialog
    assert dialog is not None and [c.title for c in dialog.choices] == ["Boss fight"]
    assert dialog.example.text() == "e.g. GUI test VOD - 02 - Boss fight.mp4"
    dialog.close()


def test_in_out_marks_inside_a_chapter_export_that_range(chaptered, qtbot):
    chaptered.seek(7.0)
    QTest.keyClick(chaptered.timeline, Qt.Key.Key_I)
    chaptered.seek(9.5)
    QTest.keyClick(chaptered.timeline, Qt.Key.Key_O)
    # inside "Boss fight": no chapter can be made there, so the marks stay for a clip
    assert (chaptered.timeline.mark_in, chaptered.timeline.mark_out) == (7.0, 9.5)
    menu = chaptered.clip_actions.timeline_menu(QPoint(x_of(chaptered.timeline, 3), LANE_Y))
    ranged = [a for a in menu.actions() if a.text().startswith("Export in–out")]
    assert ranged, _texts(menu)
    ranged[0].trigger()
    choice = chaptered.clip_actions.dialog.choices[0]
    assert (choice.start, choice.end, choice.chapter_id) == (7.0, 9.5, None)
    chaptered.clip_actions.dialog.close()


def test_in_mark_to_pointer_is_offered_before_the_out_mark_is_set(chaptered):
    chaptered.timeline.mark_in = 15.0
    menu = chaptered.clip_actions.timeline_menu(QPoint(x_of(chaptered.timeline, 18), LANE_Y))
    assert any(t.startswith("Export from the in mark to here") for t in _texts(menu))


def test_ctrl_e_without_selection_or_marks_says_what_to_do(chaptered):
    chaptered.select_chapter(None)
    QTest.keyClick(chaptered.timeline, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert chaptered.clip_actions.dialog is None
    assert "set in and out marks" in chaptered.messages[-1][0]


def test_chapter_list_menu_and_clip_button(chaptered):
    panel = chaptered.panels["Chapters"]
    rect = panel.table.visualRect(panel.model.index(2, 1))
    menu = panel.row_menu(rect.center())
    assert _texts(menu) == ["Export “Outro” as a clip…", "Export every chapter as a clip…"]
    menu.actions()[1].trigger()
    assert [c.title for c in chaptered.clip_actions.dialog.choices] == [
        "Intro",
        "Boss fight",
        "Outro",
    ]
    chaptered.clip_actions.dialog.close()
    chaptered.select_chapter(chaptered.timeline_model.chapters[0].id)
    QTest.mouseClick(panel.clip_button, Qt.MouseButton.LeftButton)
    assert [c.title for c in chaptered.clip_actions.dialog.choices] == ["Intro"]
    chaptered.clip_actions.dialog.close()


def test_dialog_exports_a_lossless_clip_with_progress(chaptered, qtbot, tmp_path):
    chaptered.select_chapter(chaptered.timeline_model.chapters[1].id)
    QTest.keyClick(chaptered.timeline, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = chaptered.clip_actions.dialog
    dialog.folder.setText(str(tmp_path))
    lossless = next(b for b in dialog.mode_group.buttons() if b.property("mode") == "lossless")
    QTest.mouseClick(lossless, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.audio_checks), timeout=20000)
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.finished, timeout=60000)
    ((status, bar),) = dialog.rows.values()
    assert status.text().startswith("done (lossless)") and bar.value() == 1000
    assert [p.name for p in tmp_path.iterdir()] == ["GUI test VOD - 02 - Boss fight.mp4"]
    assert not dialog.options_box.isEnabled()
    assert dialog.open_folder_button.isVisible()
    # the progress rows made room for themselves: the options above keep their full height
    for field in (dialog.template, dialog.folder):
        assert field.height() >= field.sizeHint().height()
    dialog.close()
    again = chaptered.clip_actions.export_current()  # a folder the user chose is remembered
    assert again.folder.text() == str(tmp_path) and again.mode().value == "lossless"
    again.close()


def test_vertical_crop_position_is_picked_on_the_preview(chaptered, qtbot, tmp_path):
    chaptered.select_chapter(chaptered.timeline_model.chapters[0].id)
    dialog = chaptered.clip_actions.export_current()
    dialog.folder.setText(str(tmp_path))
    QTest.mouseClick(dialog.vertical, Qt.MouseButton.LeftButton)
    assert dialog.mode().value == "encode" and dialog.preview.isVisible()
    qtbot.waitUntil(lambda: dialog.preview.image is not None, timeout=20000)
    picture = dialog.preview.picture_rect()
    QTest.mouseClick(
        dialog.preview,
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(picture.left()) + 2, int(picture.center().y())),
    )
    assert dialog.preview.position == 0.0
    assert dialog.options().vertical.position == 0.0
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.finished, timeout=120000)
    (output,) = tmp_path.iterdir()
    assert _size(output) == ["1080,1920"]
    dialog.close()


def test_cancel_in_the_dialog_stops_the_export_and_leaves_nothing(chaptered, qtbot, tmp_path):
    dialog = chaptered.clip_actions.open(chaptered.clip_actions.all_chapters())
    dialog.folder.setText(str(tmp_path))
    QTest.mouseClick(dialog.vertical, Qt.MouseButton.LeftButton)
    dialog.fill.setCurrentIndex(1)  # blurred background at 1080x1920: slow enough to cancel
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(s.text().startswith("exporting") for s, _ in dialog.rows.values()),
        timeout=60000,
    )
    QTest.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.finished, timeout=60000)
    states = [s.text() for s, _ in dialog.rows.values()]
    assert states[-1] == "cancelled"
    done = [s for s in states if s.startswith("done")]
    assert len(list(tmp_path.iterdir())) == len(done)
    dialog.close()
