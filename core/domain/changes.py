"""Change sets: what one chapter operation did, chapter by chapter.

Every chapter operation in core returns a ``ChangeSet``: for each chapter it touched, the
chapter before and after (``before is None``: added; ``after is None``: deleted). The same
value is the undo record (undo applies ``inverse()``, which first checks that the chapters are
still as this change left them), the payload of the editor's ``chapters_changed`` signal, and
what the editor applies to the timeline it shows without reading the database again.

A chapter's ``order`` is derived from its place among the others, so it is neither recorded
nor compared: adding a chapter in front of ten others is one change, not eleven.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .chapters import Chapter, ChapterTimeline
from .errors import DomainError, NotFoundError, StateError


class ChangeOrigin(StrEnum):
    #: this app's own operations (GUI or CLI), undo and redo included
    EDIT = "edit"
    #: the platform's changes written by a sync
    PULL = "pull"
    #: found when re-reading the database: another process changed the chapters
    EXTERNAL = "external"


class ChangeConflictError(StateError):
    """A change set no longer fits: a chapter it touches is not as the change expects."""

    def __init__(self, message: str, chapter_ids: Sequence[str]) -> None:
        super().__init__(message)
        self.chapter_ids = tuple(chapter_ids)


def same_chapter(a: Chapter | None, b: Chapter | None) -> bool:
    """Equal in everything but ``order`` (both ``None`` counts as equal)."""
    if a is None or b is None:
        return a is None and b is None
    return _content(a) == _content(b)


def _content(chapter: Chapter) -> tuple[object, ...]:
    return (
        chapter.id,
        chapter.title,
        chapter.description,
        chapter.start_time,
        chapter.end_time,
        chapter.source,
        chapter.confidence_score,
        chapter.thumbnail_url,
    )


@dataclass(frozen=True, slots=True)
class ChapterChange:
    """One chapter before and after a change; ``None`` on one side: added or deleted."""

    before: Chapter | None
    after: Chapter | None

    def __post_init__(self) -> None:
        if self.before is None and self.after is None:
            raise ValueError("a chapter change needs a chapter before or after it")
        if self.before is not None and self.after is not None and self.before.id != self.after.id:
            raise ValueError("a chapter change keeps the chapter's id")

    @property
    def chapter_id(self) -> str:
        chapter = self.after if self.after is not None else self.before
        assert chapter is not None
        return chapter.id

    @property
    def kind(self) -> str:
        """``added``, ``deleted`` or ``updated``."""
        if self.before is None:
            return "added"
        return "deleted" if self.after is None else "updated"

    def inverse(self) -> ChapterChange:
        return ChapterChange(self.after, self.before)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one operation changed in one VOD's chapters (empty: nothing changed)."""

    vod_id: str
    changes: tuple[ChapterChange, ...] = ()
    origin: ChangeOrigin = ChangeOrigin.EDIT

    def __post_init__(self) -> None:
        object.__setattr__(self, "changes", tuple(self.changes))
        ids = [change.chapter_id for change in self.changes]
        if len(set(ids)) != len(ids):
            raise ValueError("a change set holds each chapter at most once")

    @classmethod
    def between(
        cls,
        vod_id: str,
        before: Iterable[Chapter],
        after: Iterable[Chapter],
        origin: ChangeOrigin = ChangeOrigin.EDIT,
    ) -> ChangeSet:
        """The change from chapters ``before`` to chapters ``after`` (whole lists of a VOD)."""
        old = {chapter.id: chapter for chapter in before}
        new = {chapter.id: chapter for chapter in after}
        changes = [
            ChapterChange(old.get(chapter_id), new.get(chapter_id))
            for chapter_id in old.keys() | new.keys()
            if not same_chapter(old.get(chapter_id), new.get(chapter_id))
        ]
        changes.sort(key=_position)
        return cls(vod_id, tuple(changes), origin)

    # --- reading -------------------------------------------------------------------------
    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[ChapterChange]:
        return iter(self.changes)

    @property
    def chapter_ids(self) -> frozenset[str]:
        return frozenset(change.chapter_id for change in self.changes)

    @property
    def added(self) -> tuple[Chapter, ...]:
        return tuple(c.after for c in self.changes if c.before is None and c.after is not None)

    @property
    def deleted(self) -> tuple[Chapter, ...]:
        return tuple(c.before for c in self.changes if c.after is None and c.before is not None)

    @property
    def updated(self) -> tuple[ChapterChange, ...]:
        return tuple(c for c in self.changes if c.kind == "updated")

    def get(self, chapter_id: str) -> ChapterChange | None:
        return next((c for c in self.changes if c.chapter_id == chapter_id), None)

    def summary(self) -> str:
        """``2 added, 1 changed, 1 deleted`` (or ``no changes``), for messages."""
        parts = [
            f"{count} {word}"
            for count, word in (
                (len(self.added), "added"),
                (len(self.updated), "changed"),
                (len(self.deleted), "deleted"),
            )
            if count
        ]
        return ", ".join(parts) or "no changes"

    # --- changing ------------------------------------------------------------------------
    def inverse(self) -> ChangeSet:
        """The change set that takes the chapters back (what undo applies)."""
        return ChangeSet(
            self.vod_id, tuple(change.inverse() for change in reversed(self.changes)), self.origin
        )

    def with_origin(self, origin: ChangeOrigin) -> ChangeSet:
        return ChangeSet(self.vod_id, self.changes, origin)

    def stale_ids(self, timeline: ChapterTimeline) -> list[str]:
        """The chapters ``timeline`` no longer holds as this change expects them before."""
        return [
            change.chapter_id
            for change in self.changes
            if not same_chapter(_find(timeline, change.chapter_id), change.before)
        ]

    def apply_to(self, timeline: ChapterTimeline) -> None:
        """Make every touched chapter of ``timeline`` what it is ``after`` this change.

        Refused with ``ChangeConflictError`` when a touched chapter is not as it was ``before``
        (someone changed it since), and with the timeline's own errors when the result would
        break a rule (e.g. an overlap with a chapter added since). A refusal changes nothing.
        """
        stale = self.stale_ids(timeline)
        if stale:
            raise ChangeConflictError(_stale_message(self, stale, timeline), stale)
        removed = [timeline.remove(c.chapter_id) for c in self.changes if c.before is not None]
        placed: list[str] = []
        wanted = sorted((c.after for c in self.changes if c.after is not None), key=_start)
        try:
            for chapter in wanted:
                placed.append(timeline.add(chapter).id)
        except DomainError:
            for chapter_id in placed:
                timeline.remove(chapter_id)
            for chapter in removed:
                timeline.add(chapter)
            raise


