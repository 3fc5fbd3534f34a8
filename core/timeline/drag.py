"""One mouse drag on the timeline: drawing, moving or resizing a chapter.

Each ``update`` returns the range the chapter would have, already clamped against its
neighbours and ``[0, duration]`` through ``ChapterTimeline.free_range_around``: the preview
the user sees is always a range the core would accept, so an overlap can never be drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.domain.chapters import Chapter, ChapterTimeline

from .snapping import Snapper

#: the shortest chapter a drag can make
MIN_CHAPTER_SECONDS = 0.1


class DragKind(StrEnum):
    CREATE = "create"
    MOVE = "move"
    RESIZE_START = "resize_start"
    RESIZE_END = "resize_end"


@dataclass
class DragSession:
    kind: DragKind
    timeline: ChapterTimeline
    anchor: float
    chapter: Chapter | None = None
    snapper: Snapper = field(default_factory=lambda: Snapper(enabled=False))
    start: float = 0.0
    end: float = 0.0
    snapped_to: float | None = None
    lo: float = 0.0
    hi: float = 0.0

    def __post_init__(self) -> None:
        ignore = self.chapter.id if self.chapter else None
        if self.kind == DragKind.CREATE:
            self.lo, self.hi = self.timeline.free_range_around(self.anchor)
            self.anchor = min(self.hi, max(self.lo, self.anchor))
            self.start = self.end = self.anchor
        else:
            if self.chapter is None:
                raise ValueError(f"a {self.kind} drag needs the chapter being dragged")
            self.lo, self.hi = self.timeline.free_range_around(
                self.chapter.start_time, ignore_id=ignore
            )
            self.start, self.end = self.chapter.start_time, self.chapter.end_time

    @classmethod
    def begin(
        cls,
        kind: DragKind,
        timeline: ChapterTimeline,
        anchor: float,
        chapter: Chapter | None = None,
        snapper: Snapper | None = None,
    ) -> DragSession:
        if snapper is None:
            snapper = Snapper(enabled=False)
        if chapter is not None:
            snapper.exclude = (chapter.start_time, chapter.end_time)
        return cls(kind, timeline, anchor, chapter, snapper)

    @property
    def free_range(self) -> tuple[float, float]:
        return self.lo, self.hi

    def update(self, seconds: float, tolerance: float = 0.0) -> tuple[float, float]:
        self.snapped_to = None
        if self.kind == DragKind.CREATE:
            target = self._snap(seconds, tolerance)
            target = min(self.hi, max(self.lo, target))
            self.start, self.end = min(self.anchor, target), max(self.anchor, target)
        elif self.kind == DragKind.MOVE:
            self._move(seconds, tolerance)
        elif self.kind == DragKind.RESIZE_START:
            assert self.chapter is not None
            # The edge keeps its distance to the pointer, so grabbing it never makes it jump.
            target = self._snap(seconds + self.chapter.start_time - self.anchor, tolerance)
            self.start = min(self.end - MIN_CHAPTER_SECONDS, max(self.lo, target))
        else:
            assert self.chapter is not None
            target = self._snap(seconds + self.chapter.end_time - self.anchor, tolerance)
            self.end = max(self.start + MIN_CHAPTER_SECONDS, min(self.hi, target))
        return self.start, self.end

    def _move(self, seconds: float, tolerance: float) -> None:
        assert self.chapter is not None
        length = self.chapter.end_time - self.chapter.start_time
        start = self.chapter.start_time + (seconds - self.anchor)
        snapped_start, hit_start = self.snapper.snap(start, tolerance)
        snapped_end, hit_end = self.snapper.snap(start + length, tolerance)
        if hit_start and (
            not hit_end or abs(snapped_start - start) <= abs(snapped_end - (start + length))
        ):
            start = snapped_start
            self.snapped_to = snapped_start
        elif hit_end:
            start = snapped_end - length
            self.snapped_to = snapped_end
        start = min(self.hi - length, max(self.lo, start))
        self.start, self.end = start, start + length

    def _snap(self, seconds: float, tolerance: float) -> float:
        snapped, hit = self.snapper.snap(seconds, tolerance)
        if hit:
            self.snapped_to = snapped
        return snapped

    @property
    def changed(self) -> bool:
        if self.chapter is None:
            return self.end - self.start >= MIN_CHAPTER_SECONDS
        return (
            abs(self.start - self.chapter.start_time) > 1e-9
            or abs(self.end - self.chapter.end_time) > 1e-9
        )
