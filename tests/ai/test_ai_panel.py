"""The AI panel on real widgets (offscreen), with a real task runner and undo stack, against
the OpenAI-compatible stub over HTTP."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ai.synthetic import to_vtt
from tests.panel_host import RecordingPanelHost


def test_host_satisfies_the_panel_api(context, long_clip):
    from ui.panel_api import PanelHost

    vod = context.vods.import_file(long_clip)
    assert isinstance(RecordingPanelHost(context, vod.id), PanelHost)


@pytest.fixture
def make_panel(qtbot, context):
    hosts = []

    def make(vod_id):
        from ui.ai_panel import AiPanel

        host = RecordingPanelHost(context, vod_id)
        hosts.append(host)
        panel = AiPanel(host)
        qtbot.addWidget(panel)
        panel.show()
        wait_read(qtbot, panel)
        return panel, host

    yield make
    # Deterministic teardown: workers finish, then the undo stack (whose commands point at
    # the host) is cleared, before Qt and Python free anything.
    for host in hosts:
        host.tasks.cancel_all()
        assert host.tasks.wait(10_000)
        qtbot.wait(10)
        host.undo_stack.clear()


def stored(context, vod_id):
    return [
        (c.title, c.start_time, c.end_time, c.source.value, c.id, c.confidence_score)
        for c in context.chapters.list(vod_id).chapters
    ]


def manual_in(chapters):
    return [c[:4] for c in chapters if c[3] == "manual"] == [("Manual", 150, 170, "manual")]


def wait_read(qtbot, panel):
    """The tab's transcript and settings are read on a worker after it is built."""
    qtbot.waitUntil(
        lambda: bool(panel.transcript_label.text() and panel.model_edit.text()), timeout=10_000
    )


def wait_idle(qtbot, panel, timeout=20_000):
    qtbot.waitUntil(lambda: panel.task is None, timeout=timeout)