def still_undoable(history: Sequence[ChangeSet], foreign: ChangeSet) -> list[bool]:
    """Which change sets of an undo history (oldest first) stay safe to undo after ``foreign``
    (a sync pull, or another program's edit) changed chapters under it.

    A step that touched a chapter ``foreign`` changed must go, or undoing it would revert
    that work. So must every other step that touched a chapter such a step touched: with that
    step gone, their chain of before/after for the chapter no longer joins up.
    """
    touched = set(foreign.chapter_ids)
    keep = [True] * len(history)
    grew = True
    while grew:
        grew = False
        for index, changes in enumerate(history):
            if keep[index] and not touched.isdisjoint(changes.chapter_ids):
                keep[index] = False
                touched |= changes.chapter_ids
                grew = True
    return keep


def _find(timeline: ChapterTimeline, chapter_id: str) -> Chapter | None:
    try:
        return timeline.get(chapter_id)
    except NotFoundError:
        return None


def _start(chapter: Chapter) -> float:
    return chapter.start_time


def _position(change: ChapterChange) -> tuple[float, str]:
    chapter = change.after if change.after is not None else change.before
    assert chapter is not None
    return chapter.start_time, chapter.id


def _stale_message(changes: ChangeSet, stale: list[str], timeline: ChapterTimeline) -> str:
    first = changes.get(stale[0])
    assert first is not None
    expected = first.before
    current = _find(timeline, stale[0])
    if expected is None:
        what = f"chapter {current.describe() if current else stale[0]} exists again"
    elif current is None:
        what = f"chapter {expected.describe()} was deleted"
    else:
        what = f"chapter {expected.describe()} was changed"
    more = f" (and {len(stale) - 1} more)" if len(stale) > 1 else ""
    return f"{what} since{more}"
