"""Fast queries over a VOD's chapters for painting and hit-testing.

Chapters never overlap, so sorted by start they are also sorted by end, and the edges
``s0 ≤ e0 ≤ s1 ≤ e1 …`` form one sorted list. Every query is a ``bisect``: painting a view of
a 12-hour VOD with thousands of chapters touches only the chapters on screen.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import StrEnum

from core.domain.chapters import Chapter, ChapterSource, ChapterTimeline
from core.domain.errors import ValidationError

from .drag import MIN_CHAPTER_SECONDS
from .viewport import Viewport

EDGE_GRAB_PX = 6.0


class HitKind(StrEnum):
    EMPTY = "empty"
    BODY = "body"
    START_EDGE = "start_edge"
    END_EDGE = "end_edge"


@dataclass(frozen=True, slots=True)
class Hit:
    kind: HitKind
    seconds: float
    chapter: Chapter | None = None


class ChapterIndex:
    def __init__(self, timeline: ChapterTimeline) -> None:
        self.timeline = timeline
        self.chapters: list[Chapter] = timeline.chapters
        self.starts = [c.start_time for c in self.chapters]
        self.ends = [c.end_time for c in self.chapters]
        self.edges = [t for c in self.chapters for t in (c.start_time, c.end_time)]
        self.is_ai = [c.source == ChapterSource.AI for c in self.chapters]
        self._positions = {c.id: i for i, c in enumerate(self.chapters)}

    @property
    def duration(self) -> float:
        return self.timeline.duration

    def __len__(self) -> int:
        return len(self.chapters)

    def get(self, chapter_id: str) -> Chapter | None:
        position = self._positions.get(chapter_id)
        return None if position is None else self.chapters[position]

    def position(self, chapter_id: str) -> int | None:
        return self._positions.get(chapter_id)

    def visible(self, start: float, end: float) -> list[Chapter]:
        """Chapters intersecting ``(start, end)``, in order."""
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end)
        return self.chapters[first:last]

    def visible_slice(self, start: float, end: float) -> tuple[int, int]:
        return bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end)

    def at(self, seconds: float) -> Chapter | None:
        position = bisect.bisect_right(self.starts, seconds) - 1
        if position >= 0 and seconds < self.chapters[position].end_time:
            return self.chapters[position]
        return None

    def next_after(self, seconds: float) -> Chapter | None:
        """The first chapter starting strictly after ``seconds`` (Alt+→)."""
        position = bisect.bisect_right(self.starts, seconds + 1e-6)
        return self.chapters[position] if position < len(self.chapters) else None

    def room_at(self, seconds: float) -> tuple[float, float]:
        """Where a chapter added at ``seconds`` goes (M in the editor): from there to the next
        chapter's start, or to the end of the video. ``ValidationError`` when ``seconds`` is
        inside a chapter or the room is shorter than ``MIN_CHAPTER_SECONDS``."""
        inside = self.at(seconds)
        if inside is not None:
            raise ValidationError(
                f'The playhead is inside "{inside.title}": move it to a free spot',
                field="start_time",
            )
        following = self.next_after(seconds)
        end = following.start_time if following else self.duration
        if end - seconds < MIN_CHAPTER_SECONDS:
            raise ValidationError("No room for a chapter at the playhead", field="start_time")
        return seconds, end

    def previous_before(self, seconds: float, grace: float = 0.5) -> Chapter | None:
        """The chapter to jump back to (Alt+←): the one starting before ``seconds - grace``,
        so pressing it at a chapter's start goes to the one before, like a media player."""
        position = bisect.bisect_left(self.starts, seconds - grace) - 1
        return self.chapters[position] if position >= 0 else None

    def hit_test(self, viewport: Viewport, x: float, edge_px: float = EDGE_GRAB_PX) -> Hit:
        """What is under pixel ``x``: a chapter's edge (to resize), its body, or empty space.

        Edge zones shrink on narrow chapters so their body stays grabbable; where two chapters
        touch, the edge of the one the cursor is inside wins.
        """
        seconds = viewport.x_to_time(x)
        position = bisect.bisect_right(self.starts, seconds) - 1
        inside = self.at(seconds)
        best: tuple[float, HitKind, Chapter] | None = None
        for index in (position - 1, position, position + 1):
            if not 0 <= index < len(self.chapters):
                continue
            chapter = self.chapters[index]
            width = (chapter.end_time - chapter.start_time) * viewport.pixels_per_second
            zone = min(edge_px, width / 3.0)
            for kind, edge in (
                (HitKind.START_EDGE, chapter.start_time),
                (HitKind.END_EDGE, chapter.end_time),
            ):
                distance = abs(viewport.time_to_x(edge) - x)
                if distance > zone:
                    continue
                rank = distance - (0.5 if chapter is inside else 0.0)
                if best is None or rank < best[0]:
                    best = (rank, kind, chapter)
        if best is not None:
            return Hit(best[1], seconds, best[2])
        if inside is not None:
            return Hit(HitKind.BODY, seconds, inside)
        return Hit(HitKind.EMPTY, seconds, None)
