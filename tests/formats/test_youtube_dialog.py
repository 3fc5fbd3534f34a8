"""The YouTube chapters dialog: every broken rule listed, the fix previewed, text copied."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from ui.youtube_chapters_dialog import YoutubeChaptersDialog

pytestmark = pytest.mark.gui


def problems(dialog):
    return [dialog.problem_list.item(i).text() for i in range(dialog.problem_list.count())]


def test_broken_rules_are_listed_fixed_in_the_text_and_copied(qtbot, context, vod):
    for title, start, end in (("Game", 12, 20), ("Blip", 20, 24), ("Talk", 24, 40)):
        context.chapters.add(vod.id, title=title, start_time=start, end_time=end)
    dialog = YoutubeChaptersDialog(context.formats, vod.id, can_store_fix=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.status_label.text() == "YouTube would ignore these chapters (3 problems):"
    assert problems(dialog) == [
        '✗ the first chapter must start at 0:00; "Game" starts at 0:12',
        '✗ chapter "Game" at 0:12 is 8 s long; YouTube needs at least 10 s',
        '✗ chapter "Blip" at 0:20 is 4 s long; YouTube needs at least 10 s',
    ]
    assert dialog.text_view.toPlainText() == "0:12 Game\n0:20 Blip\n0:24 Talk\n"

    qtbot.mouseClick(dialog.fix_box, Qt.MouseButton.LeftButton)
    assert dialog.fix_box.isChecked()
    assert dialog.text_view.toPlainText() == "0:00 Intro\n0:12 Game\n0:24 Talk\n"
    assert problems(dialog) == [
        '✓ added "Intro" at 0:00 up to 0:12',
        '✓ merged "Blip" (0:20, 4 s) into "Game"',
    ]
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "0:00 Intro\n0:12 Game\n0:24 Talk\n"
    # Only the text was fixed: the stored chapters are as they were.
    assert len(context.chapters.list(vod.id).chapters) == 3

    with qtbot.waitSignal(dialog.fix_requested) as fixed:
        qtbot.mouseClick(dialog.store_button, Qt.MouseButton.LeftButton)
    context.chapters.replace_all(vod.id, fixed.args[0])  # what the host does, undoably
    dialog.refresh()
    assert dialog.status_label.text() == "✓ YouTube will show these chapters."
    assert problems(dialog) == [] and not dialog.store_button.isEnabled()


def test_a_vod_without_chapters_says_what_is_missing(qtbot, context, vod):
    dialog = YoutubeChaptersDialog(context.formats, vod.id)
    qtbot.addWidget(dialog)
    assert problems(dialog) == ["✗ YouTube needs at least 3 chapters; there are 0"]
    assert not dialog.copy_button.isEnabled() and not dialog.store_button.isVisible()
