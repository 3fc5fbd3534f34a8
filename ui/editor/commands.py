"""Undoable chapter edits: every user edit is one command on the editor's QUndoStack.

A command is created *after* its first application succeeded through the chapter service
(so a refused edit never reaches the stack); ``redo`` skips that first call and re-applies
later ones. Each application is saved to SQLite at once by the service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtGui import QUndoCommand

from core.domain.chapters import Chapter
from core.library import ChapterService


class ServiceCommand(QUndoCommand):
    def __init__(
        self,
        text: str,
        do: Callable[[], object],
        undo: Callable[[], object],
        on_applied: Callable[[], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__(text)
        self._do, self._undo = do, undo
        self._on_applied, self._on_error = on_applied, on_error
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
        else:
            self._run(self._do)
        self._on_applied()

    def undo(self) -> None:
        self._run(self._undo)
        self._on_applied()

    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as error:  # something else changed the chapters meanwhile
            self._on_error(error)


def restore_fields(chapter: Chapter) -> dict:
    return {
        "title": chapter.title,
        "start_time": chapter.start_time,
        "end_time": chapter.end_time,
        "description": chapter.description,
        "source": chapter.source,
        "confidence_score": chapter.confidence_score,
        "thumbnail_url": chapter.thumbnail_url,
    }


class ChapterEdits:
    """Builds the do/undo pair of each kind of edit for one VOD."""

    def __init__(self, service: ChapterService, vod_id: str) -> None:
        self.service, self.vod_id = service, vod_id

    def add(self, **fields) -> tuple[Chapter, Callable, Callable]:
        chapter = self.service.add(self.vod_id, **fields)
        again = dict(restore_fields(chapter), chapter_id=chapter.id)
        return (
            chapter,
            lambda: self.service.add(self.vod_id, **again),
            lambda: self.service.delete(self.vod_id, chapter.id),
        )

    def update(self, chapter_id: str, **changes) -> tuple[Chapter, Callable, Callable]:
        before = self.service.get(self.vod_id, chapter_id)
        after = self.service.update(self.vod_id, chapter_id, **changes)
        previous = {key: getattr(before, key) for key in changes}
        return (
            after,
            lambda: self.service.update(self.vod_id, chapter_id, **changes),
            lambda: self.service.update(self.vod_id, chapter_id, **previous),
        )

    def delete(self, chapter_id: str) -> tuple[Chapter, Callable, Callable]:
        removed = self.service.delete(self.vod_id, chapter_id)
        again = dict(restore_fields(removed), chapter_id=removed.id)
        return (
            removed,
            lambda: self.service.delete(self.vod_id, removed.id),
            lambda: self.service.add(self.vod_id, **again),
        )

    def replace_all(
        self, before: Iterable[Chapter], after: Iterable[Chapter]
    ) -> tuple[Callable, Callable]:
        old, new = list(before), list(after)
        return (
            lambda: self.service.replace_all(self.vod_id, new),
            lambda: self.service.replace_all(self.vod_id, old),
        )
