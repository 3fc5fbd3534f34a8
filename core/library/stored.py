"""One VOD's chapter rows in an open session: the one mapping between ``Chapter`` values and
``ChapterRow`` rows.

Load once, change ``timeline`` (where every rule is checked), then ``save()``: it writes only
the rows that changed, records their outbox entries for the sync, and returns the change set.
``ChapterService`` (every local edit) and the sync's pull (the platform's changes) both go
through it, so there is a single place where chapters become rows.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.changes import ChangeOrigin, ChangeSet, same_chapter
from core.domain.chapters import Chapter, ChapterTimeline
from core.domain.errors import NotFoundError
from core.store.models import ChapterRow, Vod
from core.store.outbox import record_change

from .shapes import chapter_from_row, chapter_json


class StoredChapters:
    def __init__(self, session: Session, vod: Vod) -> None:
        self._session, self.vod = session, vod
        self._rows = {
            row.id: row
            for row in session.scalars(select(ChapterRow).where(ChapterRow.vod_id == vod.id))
        }
        # As stored, even with an overlap written from outside the rules: readable, repairable.
        self.timeline = ChapterTimeline.from_stored(
            vod.duration, (chapter_from_row(row) for row in self._rows.values())
        )
        self._saved = {chapter.id: chapter for chapter in self.timeline}

    def find(self, chapter_id: str) -> Chapter | None:
        try:
            return self.timeline.get(chapter_id)
        except NotFoundError:
            return None

    def row(self, chapter_id: str) -> ChapterRow | None:
        """The row of a saved chapter (for columns that are not part of a ``Chapter``)."""
        return self._rows.get(chapter_id)

    def save(self, origin: ChangeOrigin = ChangeOrigin.EDIT, *, outbox: bool = True) -> ChangeSet:
        """Write what changed in ``timeline`` since loading (or the last save) and return it.

        ``outbox=False`` for changes that came from the platform: they must not bounce back.
        """
        before, after = self._saved, {chapter.id: chapter for chapter in self.timeline}
        vod_id = self.vod.id
        for chapter_id, gone in before.items():
            if chapter_id in after:
                continue
            self._session.delete(self._rows.pop(chapter_id))
            if outbox:
                self._record(chapter_id, "delete", chapter_json(gone, vod_id))
        if before.keys() - after.keys():
            self._session.flush()  # deletes reach the database before the rows that replace them
        for chapter_id, new in after.items():
            old = before.get(chapter_id)
            if old == new:
                continue
            row = self._rows.get(chapter_id)
            if row is None:
                row = self._rows[chapter_id] = ChapterRow(id=chapter_id, vod_id=vod_id)
                self._session.add(row)
            _write(row, new)
            # An order-only difference is derived state: not worth a sync round trip.
            if outbox and not same_chapter(old, new):
                self._record(
                    chapter_id, "create" if old is None else "update", chapter_json(new, vod_id)
                )
        self._saved = after
        return ChangeSet.between(vod_id, before.values(), after.values(), origin)

    def _record(self, chapter_id: str, operation: str, payload: dict) -> None:
        record_change(
            self._session,
            vod_id=self.vod.id,
            entity="chapter",
            entity_id=chapter_id,
            operation=operation,
            payload=payload,
        )


def _write(row: ChapterRow, chapter: Chapter) -> None:
    row.title = chapter.title
    row.description = chapter.description
    row.start_time = chapter.start_time
    row.end_time = chapter.end_time
    row.order = chapter.order
    row.source = chapter.source.value
    row.confidence_score = chapter.confidence_score
    row.thumbnail_url = chapter.thumbnail_url
