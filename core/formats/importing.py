"""Combining imported chapters with a VOD's existing ones (pure; no storage)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from core.domain.chapters import Chapter, ChapterTimeline
from core.domain.errors import OverlapError

from .entries import ImportedChapter


def plan_import(
    existing: Iterable[Chapter],
    imported: Iterable[ImportedChapter],
    duration: float,
    *,
    replace: bool,
    id_factory: Callable[[], str],
) -> tuple[list[Chapter], list[Chapter]]:
    """``(all chapters after the import, the new chapters)``.

    With ``replace`` the imported chapters replace the existing ones. Otherwise they are added
    to them, and an imported chapter that overlaps an existing one refuses the whole import
    with a message naming both.
    """
    kept = [] if replace else list(existing)
    timeline = ChapterTimeline(duration, kept)
    added: list[Chapter] = []
    for item in imported:
        collision = timeline.find_overlap(item.start_time, item.end_time)
        if collision is not None:
            raise OverlapError(
                f"line {item.line}: imported chapter {item.describe()} overlaps existing chapter "
                f"{collision.describe()}; replace the existing chapters "
                "(--replace) or remove the overlap",
                conflicting_id=collision.id,
            )
        chapter = timeline.add(
            Chapter(
                id=id_factory(),
                title=item.title,
                start_time=item.start_time,
                end_time=item.end_time,
                source=item.source,
                description=item.description,
                confidence_score=item.confidence_score,
            )
        )
        added.append(chapter)
    ids = {c.id for c in added}
    return timeline.chapters, [c for c in timeline.chapters if c.id in ids]
