"""Fixtures for the AI tests: the OpenAI-compatible stub on 127.0.0.1 and VODs with
transcripts (long VODs are tiny 64x36 1-fps clips, so only their duration is large)."""

from __future__ import annotations

import pytest

from tests.ai.synthetic import make_transcript, to_vtt
from tests.counterparts.openai_stub import OpenAiStub


@pytest.fixture
def stub():
    server = OpenAiStub("good").start()
    yield server
    server.stop()


@pytest.fixture
def online(stub, monkeypatch):
    """Point the openai client at the stub, as a user of a local server would."""
    monkeypatch.setenv("OPENAI_BASE_URL", stub.url)
    return stub


@pytest.fixture
def long_clip(clip_factory):
    return clip_factory("long.mp4", seconds=600, size="64x36", rate=1, audio=False)


@pytest.fixture
def labelled():
    """A labelled transcript of five topics that fits inside the 600 s clip."""
    return make_transcript(7, topics=5, min_topic_seconds=90, max_topic_seconds=115)


@pytest.fixture
def vod_with_transcript(context, long_clip, labelled, tmp_path):
    vod = context.vods.import_file(long_clip, title="Long stream")
    path = tmp_path / "talk.vtt"
    path.write_text(to_vtt(labelled.segments))
    context.ai.import_transcript(vod.id, path)
    return vod.id
