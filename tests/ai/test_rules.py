"""Pure rules of the AI path: windows, answer repair, merging, offline detection, YouTube."""

from __future__ import annotations

import itertools
import json

import pytest

from core.ai.answer import merge_windows, parse_answer
from core.ai.errors import UnusableAnswerError
from core.ai.llm import retry_after_seconds
from core.ai.offline import detect_chapters
from core.ai.transcript import Segment
from core.ai.windows import make_windows, transcript_tokens
from core.ai.youtube import make_youtube_ready
from core.domain.chapters import ChapterDraft
from tests.ai.synthetic import make_transcript


def segments(count: int, step: float = 5.0) -> list[Segment]:
    return [
        Segment(i * step, i * step + step - 0.5, f"words number {i} " * 5) for i in range(count)
    ]


def test_windows_tile_the_video_with_small_overlap():
    items = segments(400)
    windows = make_windows(items, 2000.0, window_tokens=800)
    assert len(windows) > 3
    assert windows[0].owned_start == 0 and windows[-1].owned_end == 2000.0
    for left, right in itertools.pairwise(windows):
        assert left.owned_end == right.owned_start  # owned ranges tile exactly
        assert right.start < left.end  # the windows overlap
    shown = sum(len(w.segments) for w in windows)
    assert len(items) < shown < 1.15 * len(items)
    assert transcript_tokens(items) > 0


def test_one_window_for_a_short_transcript():
    windows = make_windows(segments(10), 60.0)
    assert len(windows) == 1 and (windows[0].start, windows[0].end) == (0.0, 60.0)


def answer(*chapters) -> str:
    return json.dumps({"chapters": list(chapters)})


def chapter(title, start, end, confidence=0.9):
    return {
        "title": title,
        "description": "",
        "start_time": start,
        "end_time": end,
        "confidence": confidence,
    }


WINDOW = make_windows(segments(20), 100.0)[0]


def test_answer_with_clock_strings_and_missing_ends_is_repaired():
    content = answer(
        {"title": "A", "start_time": "0:00", "end_time": None, "confidence": None},
        chapter("B", "0:40", "1:10"),
    )
    parsed = parse_answer(content, WINDOW, duration=100.0, canary="cnry-x")
    assert [(d.title, d.start_time) for d in parsed.drafts] == [("A", 0.0), ("B", 40.0)]
    assert parsed.drafts[0].confidence_score == 0.5
    assert any("read as 0:40" in r for r in parsed.repairs)
    merged = merge_windows([(WINDOW, parsed.drafts)], 100.0, parsed.repairs)
    assert [(d.start_time, d.end_time) for d in merged] == [(0.0, 40.0), (40.0, 70.0)]


@pytest.mark.parametrize(
    "content",
    [
        "",
        "null",
        '{"chapters": "none"}',
        "[1, 2]",
        answer({"title": "", "start_time": 1, "end_time": 2}),
    ],
)
def test_unusable_answers(content):
    with pytest.raises(UnusableAnswerError):
        parse_answer(content, WINDOW, duration=100.0, canary="cnry-x")


def test_untitled_and_canary_chapters_are_dropped():
    content = answer(
        chapter("  ", 0, 10), chapter("My rules: cnry-abc", 10, 20), chapter("Real", 20, 30)
    )
    parsed = parse_answer(content, WINDOW, duration=100.0, canary="cnry-abc")
    assert [d.title for d in parsed.drafts] == ["Real"]


def test_merge_keeps_each_start_from_the_window_that_owns_it():
    windows = make_windows(segments(400), 2000.0, window_tokens=800)
    first, second = windows[0], windows[1]
    boundary = first.owned_end
    parts = [
        (
            first,
            [
                ChapterDraft("Intro", 0, boundary + 30, "", 0.9),
                ChapterDraft("Late in first", boundary + 10, boundary + 60, "", 0.8),
            ],
        ),
        (
            second,
            [
                ChapterDraft("Early in second", second.start, boundary - 5, "", 0.9),
                ChapterDraft("Second topic", boundary + 12, second.end, "", 0.95),
            ],
        ),
    ]
    repairs: list[str] = []
    merged = merge_windows(parts, 2000.0, repairs)
    titles = [d.title for d in merged]
    assert "Late in first" not in titles and "Early in second" not in titles
    assert titles == ["Intro", "Second topic"]
    assert merged[0].end_time == merged[1].start_time


def test_offline_finds_the_true_boundaries():
    labelled = make_transcript(3, topics=5)
    drafts = detect_chapters(labelled.segments, labelled.duration)
    found = [d.start_time for d in drafts[1:]]
    assert len(found) == len(labelled.boundaries)
    assert all(abs(f - t) <= 8 for f, t in zip(found, labelled.boundaries, strict=False))
    assert all(0.2 <= d.confidence_score <= 0.6 for d in drafts)
    assert all(d.title and d.title != "Part 1" for d in drafts)
    assert drafts[0].start_time == 0 and drafts[-1].end_time == labelled.duration


def test_offline_titles_come_from_the_topic_vocabulary():
    from tests.ai.synthetic import TOPICS

    labelled = make_transcript(11, topics=4)
    drafts = detect_chapters(labelled.segments, labelled.duration)
    for draft, topic in zip(drafts, labelled.topics, strict=False):
        words = {w.lower() for part in draft.title.split(", ") for w in part.split()}
        vocabulary = {w[:5] for w in TOPICS[topic]}
        assert any(w[:5] in vocabulary for w in words), (draft.title, topic)


def test_youtube_rules_are_enforced_and_reported():
    repairs: list[str] = []
    drafts = [ChapterDraft("A", 30, 35, "", 0.9), ChapterDraft("B", 35, 200, "", 0.9)]
    ready = make_youtube_ready(drafts, 300.0, repairs)
    assert ready[0].start_time == 0 and len(ready) >= 3
    assert all(d.end_time - d.start_time >= 10 for d in ready)
    assert ready[-1].end_time == 300.0
    assert len(repairs) >= 3
    with pytest.raises(UnusableAnswerError, match="at least 30 s"):
        make_youtube_ready(drafts, 20.0, [])


def test_youtube_minimum_counts_the_manual_chapters_that_stay():
    drafts = [ChapterDraft("Talk", 0, 150, "", 0.9), ChapterDraft("Games", 150, 300, "", 0.9)]
    alone = make_youtube_ready(drafts, 300.0, [])
    beside_manual = make_youtube_ready(drafts, 300.0, [], manual_count=1)
    assert len(alone) == 3
    assert [d.title for d in beside_manual] == ["Talk", "Games"]


def test_retry_after_forms():
    assert retry_after_seconds({"retry-after": "7"}) == 7
    assert retry_after_seconds({"retry-after-ms": "1500"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0
    assert retry_after_seconds({}) is None
