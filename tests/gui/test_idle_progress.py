"""Idle panels show no empty progress bar; a running task shows one."""

from __future__ import annotations

import threading


def test_ai_and_upload_bars_only_show_while_working(qtbot, editor):
    editor.tabs.setCurrentWidget(editor.panels["AI"])
    ai = editor.panels["AI"]
    qtbot.waitExposed(ai)
    assert not ai.progress.isVisible()
    release = threading.Event()
    finished = []
    # The panel's own plumbing, as its generate/transcribe use it: _finish ends the busy state.
    ai._start(
        lambda progress, cancel: release.wait(5),
        lambda result: (finished.append(result), ai._finish()),
        "Testing",
    )
    assert ai.progress.isVisible() and ai.cancel_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=5000)
    assert not ai.progress.isVisible()

    upload = editor.panels["Upload"]
    editor.tabs.setCurrentWidget(upload)
    qtbot.waitExposed(upload)
    assert not upload.progress_bar.isVisible()
    upload.progress_bar.setValue(40)  # a part-uploaded file to resume
    assert upload.progress_bar.isVisible()
