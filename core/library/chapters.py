"""Chapters of a VOD in the local cache, validated by the domain's ``ChapterTimeline``.

Every change goes one way, through ``ChapterService.change``: load the VOD's chapters into a
timeline, apply the change there (where every rule is checked), then write only the rows that
changed, with their outbox entries, in one transaction, and return the ``ChangeSet``. The named
operations (add, update, delete, replace_ai, replace_all, apply) are small actions on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from core.domain.changes import ChangeSet
from core.domain.chapters import (
    AiReplacement,
    Chapter,
    ChapterDraft,
    ChapterFilter,
    ChapterSource,
    ChapterTimeline,
    chapter_numbered,
)
from core.domain.errors import NotFoundError, ValidationError
from core.domain.status import check_editable
from core.store.db import Database
from core.store.models import Vod, new_id

from .stored import StoredChapters
from .vods import find_vod

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class VodChapters:
    vod_id: str
    duration: float
    chapters: list[Chapter]
    # Stored pairs that overlap (see ChapterTimeline.from_stored); empty in a sound VOD.
    overlaps: list[tuple[Chapter, Chapter]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Changed(Generic[T]):
    """What a chapter operation returned (``value``), the change set it stored, and all of
    the VOD's chapters after it (already in memory: reading them again costs nothing)."""

    value: T
    changes: ChangeSet
    chapters: list[Chapter]


class ChapterService:
    def __init__(self, database: Database) -> None:
        self._database = database

    # --- reading -------------------------------------------------------------------------
    def list(self, vod_ref: str, chapter_filter: ChapterFilter | None = None) -> VodChapters:
        with self._database.read_session() as session:
            vod = find_vod(session, vod_ref)
            timeline = _load_timeline(session, vod)
            chapters = timeline.filtered(chapter_filter) if chapter_filter else timeline.chapters
            return VodChapters(vod.id, vod.duration, chapters, timeline.overlaps)

    def timeline(self, vod_ref: str) -> ChapterTimeline:
        with self._database.read_session() as session:
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
    def change(self, vod_ref: str, action: Callable[[ChapterTimeline], T]) -> Changed[T]:
        """The one road for every chapter change: ``action`` changes the VOD's timeline (its
        rules refuse a bad change, and then nothing is stored); what changed is stored with its
        outbox entries in one transaction and returned as a change set.

        A new kind of chapter change is a function of the timeline passed here (see
        ``docs/architecture-chapter-changes.md``).
        """
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            check_editable(vod.status)  # deleted is final
            stored = StoredChapters(session, vod)
            value = action(stored.timeline)
            return Changed(value, stored.save(), stored.timeline.chapters)

    def apply(self, changes: ChangeSet) -> ChangeSet:
        """Apply a change set again: undo applies ``changes.inverse()``, redo ``changes``.

        Refused (``ChangeConflictError``) when a chapter it touches is no longer as the change
        set expects it before, so an undo never overwrites work done since.
        """
        return self.change(changes.vod_id, changes.apply_to).changes

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
    ) -> ChangeSet:
        """Add one chapter; the change set's ``added[0]`` is it, as stored."""
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
        return self.change(vod_ref, lambda t: t.add(chapter)).changes

    def update(self, vod_ref: str, chapter_ref: str, **changes: object) -> ChangeSet:
        """Change fields of one chapter; an empty change set when they already had those values."""
        if not changes:
            raise ValidationError("nothing to update: give a new title, description, start or end")
        return self.change(
            vod_ref, lambda t: t.update(_resolve_chapter(t, chapter_ref), **changes)
        ).changes

    def delete(self, vod_ref: str, chapter_ref: str) -> ChangeSet:
        return self.change(vod_ref, lambda t: t.remove(_resolve_chapter(t, chapter_ref))).changes

    def replace_ai(self, vod_ref: str, drafts: Iterable[ChapterDraft]) -> Changed[AiReplacement]:
        """Replace the VOD's AI chapters with ``drafts``; manual chapters are kept as they are."""
        draft_list = list(drafts)
        return self.change(vod_ref, lambda t: t.replace_ai(draft_list, new_id))

    def replace_all(self, vod_ref: str, chapters: Iterable[Chapter]) -> ChangeSet:
        """Make the VOD's chapters exactly ``chapters``.

        Validated as a whole: an overlap or a bad range anywhere refuses all of it.
        """
        wanted = list(chapters)
        return self.change(vod_ref, lambda t: replace_every_chapter(t, wanted)).changes

    # --- internals -----------------------------------------------------------------------
    def _read(self, vod_ref: str, action: Callable[[ChapterTimeline], T]) -> T:
        with self._database.read_session() as session:
            return action(_load_timeline(session, find_vod(session, vod_ref)))


def replace_every_chapter(timeline: ChapterTimeline, chapters: Iterable[Chapter]) -> None:
    """Make ``timeline`` hold exactly ``chapters``, all checked before anything changes."""
    candidate = ChapterTimeline(timeline.duration)
    for chapter in sorted(chapters, key=lambda c: c.start_time):
        candidate.add(chapter)
    # From the end, so no removal renumbers the chapters after it.
    for existing in reversed(timeline.chapters):
        timeline.remove(existing.id)
    for chapter in candidate.chapters:
        timeline.add(chapter)


def _load_timeline(session: Session, vod: Vod) -> ChapterTimeline:
    return StoredChapters(session, vod).timeline


def _resolve_chapter(timeline: ChapterTimeline, chapter_ref: str) -> str:
    """A chapter id from its full id, its number as ``chapters list`` shows it (from 1, in
    time order, as clips take it) or a unique prefix of at least 4 characters."""
    ref = (chapter_ref or "").strip()
    if not ref:
        raise ValidationError("no chapter id given")
    try:
        return timeline.get(ref).id
    except NotFoundError:
        pass
    numbered = chapter_numbered(timeline.chapters, ref)
    if numbered is not None:
        return numbered.id
    if len(ref) >= 4:
        matches = [c.id for c in timeline if c.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(f"chapter id prefix {ref!r} is ambiguous: give more characters")
    raise NotFoundError(f"chapter {ref} not found in this VOD")
