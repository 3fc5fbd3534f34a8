"""Transcribing a VOD: audio extracted with real ffmpeg, split under the upload limit, sent
to the stub's /v1/audio/transcriptions over HTTP, and stitched back with offsets."""

from __future__ import annotations

import threading

import pytest

from core.ai.errors import AiAuthError, CancelledError
from core.ai.transcribe import piece_seconds
from core.domain.errors import ValidationError


def test_audio_is_split_uploaded_and_stitched(context, online, clip):
    vod = context.vods.import_file(clip)  # 4 s with a tone
    limit = 10_000
    assert piece_seconds(limit) == 2
    steps = []
    info = context.ai.transcribe(
        vod.id, limit_bytes=limit, progress=lambda f, m: steps.append((f, m))
    )
    uploads = [r for r in online.requests if r["path"].endswith("/audio/transcriptions")]
    assert len(uploads) == 2
    assert all(r["is_mp3"] and r["size"] < limit + 2000 for r in uploads)
    assert [(s.start, s.end) for s in info.segments] == [(0, 1), (1, 1.8), (2, 3), (3, 3.8)]
    assert info.segments[2].text == "piece 2 first words"
    assert info.source == "transcribed:whisper-1"
    assert context.ai.transcript(vod.id).segments == info.segments
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_transcribe_errors_keep_the_old_transcript(context, online, clip, tmp_path):
    vod = context.vods.import_file(clip)
    path = tmp_path / "t.txt"
    path.write_text("[0:01] keep me")
    context.ai.import_transcript(vod.id, path)
    online.scenario = "unauthorized"
    with pytest.raises(AiAuthError):
        context.ai.transcribe(vod.id)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        context.ai.transcribe(vod.id, cancel=cancel)
    assert [s.text for s in context.ai.transcript(vod.id).segments] == ["keep me"]


def test_transcribe_needs_a_server(context, clip):
    vod = context.vods.import_file(clip)
    with pytest.raises(ValidationError, match="OPENAI_API_KEY"):
        context.ai.transcribe(vod.id)
