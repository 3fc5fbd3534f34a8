"""Chapters proposed from a recording's signals alone.

Streams change segment where the picture holds still (a "starting soon" or "be right back"
card), where the talk stops for a while, and where the scene switches hard. Those become
boundaries, each with a strength; boundaries too close together keep the strongest, and
no chapter is shorter than ``MIN_CHAPTER_SECONDS``. A long static stretch is a chapter of
its own, named after where it sits. Each chapter's confidence is the strength of the
boundary it starts at (the first chapter's: the boundary it ends at).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from .chapters import ChapterDraft
from .signals import SignalEvent, SignalKind, stretch_strength

LONG_STATIC_SECONDS = 20.0
LONG_SILENCE_SECONDS = 8.0
STRONG_SCENE_SCORE = 0.2
MIN_CHAPTER_SECONDS = 10.0  # YouTube's shortest chapter
#: a static stretch starting this early is the stream's "starting soon" screen
OPENING_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class _Boundary:
    time: float
    strength: float
    pinned: bool = False  # the edge of a static chapter: kept over weaker neighbours


def suggest_chapters(events: Iterable[SignalEvent], duration: float) -> list[ChapterDraft]:
    """Chapters covering ``[0, duration]`` from the signals' strong evidence, or ``[]``
    when there is none."""
    events = list(events)
    statics = [
        e
        for e in events
        if e.kind in (SignalKind.STATIC, SignalKind.BLACK) and e.duration >= LONG_STATIC_SECONDS
    ]
    boundaries: list[_Boundary] = []
    for event in statics:
        strength = stretch_strength(event.duration)
        boundaries += [
            _Boundary(event.start, strength, True),
            _Boundary(event.end, strength, True),
        ]
    for event in events:
        if event.kind == SignalKind.SILENCE and event.duration >= LONG_SILENCE_SECONDS:
            boundaries.append(_Boundary(event.end, stretch_strength(event.duration)))
        elif event.kind == SignalKind.SCENE and (event.score or 0.0) >= STRONG_SCENE_SCORE:
            boundaries.append(_Boundary(event.start, min(1.0, event.score or 0.0)))
    kept = _thin(boundaries, duration)
    if not kept:
        return []
    edges = [_Boundary(0.0, 1.0, True), *kept, _Boundary(duration, 1.0, True)]
    drafts = []
    segment = 0
    for left, right in pairwise(edges):
        still = next(
            (e for e in statics if abs(e.start - left.time) < 1 and abs(e.end - right.time) < 1),
            None,
        )
        if still is not None:
            title = _static_title(still, duration)
        else:
            segment += 1
            title = f"Segment {segment}"
        confidence = left.strength if left.time > 0 else right.strength
        drafts.append(
            ChapterDraft(
                title=title,
                start_time=left.time,
                end_time=right.time,
                description=_describe(still),
                confidence_score=round(confidence, 3),
            )
        )
    return drafts


def _thin(boundaries: list[_Boundary], duration: float) -> list[_Boundary]:
    """Strongest first: a boundary is kept when it leaves at least MIN_CHAPTER_SECONDS to
    every boundary already kept and to both ends of the video."""
    kept: list[_Boundary] = []
    ranked = sorted(boundaries, key=lambda b: (not b.pinned, -b.strength, b.time))
    for boundary in ranked:
        if not MIN_CHAPTER_SECONDS <= boundary.time <= duration - MIN_CHAPTER_SECONDS:
            continue
        if all(abs(boundary.time - other.time) >= MIN_CHAPTER_SECONDS for other in kept):
            kept.append(boundary)
    return sorted(kept, key=lambda b: b.time)


def _static_title(event: SignalEvent, duration: float) -> str:
    if event.kind == SignalKind.BLACK:
        return "Black screen"
    if event.start <= OPENING_SECONDS:
        return "Starting soon"
    if event.end >= duration - MIN_CHAPTER_SECONDS:
        return "Ending"
    return "Be right back"


def _describe(still: SignalEvent | None) -> str:
    if still is None:
        return "Proposed from the recording's signals"
    return f"A {still.kind.label} for {still.duration:.0f} s"
