"""Chapter generation against the OpenAI-compatible stub over real HTTP on 127.0.0.1."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from core.ai import GenerationOptions
from core.ai.errors import (
    AiAuthError,
    AiRateLimitError,
    AiRefusalError,
    AiTimeoutError,
    CancelledError,
    UnusableAnswerError,
)
from core.domain.chapters import ChapterSource
from core.domain.errors import ValidationError


def chapters_of(context, vod_id):
    return context.chapters.list(vod_id).chapters


def assert_consistent(chapters, duration):
    for chapter in chapters:
        assert 0 <= chapter.start_time < chapter.end_time <= duration
    for left, right in itertools.pairwise(chapters):
        assert left.end_time <= right.start_time


def same(chapter):
    """A chapter without its position number, which changes as chapters come and go."""
    return (chapter.id, chapter.title, chapter.start_time, chapter.end_time, chapter.source)


def generate(context, vod_id, model="stub-good", **options):
    return context.ai.generate(vod_id, GenerationOptions(model=model, **options))


def test_good_answer_is_saved_with_the_seed_shape(context, online, vod_with_transcript):
    result = generate(context, vod_with_transcript)
    body = result.to_json()
    assert body["count"] == 3 == len(body["chapters"])
    assert body["model_used"] == "stub-good"
    assert body["processing_time_seconds"] > 0
    assert {c["source"] for c in body["chapters"]} == {"ai"}
    assert all(c["confidence_score"] == 0.9 for c in body["chapters"])
    assert body["chapters"][0]["video_id"] == vod_with_transcript
    saved = chapters_of(context, vod_with_transcript)
    assert [c.id for c in saved] == [c["id"] for c in body["chapters"]]
    request = online.chat_requests()[0]
    assert request["body"]["response_format"]["type"] == "json_schema"
    assert request["body"]["response_format"]["json_schema"]["strict"] is True
    assert request["body"]["temperature"] == 0.3 and request["body"]["max_tokens"] == 2000
    assert request["authorization"].startswith("Bearer not-needed")  # dummy key for local servers


def test_overlapping_answer_is_repaired_and_reported(context, online, vod_with_transcript):
    result = generate(context, vod_with_transcript, "stub-overlapping")
    saved = chapters_of(context, vod_with_transcript)
    assert_consistent(saved, 600)
    assert len(saved) == 3
    assert any("same time" in r for r in result.repairs)  # the duplicate intro
    assert any("overlapped the next" in r for r in result.repairs)


def test_out_of_range_answer_is_clamped_and_dropped(context, online, vod_with_transcript):
    result = generate(context, vod_with_transcript, "stub-out_of_range")
    saved = chapters_of(context, vod_with_transcript)
    assert_consistent(saved, 600)
    assert saved[0].start_time == 0 and saved[-1].end_time == 600
    assert "After the end" not in [c.title for c in saved]
    assert saved[-1].confidence_score == 1.0
    assert any("outside the video" in r for r in result.repairs)
    assert any("clamped to 1" in r for r in result.repairs)


def test_percent_confidence_is_read_as_a_fraction(context, online, vod_with_transcript):
    generate(context, vod_with_transcript, "stub-percent")
    assert {c.confidence_score for c in chapters_of(context, vod_with_transcript)} == {0.92}


@pytest.mark.parametrize(
    "model, error, words",
    [
        ("stub-malformed", UnusableAnswerError, "not valid JSON"),
        ("stub-obey_injection", UnusableAnswerError, "not valid JSON"),
        ("stub-length", UnusableAnswerError, "max tokens"),
        ("stub-refusal", AiRefusalError, "refused"),
        ("stub-unauthorized", AiAuthError, "API key"),
        ("stub-rate_limited_long", AiRateLimitError, "3600 s"),
    ],
)
def test_failures_are_clear_and_change_nothing(
    context, online, vod_with_transcript, model, error, words
):
    manual = context.chapters.add(
        vod_with_transcript, title="Mine", start_time=10, end_time=20
    ).added[0]
    generate(context, vod_with_transcript, "stub-good")
    before = chapters_of(context, vod_with_transcript)
    with pytest.raises(error) as raised:
        generate(context, vod_with_transcript, model)
    assert words in str(raised.value)
    assert chapters_of(context, vod_with_transcript) == before
    assert manual in before


def test_api_key_never_appears_in_errors(context, online, vod_with_transcript, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-key-123")
    with pytest.raises(AiAuthError) as raised:
        generate(context, vod_with_transcript, "stub-unauthorized")
    assert "sk-very-secret" not in str(raised.value)
    assert online.chat_requests()[0]["authorization"] == "Bearer sk-very-secret-key-123"


def test_fenced_json_is_repaired(context, online, vod_with_transcript):
    result = generate(context, vod_with_transcript, "stub-fenced")
    assert result.count == 3
    assert any("extra text" in r for r in result.repairs)


def test_rate_limit_honours_retry_after(context, online, vod_with_transcript):
    started = time.monotonic()
    result = generate(context, vod_with_transcript, "stub-rate_limited")
    assert time.monotonic() - started >= 0.95  # Retry-After: 1
    assert result.count == 3
    assert len(online.chat_requests()) == 2


def test_slow_server_times_out_cleanly(context, online, vod_with_transcript):
    online.slow_seconds = 3
    with pytest.raises(AiTimeoutError, match=r"within 0\.5 s"):
        generate(context, vod_with_transcript, "stub-slow", timeout=0.5)
    assert chapters_of(context, vod_with_transcript) == []


def test_server_without_json_schema_gets_json_mode(context, online, vod_with_transcript):
    result = generate(context, vod_with_transcript, "stub-no_json_schema")
    assert result.count == 3
    formats = [r["body"]["response_format"]["type"] for r in online.chat_requests()]
    assert formats == ["json_schema", "json_object"]


def test_no_transcript_is_refused(context, online, long_clip):
    vod = context.vods.import_file(long_clip)
    with pytest.raises(ValidationError, match="no transcript"):
        generate(context, vod.id)
    assert online.chat_requests() == []


def test_replacing_ai_keeps_manual_chapters(context, online, vod_with_transcript):
    manual = context.chapters.add(
        vod_with_transcript, title="Sponsor", start_time=150, end_time=170
    ).added[0]
    first = generate(context, vod_with_transcript)
    second = generate(context, vod_with_transcript)
    saved = chapters_of(context, vod_with_transcript)
    assert same(manual) in map(same, saved)
    assert_consistent(saved, 600)
    assert {c.id for c in first.chapters}.isdisjoint(c.id for c in saved)  # old AI ones replaced
    assert len(second.removed) == len(first.chapters)
    assert [c for c in saved if c.source == ChapterSource.AI] == second.chapters
    assert any("manual" in r for r in first.repairs)  # the AI chapter around 150-170 was trimmed
    assert manual.id not in second.changes.chapter_ids  # the undo record leaves it alone


def test_cancel_before_saving_changes_nothing(context, online, vod_with_transcript):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        context.ai.generate(
            vod_with_transcript, GenerationOptions(model="stub-good"), cancel=cancel
        )
    assert online.chat_requests() == []


def test_cancel_during_rate_limit_wait(context, online, vod_with_transcript):
    cancel = threading.Event()

    def progress(fraction, message):
        if "rate limited" in message:
            cancel.set()

    with pytest.raises(CancelledError):
        context.ai.generate(
            vod_with_transcript,
            GenerationOptions(model="stub-rate_limited"),
            progress=progress,
            cancel=cancel,
        )
    assert chapters_of(context, vod_with_transcript) == []


def test_long_transcript_is_windowed_and_merged(context, online, vod_with_transcript):
    result = generate(context, vod_with_transcript, window_tokens=600)
    requests = online.chat_requests()
    assert result.windows == len(requests) >= 3
    saved = chapters_of(context, vod_with_transcript)
    assert_consistent(saved, 600)
    assert saved[0].start_time == 0
    # Near the transcript's own size: overlaps and instructions add little.
    assert result.tokens_sent / result.transcript_tokens < 1.6
    # Every window saw only its own part of the transcript.
    shown = [r["body"]["messages"][1]["content"].count("\n[") for r in requests]
    assert sum(shown) < 1.3 * 111


def test_youtube_mode(context, online, vod_with_transcript):
    result = generate(context, vod_with_transcript, youtube=True)
    saved = chapters_of(context, vod_with_transcript)
    assert saved[0].start_time == 0 and len(saved) >= 3
    assert all(c.end_time - c.start_time >= 10 for c in saved)
    assert all(left.end_time == right.start_time for left, right in itertools.pairwise(saved))
    assert result.count == len(saved)
