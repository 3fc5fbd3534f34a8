"""Export → import gives the same chapters, for every format, to the format's precision."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.chapters import Chapter, ChapterSource
from core.formats import (
    EXPORT_FORMATS,
    detect_format,
    export_chapters,
    parse_chapters,
    resolve_entries,
)

DURATION = 5400.0  # 1.5 h, so clock times past an hour are exercised


def sample_chapters():
    return [
        Chapter("a", "Intro & welcome <3", 0.0, 75.0, order=0),
        Chapter("b", 'Ranked: "the grind" = 100%; #1 \\ slash, comma', 75.0, 3600.0, order=1),
        Chapter("c", "Über-late chat ✨", 3600.0, DURATION, order=2),
    ]


def roundtrip(fmt, chapters):
    text = export_chapters(fmt, chapters, video_id="vod-1")
    detected = detect_format(text, f"chapters{'.txt' if fmt == 'youtube' else ''}")
    assert detected == fmt
    return resolve_entries(parse_chapters(detected, text), DURATION)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_format_round_trips_titles_and_times(fmt):
    original = sample_chapters()
    imported = roundtrip(fmt, original)
    assert [(c.title, c.start_time, c.end_time) for c in imported] == [
        (c.title, c.start_time, c.end_time) for c in original
    ]


@pytest.mark.parametrize("fmt", ["webvtt", "ffmetadata", "csv", "json"])
def test_millisecond_formats_keep_gaps_and_fractions(fmt):
    original = [
        Chapter("a", "One", 1.25, 10.5),
        Chapter("b", "Two", 12.001, 99.999),
        Chapter("c", "Three", 99.999, 4000.125),
    ]
    imported = roundtrip(fmt, original)
    assert [(c.start_time, c.end_time) for c in imported] == [
        (1.25, 10.5),
        (12.001, 99.999),
        (99.999, 4000.125),
    ]


def test_json_keeps_everything_the_platform_shape_carries():
    original = [
        Chapter("a", "Intro", 0, 60, description="Hello\nthere"),
        Chapter("b", "AI pick", 60, 120, source=ChapterSource.AI, confidence_score=0.87),
    ]
    imported = roundtrip("json", original)
    assert [(c.description, c.source, c.confidence_score) for c in imported] == [
        ("Hello\nthere", ChapterSource.MANUAL, None),
        ("", ChapterSource.AI, 0.87),
    ]


def test_youtube_keeps_whole_second_starts_and_fills_to_the_next_start():
    original = [
        Chapter("a", "A", 0, 60.9),
        Chapter("b", "B", 60.9, 200),
        Chapter("c", "C", 250, DURATION),
    ]
    imported = roundtrip("youtube", original)
    # Starts rounded down; a YouTube chapter lasts until the next timestamp, so the gap
    # 200–250 belongs to "B" as it would on YouTube.
    assert [(c.start_time, c.end_time) for c in imported] == [(0, 60), (60, 250), (250, DURATION)]


times = st.integers(min_value=0, max_value=int(DURATION * 1000))


@st.composite
def chapter_lists(draw):
    points = sorted(draw(st.sets(times, min_size=2, max_size=24)))
    title = st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
    ).filter(lambda t: t.strip())
    result = []
    for index in range(0, len(points) - 1, 2 if draw(st.booleans()) else 1):
        start, end = points[index], points[index + 1]
        name = " ".join(draw(title).split())
        result.append(Chapter(f"id{index}", name, start / 1000, end / 1000))
    return result


@settings(max_examples=60, deadline=None)
@given(chapter_lists(), st.sampled_from(["webvtt", "ffmetadata", "csv", "json"]))
def test_any_chapters_round_trip_exactly_to_the_millisecond(chapters, fmt):
    imported = roundtrip(fmt, chapters)
    assert [(c.title, round(c.start_time * 1000), round(c.end_time * 1000)) for c in imported] == [
        (c.title, round(c.start_time * 1000), round(c.end_time * 1000)) for c in chapters
    ]
