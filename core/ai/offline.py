"""Chapters with no network: where the talk changes subject (``segmenter``), each chapter
titled with a noun phrase of its own words (``titles``). Confidence stays below the LLM
path's: it grows with how clearly the words change at the boundary."""

from __future__ import annotations

from collections.abc import Sequence

from core.domain.chapters import ChapterDraft

from .cue_sentences import split_at_sentence_starts
from .hints import BoundaryHint
from .segment import Segment
from .segmenter import find_boundaries
from .titles import chapter_titles

MAX_OFFLINE_CONFIDENCE = 0.6
MIN_OFFLINE_CONFIDENCE = 0.2
FIRST_CHAPTER_STRENGTH = 0.7


def detect_chapters(
    segments: Sequence[Segment],
    duration: float,
    *,
    hints: Sequence[BoundaryHint] = (),
    min_chapter_seconds: float | None = None,
) -> list[ChapterDraft]:
    """Chapters covering ``[0, duration]``; ``hints`` are the VOD's own evidence of changes
    (silences, static screens, scene cuts), weighed with the words."""
    if not segments:
        return []
    segments = split_at_sentence_starts(segments)
    boundaries = find_boundaries(
        segments, duration, hints=hints, min_chapter_seconds=min_chapter_seconds
    )
    starts = [0.0] + [segments[b.segment].start for b in boundaries]
    ends = [*starts[1:], duration]
    firsts = [0] + [b.segment for b in boundaries]
    lasts = [*firsts[1:], len(segments)]
    texts = [" ".join(s.text for s in segments[a:b]) for a, b in zip(firsts, lasts, strict=False)]
    titles = chapter_titles(texts)
    top_gain = max((b.gain for b in boundaries), default=0.0) or 1.0
    strengths = [FIRST_CHAPTER_STRENGTH] + [max(0.0, b.gain) / top_gain for b in boundaries]
    span = MAX_OFFLINE_CONFIDENCE - MIN_OFFLINE_CONFIDENCE
    return [
        ChapterDraft(title, start, end, "", round(MIN_OFFLINE_CONFIDENCE + span * strength, 2))
        for title, start, end, strength in zip(titles, starts, ends, strengths, strict=False)
    ]
