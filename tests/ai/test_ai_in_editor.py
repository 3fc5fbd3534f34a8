"""The AI tab inside the real editor: generated chapters reach the timeline at once and the
editor's undo button takes the whole generation back in one step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def editor(qtbot, context, vod_with_transcript, monkeypatch):
    monkeypatch.setenv("VODSTUDIO_PLAYER", "none")  # a playback clock; no decoding needed
    from ui.editor import EditorView

    view = EditorView(context, vod_with_transcript)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    yield view
    view.tasks.cancel_all()
    view.tasks.wait(10_000)


def test_generation_shows_on_the_timeline_and_undoes_in_one_step(
    qtbot, context, online, editor, vod_with_transcript
):
    context.chapters.add(vod_with_transcript, title="Manual", start_time=150, end_time=170)
    editor.reload_chapters()
    panel = editor.panels["AI"]
    editor.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(panel.generate_button.isEnabled, timeout=10_000)  # the transcript is read
    panel.model_edit.setText("stub-good")
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.task is None, timeout=20_000)
    on_timeline = editor.timeline.index.chapters
    assert sum(editor.timeline.index.is_ai) == 3 and len(on_timeline) == 4
    assert editor.undo_stack.count() == 1
    editor.undo_stack.undo()
    assert [c.title for c in editor.timeline.index.chapters] == ["Manual"]
    assert [c.title for c in context.chapters.list(vod_with_transcript).chapters] == ["Manual"]
    editor.undo_stack.redo()
    assert [c.id for c in editor.timeline.index.chapters] == [c.id for c in on_timeline]
