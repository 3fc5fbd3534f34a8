"""Chapters of a VOD in the local cache, validated by the domain's ``ChapterTimeline``.

Each call loads the VOD's chapters into a timeline, applies the change there (where every
rule is checked), then writes only the rows that changed, with their outbox entries, in one
transaction.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.chapters import (
    AiReplacement,
    Chapter,
    ChapterDraft,
    ChapterFilter,
    ChapterSource,
    ChapterTimeline,
)
from core.domain.errors import NotFoundError, ValidationError
from core.store.db import Database
from core.store.models import ChapterRow, Vod, new_id
from core.store.outbox import record_change

from .shapes import chapter_from_row, chapter_json
from .vods import find_vod

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class VodChapters:
    vod_id: str
    duration: float
    chapters: list[Chapter]


class ChapterService:
    def __init__(self, database: Database) -> None:
        self._database = database

    # --- reading -------------------------------------------------------------------------
    def list(self, vod_ref: str, chapter_filter: ChapterFilter | None = None) -> VodChapters:
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            timeline = _load_timeline(session, vod)
            chapters = timeline.filtered(chapter_filter) if chapter_filter else timeline.chapters
            return VodChapters(vod.id, vod.duration, chapters)

    def timeline(self, vod_ref: str) -> ChapterTimeline:
        with self._database.session() as session:
            return _load_timeline(session, find_vod(session, vod_ref))

    def get(self, vod_ref: str, chapter_ref: str) -> Chapter:
        return self._read(vod_ref, lambda t: t.get(_resolve_chapter(t, chapter_ref)))

    def at_time(self, vod_ref: str, seconds: float) -> Chapter:
        return self._read(vod_ref, lambda t: t.at_time(seconds))

    def next(self, vod_ref: str, chapter_ref: str) -> Chapter:
        return self._read(vod_ref, lambda t: t.next(_resolve_chapter(t, chapter_ref)))

    def previous(self, vod_ref: str, chapter_ref: str) -> Chapter:
        return self._read(vod_ref, lambda t: t.previous(_resolve_chapter(t, chapter_ref)))

    # --- changing ------------------------------------------------------------------------
    def add(
        self,
        vod_ref: str,
        *,
        title: str,
        start_time: float,
        end_time: float,
        description: str = "",
        thumbnail_url: str | None = None,
        source: ChapterSource = ChapterSource.MANUAL,
        confidence_score: float | None = None,
        chapter_id: str | None = None,
    ) -> Chapter:
        chapter = Chapter(
            id=chapter_id or new_id(),
            title=title,
            start_time=start_time,
            end_time=end_time,
            source=source,
            description=description,
            confidence_score=confidence_score,
            thumbnail_url=thumbnail_url,
        )
        return self._edit(vod_ref, lambda t: t.add(chapter))

    def update(self, vod_ref: str, chapter_ref: str, **changes: object) -> Chapter:
        if not changes:
            raise ValidationError("nothing to update: give a new title, description, start or end")
        return self._edit(vod_ref, lambda t: t.update(_resolve_chapter(t, chapter_ref), **changes))

    def delete(self, vod_ref: str, chapter_ref: str) -> Chapter:
        return self._edit(vod_ref, lambda t: t.remove(_resolve_chapter(t, chapter_ref)))

    def replace_ai(self, vod_ref: str, drafts: Iterable[ChapterDraft]) -> AiReplacement:
        """Replace the VOD's AI chapters with ``drafts``; manual chapters are kept as they are."""
        draft_list = list(drafts)
        return self._edit(vod_ref, lambda t: t.replace_ai(draft_list, new_id))

    def replace_all(self, vod_ref: str, chapters: Iterable[Chapter]) -> builtins.list[Chapter]:
        """Make the VOD's chapters exactly ``chapters`` (undo of a bulk change, imports).

        Validated as a whole: an overlap or a bad range anywhere refuses all of it.
        """
        wanted = list(chapters)

        def apply(timeline: ChapterTimeline) -> list[Chapter]:
            candidate = ChapterTimeline(timeline.duration)
            for chapter in sorted(wanted, key=lambda c: c.start_time):
                candidate.add(chapter)
            for existing in timeline.chapters:
                timeline.remove(existing.id)
            for chapter in candidate.chapters:
                timeline.add(chapter)
            return timeline.chapters

        return self._edit(vod_ref, apply)

    # --- internals -----------------------------------------------------------------------
    def _read(self, vod_ref: str, action: Callable[[ChapterTimeline], T]) -> T:
        with self._database.session() as session:
            return action(_load_timeline(session, find_vod(session, vod_ref)))

    def _edit(self, vod_ref: str, action: Callable[[ChapterTimeline], T]) -> T:
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            rows = {
                row.id: row
                for row in session.scalars(select(ChapterRow).where(ChapterRow.vod_id == vod.id))
            }
            timeline = ChapterTimeline(vod.duration, (chapter_from_row(r) for r in rows.values()))
            before = {c.id: c for c in timeline}
            result = action(timeline)
            _persist(session, vod, rows, before, {c.id: c for c in timeline})
            return result


def _load_timeline(session: Session, vod: Vod) -> ChapterTimeline:
    rows = session.scalars(select(ChapterRow).where(ChapterRow.vod_id == vod.id))
    return ChapterTimeline(vod.duration, (chapter_from_row(r) for r in rows))


def _resolve_chapter(timeline: ChapterTimeline, chapter_ref: str) -> str:
    """A chapter id from its full id or a unique prefix of at least 4 characters."""
    ref = (chapter_ref or "").strip()
    if not ref:
        raise ValidationError("no chapter id given")
    try:
        return timeline.get(ref).id
    except NotFoundError:
        pass
    if len(ref) >= 4:
        matches = [c.id for c in timeline if c.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(f"chapter id prefix {ref!r} is ambiguous: give more characters")
    raise NotFoundError(f"chapter {ref} not found in this VOD")


def _persist(
    session: Session,
    vod: Vod,
    rows: dict[str, ChapterRow],
    before: dict[str, Chapter],
    after: dict[str, Chapter],
) -> None:
    old: Chapter | None
    for chapter_id, old in before.items():
        if chapter_id not in after:
            session.delete(rows[chapter_id])
            record_change(
                session,
                vod_id=vod.id,
                entity="chapter",
                entity_id=chapter_id,
                operation="delete",
                payload=chapter_json(old, vod.id),
            )
    if any(c not in after for c in before):
        session.flush()  # deletes reach the database before the rows that replace them
    for chapter_id, new in after.items():
        old = before.get(chapter_id)
        if old == new:
            continue
        row = rows.get(chapter_id)
        if row is None:
            row = ChapterRow(id=chapter_id, vod_id=vod.id)
            session.add(row)
        row.title = new.title
        row.description = new.description
        row.start_time = new.start_time
        row.end_time = new.end_time
        row.order = new.order
        row.source = new.source.value
        row.confidence_score = new.confidence_score
        row.thumbnail_url = new.thumbnail_url
        # Order-only renumbering is derived state; it is not worth a sync round-trip.
        if old is None or _content(old) != _content(new):
            record_change(
                session,
                vod_id=vod.id,
                entity="chapter",
                entity_id=chapter_id,
                operation="create" if old is None else "update",
                payload=chapter_json(new, vod.id),
            )


def _content(chapter: Chapter) -> tuple:
    return (
        chapter.title,
        chapter.description,
        chapter.start_time,
        chapter.end_time,
        chapter.source,
        chapter.confidence_score,
        chapter.thumbnail_url,
    )