def test_import_view_and_seek(qtbot, context, long_clip, labelled, tmp_path, make_panel):
    vod = context.vods.import_file(long_clip)
    panel, host = make_panel(vod.id)
    assert not panel.generate_button.isEnabled()
    assert "No transcript" in panel.transcript_label.text()
    bad = tmp_path / "bad.txt"
    bad.write_text("no timestamps here")
    panel.import_transcript(str(bad))
    assert not panel.import_button.isEnabled()  # read and stored on a worker
    wait_idle(qtbot, panel)
    assert "line 1: no timestamp" in panel.status.text()
    assert panel.transcript_view.count() == 0 and panel.import_button.isEnabled()
    good = tmp_path / "talk.vtt"
    good.write_text(to_vtt(labelled.segments))
    panel.import_transcript(str(good))
    wait_idle(qtbot, panel)
    assert panel.status.text() == f"Transcript imported: {len(labelled.segments)} segments."
    assert panel.transcript_view.count() == len(labelled.segments)
    assert panel.generate_button.isEnabled()
    rect = panel.transcript_view.line_rect(3)
    qtbot.mouseClick(panel.transcript_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(
        panel.transcript_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )
    assert host.seeks and set(host.seeks) == {labelled.segments[3].start}
    panel.transcript_view.select_line(5)
    qtbot.keyClick(panel.transcript_view, Qt.Key.Key_Return)
    assert host.seeks[-1] == labelled.segments[5].start


def test_drop_a_transcript_file(qtbot, context, long_clip, labelled, tmp_path, make_panel):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    vod = context.vods.import_file(long_clip)
    panel, _host = make_panel(vod.id)
    path = tmp_path / "dropped.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:03,000\ndropped words\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        panel.rect().center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(panel.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, drop)
    wait_idle(qtbot, panel)
    assert panel.transcript_view.count() == 1
    assert panel.transcript_view.line_text(0) == "[0:01] dropped words"
    video = QMimeData()
    video.setUrls([QUrl.fromLocalFile(str(long_clip))])
    refused = QDragEnterEvent(
        panel.rect().center(),
        Qt.DropAction.CopyAction,
        video,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    refused.ignore()
    QApplication.sendEvent(panel, refused)
    assert not refused.isAccepted()
    del enter, drop, refused  # events go before the mime data they point at
    del mime, video


def test_generate_repairs_and_undo_as_one_step(
    qtbot, context, online, vod_with_transcript, make_panel
):
    context.chapters.add(vod_with_transcript, title="Manual", start_time=150, end_time=170)
    panel, host = make_panel(vod_with_transcript)
    assert not panel.offline_check.isChecked() and panel.offline_check.isEnabled()
    panel.model_edit.setText("stub-good")
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert panel.cancel_button.isEnabled() and not panel.generate_button.isEnabled()
    wait_idle(qtbot, panel)
    first = stored(context, vod_with_transcript)
    assert manual_in(first) and len(first) >= 4

    panel.model_edit.setText("stub-out_of_range")
    panel.temperature.setValue(0.7)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel)
    second = stored(context, vod_with_transcript)
    assert second != first and manual_in(second)
    assert "AI chapters from stub-out_of_range" in panel.status.text()
    assert panel.repairs.isVisible() and panel.repairs.count() >= 2
    assert any(
        "outside the video" in panel.repairs.item(i).text() for i in range(panel.repairs.count())
    )
    assert online.chat_requests()[-1]["body"]["temperature"] == 0.7
    assert host.undo_stack.count() == 2

    host.undo_stack.undo()  # one step back: exactly the first generation's chapters
    assert stored(context, vod_with_transcript) == first
    host.undo_stack.undo()  # and before any generation: only the manual chapter
    assert manual_in(stored(context, vod_with_transcript))
    assert len(stored(context, vod_with_transcript)) == 1
    host.undo_stack.redo()
    host.undo_stack.redo()
    assert stored(context, vod_with_transcript) == second
    assert host.reloads >= 6


def test_cancel_changes_nothing(qtbot, context, online, vod_with_transcript, make_panel):
    online.slow_seconds = 1.5
    panel, host = make_panel(vod_with_transcript)
    panel.model_edit.setText("stub-slow")
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == "Cancelling…"
    wait_idle(qtbot, panel)
    assert panel.status.text() == "Cancelled; nothing was changed."
    assert stored(context, vod_with_transcript) == []
    assert host.undo_stack.count() == 0


def test_errors_are_shown(qtbot, context, online, vod_with_transcript, make_panel):
    panel, host = make_panel(vod_with_transcript)
    panel.model_edit.setText("stub-unauthorized")
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel)
    assert "rejected the API key" in panel.status.text()
    assert host.messages and host.messages[-1][1] is True
    assert panel.generate_button.isEnabled() and host.undo_stack.count() == 0


def test_offline_when_nothing_is_configured(
    qtbot, context, vod_with_transcript, make_panel, stub, monkeypatch
):
    panel, _host = make_panel(vod_with_transcript)
    assert panel.offline_check.isChecked() and not panel.offline_check.isEnabled()
    assert not panel.transcribe_button.isEnabled()
    label = panel.connection_label.text()
    assert "made offline" in label and "Settings" in label and "OPENAI_API_KEY" in label
    panel.youtube_check.setChecked(True)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel)
    chapters = context.chapters.list(vod_with_transcript).chapters
    assert chapters[0].start_time == 0 and len(chapters) >= 3
    assert all(c.confidence_score <= 0.6 for c in chapters)
    assert "made offline" in panel.status.text() and "repair" not in panel.status.text()
    shown = [panel.repairs.item(i).text() for i in range(panel.repairs.count())]
    assert any("made offline" in r and "Settings" in r for r in shown)
    monkeypatch.setenv("OPENAI_BASE_URL", stub.url)  # configured while the editor is open
    panel.hide()
    panel.show()  # read again, on a worker
    qtbot.waitUntil(panel.offline_check.isEnabled, timeout=10_000)
    assert not panel.offline_check.isChecked()
    assert stub.url in panel.connection_label.text() and panel.transcribe_button.isEnabled()


def test_transcribe_from_the_panel(qtbot, context, online, clip, make_panel):
    vod = context.vods.import_file(clip)
    panel, _host = make_panel(vod.id)
    assert panel.transcribe_button.isEnabled()
    qtbot.mouseClick(panel.transcribe_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel)
    assert panel.transcript_view.count() == 2
    assert panel.transcript_view.line_text(0) == "[0:00] piece 1 first words"
    assert panel.generate_button.isEnabled()
