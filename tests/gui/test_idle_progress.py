"""Idle panels show no empty progress bar; a running task shows one."""

from __future__ import annotations

import threading


def test_ai_and_upload_bars_only_show_while_working(qtbot, editor, monkeypatch):
    editor.tabs.setCurrentWidget(editor.panels["AI"])
    ai = editor.panels["AI"]
    qtbot.waitExposed(ai)
    assert not ai.progress.isVisible()
    release, finished = threading.Event(), threading.Event()

    def transcribe(vod_id, progress, cancel):  # the service, held until the test lets go
        release.wait(5)
        finished.set()
        return ai.ai.transcript(vod_id)

    monkeypatch.setattr(ai.ai, "transcribe", transcribe)
    ai.transcribe()
    assert ai.progress.isVisible() and ai.cancel_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: finished.is_set() and not ai.progress.isVisible(), timeout=5000)
    assert not ai.cancel_button.isEnabled()

    upload = editor.panels["Upload"]
    editor.tabs.setCurrentWidget(upload)
    qtbot.waitExposed(upload)
    assert not upload.progress_bar.isVisible()
    upload.progress_bar.setValue(40)  # a part-uploaded file to resume
    assert upload.progress_bar.isVisible()
