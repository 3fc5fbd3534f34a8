"""AI chapter generation weighs the VOD's analysed signals: the offline segmenter prices
boundaries by them, a model is shown the strongest of each window after the transcript."""

from __future__ import annotations

import pytest

from core.ai import GenerationOptions
from tests.ai.synthetic import make_transcript, to_vtt
from tests.counterparts.openai_stub import OpenAiStub

from .conftest import CUT

pytestmark = pytest.mark.media


@pytest.fixture
def with_transcript(analysed, tmp_path):
    context, vod_id = analysed
    talk = make_transcript(3, topics=3, min_topic_seconds=55, max_topic_seconds=60)
    path = tmp_path / "talk.vtt"
    path.write_text(to_vtt(talk.segments))
    context.ai.import_transcript(vod_id, path)
    return context, vod_id


@pytest.fixture
def stub(monkeypatch):
    server = OpenAiStub("good").start()
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    yield server
    server.stop()


def _user_message(stub) -> str:
    messages = stub.chat_requests()[-1]["body"]["messages"]
    return next(m["content"] for m in messages if m["role"] == "user")


def test_a_model_is_shown_the_signals_after_the_transcript(with_transcript, stub):
    context, vod_id = with_transcript
    hints = context.ai.signal_hints(vod_id)
    assert hints

    result = context.ai.generate(vod_id, GenerationOptions(model="stub-good"))
    assert result.mode == "llm" and result.hints_used == len(hints)
    assert result.to_json()["hints_used"] == len(hints)
    sent = _user_message(stub)
    listed = sent.split("</transcript>", 1)[1]  # ours, outside the untrusted transcript
    assert listed.startswith("\nVideo signals:\n")
    assert f"[{CUT:.0f}] scene cut" in listed
    assert "static screen starts or ends" in listed and "after a long silence" in listed

    context.ai.generate(vod_id, GenerationOptions(model="stub-good"), hints=[])
    assert "Video signals" not in _user_message(stub)


def test_the_offline_mode_counts_the_signals_it_weighed(with_transcript):
    context, vod_id = with_transcript
    result = context.ai.generate(vod_id, GenerationOptions(offline=True))
    assert result.mode == "offline"
    assert result.hints_used == len(context.ai.signal_hints(vod_id)) > 0
    without = context.ai.generate(vod_id, GenerationOptions(offline=True), hints=())
    assert without.hints_used == 0


@pytest.fixture
def ai_panel(qtbot, with_transcript, monkeypatch):
    """The AI tab of the analysed VOD (offline: no key or server configured)."""
    from tests.panel_host import RecordingPanelHost
    from ui.ai_panel import AiPanel

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    context, vod_id = with_transcript
    host = RecordingPanelHost(context, vod_id)
    panel = AiPanel(host)
    qtbot.addWidget(panel)
    panel.show()
    # the transcript and the analysis are read on a worker
    qtbot.waitUntil(
        lambda: panel.generate_button.isEnabled() and bool(panel.model_edit.text()), timeout=10_000
    )
    yield panel, host
    host.tasks.cancel_all()
    assert host.tasks.wait(10_000)
    qtbot.wait(10)
    host.undo_stack.clear()


def test_the_ai_panel_weighs_the_signals_once_they_exist(ai_panel, qtbot, clip_factory):
    from tests.panel_host import RecordingPanelHost
    from ui.ai_panel import AiPanel

    panel, host = ai_panel
    hints = host.context.ai.signal_hints(host.vod_id)
    assert panel.signals_check.isVisible() and panel.signals_check.isChecked()

    panel.generate_button.click()
    qtbot.waitUntil(lambda: panel.task is None, timeout=60_000)
    assert panel.last_result.hints_used == len(hints) > 0
    assert f"weighed {len(hints)} signals" in panel.status.text()
    assert host.undo_stack.count() == 1

    panel.signals_check.setChecked(False)
    panel.generate_button.click()
    qtbot.waitUntil(lambda: panel.task is None, timeout=60_000)
    assert panel.last_result.hints_used == 0 and "signals" not in panel.status.text()

    plain = host.context.vods.import_file(clip_factory("plain.mp4", seconds=4))
    elsewhere = AiPanel(RecordingPanelHost(host.context, plain.id))
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    qtbot.waitUntil(lambda: bool(elsewhere.model_edit.text()), timeout=10_000)  # read
    assert not elsewhere.signals_check.isVisible()  # never analysed: nothing to weigh
