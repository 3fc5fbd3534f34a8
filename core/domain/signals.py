"""What the signals analysis finds in a recording, as plain values.

A recording's signals are stretches (silence, black picture, a static screen) and moments
(scene cuts). They are facts about the file, not chapters: ``boundary_hints`` turns them
into the places where a chapter would likely begin or end, each with a strength in 0..1,
for the timeline's suggestions and the offline chapter segmenter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class SignalKind(StrEnum):
    SILENCE = "silence"
    BLACK = "black"
    STATIC = "static"
    SCENE = "scene"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    SignalKind.SILENCE: "silence",
    SignalKind.BLACK: "black screen",
    SignalKind.STATIC: "static screen",
    SignalKind.SCENE: "scene cut",
}


class AnalysisState(StrEnum):
    """Where a VOD's signals analysis stands (the job's status, plus the two states that
    only a reader can see: nothing was ever analysed, or the file changed since)."""

    MISSING = "missing"
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # its worker died; analysing again starts over
    STALE = "stale"  # the file's size or mtime changed since it was analysed


@dataclass(frozen=True, slots=True)
class SignalEvent:
    """A stretch ``[start, end]`` (silence, black, static) or a moment ``start == end``
    (scene cut). ``score`` is a scene cut's strength in 0..1 (scdet's score / 100)."""

    kind: SignalKind
    start: float
    end: float
    score: float | None = None

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "start": round(self.start, 3)}
        if self.kind == SignalKind.SCENE:
            data["score"] = None if self.score is None else round(self.score, 3)
        else:
            data["end"] = round(self.end, 3)
            data["duration"] = round(self.duration, 3)
        return data


@dataclass(frozen=True, slots=True)
class BoundaryHint:
    """A place where the recording likely changes segment, for chapter boundaries."""

    time: float
    strength: float
    kind: SignalKind


#: a stretch this long counts fully; shorter ones proportionally less
FULL_STRENGTH_STRETCH_SECONDS = 30.0


def stretch_strength(duration: float) -> float:
    return max(0.0, min(1.0, duration / FULL_STRENGTH_STRETCH_SECONDS))


def boundary_hints(events: Iterable[SignalEvent]) -> list[BoundaryHint]:
    """Boundary evidence, sorted by time.

    A static or black stretch marks both its edges (a "be right back" card starts and ends
    a segment); a silence marks where the talk resumes (its end); a scene cut marks itself
    with its score. Stretches grow in strength with their length up to
    ``FULL_STRENGTH_STRETCH_SECONDS``.
    """
    hints: list[BoundaryHint] = []
    for event in events:
        if event.kind == SignalKind.SCENE:
            hints.append(BoundaryHint(event.start, float(event.score or 0.0), event.kind))
            continue
        strength = stretch_strength(event.duration)
        if event.kind == SignalKind.SILENCE:
            hints.append(BoundaryHint(event.end, strength, event.kind))
        else:
            hints.append(BoundaryHint(event.start, strength, event.kind))
            hints.append(BoundaryHint(event.end, strength, event.kind))
    hints.sort(key=lambda hint: (hint.time, -hint.strength))
    return hints
