"""Listing and resolving chapter conflicts.

Resolving only rewrites the base of the three-way merge, so the next sync does the work
with its usual safety: keeping the local version makes the platform's version the base
(the local side then looks changed and is pushed); keeping the platform's version makes the
local version the base (the remote side then looks changed and is pulled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.domain.changes import ChangeOrigin, ChangeSet
from core.domain.errors import NotFoundError, ValidationError
from core.library.stored import StoredChapters
from core.library.vods import find_vod
from core.store.db import Database
from core.store.models import SyncLink, new_id, utcnow

from .merge import Item


@dataclass(frozen=True, slots=True)
class ChapterConflict:
    chapter_id: str
    remote_id: str | None
    reason: str
    local: dict[str, Any] | None
    remote: dict[str, Any] | None
    base: dict[str, Any] | None
    #: what resolving changed in the VOD's chapters (keeping the platform's side of a chapter
    #: the platform does not have removes it here); not part of the JSON
    changes: ChangeSet | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "changes"}


def list_conflicts(database: Database, vod_ref: str) -> list[ChapterConflict]:
    with database.read_session() as s:
        vod = find_vod(s, vod_ref)
        # JSON null and SQL NULL both mean "no conflict": filter in Python.
        links = [
            (link, link.conflict)
            for link in s.scalars(
                select(SyncLink).where(SyncLink.vod_id == vod.id).order_by(SyncLink.id)
            )
            if link.conflict
        ]
        return [
            ChapterConflict(
                link.local_id,
                link.remote_id,
                conflict.get("reason", ""),
                conflict.get("local"),
                conflict.get("remote"),
                conflict.get("base"),
            )
            for link, conflict in links
            if conflict
        ]


def resolve_conflict(
    database: Database, vod_ref: str, chapter_ref: str, keep: str
) -> ChapterConflict:
    if keep not in ("local", "remote"):
        raise ValidationError(f"--keep must be local or remote, got {keep!r}")
    with database.session() as s:
        vod = find_vod(s, vod_ref)
        candidates = [
            link
            for link in s.scalars(select(SyncLink).where(SyncLink.vod_id == vod.id))
            if link.conflict
            and (
                link.local_id == chapter_ref
                or (len(chapter_ref) >= 4 and link.local_id.startswith(chapter_ref))
            )
        ]
        if not candidates:
            raise NotFoundError(f"no conflict for chapter {chapter_ref} in this VOD")
        if len(candidates) > 1:
            raise ValidationError(f"chapter prefix {chapter_ref!r} is ambiguous")
        link = candidates[0]
        conflict = dict(link.conflict or {})
        local, remote = conflict.get("local"), conflict.get("remote")
        chapter_id, remote_id = link.local_id, link.remote_id
        changes = ChangeSet(vod.id, origin=ChangeOrigin.PULL)
        link.conflict = None
        if keep == "local":
            if remote is None:  # the platform lost it: create it there again
                link.remote_id, link.base_snapshot = None, None
            else:
                link.base_snapshot = remote
            if local is None and remote is None:
                s.delete(link)
        else:
            if link.remote_id is None or remote is None:
                # The platform has no such chapter (refused or deleted): remove it here.
                stored = StoredChapters(s, vod)
                if stored.find(link.local_id) is not None:
                    stored.timeline.remove(link.local_id)
                changes = stored.save(ChangeOrigin.PULL, outbox=False)
                s.delete(link)
            else:
                link.base_snapshot = local  # None: the pull recreates it under this id
        return ChapterConflict(
            chapter_id,
            remote_id,
            conflict.get("reason", ""),
            local,
            remote,
            conflict.get("base"),
            changes,
        )


def record_conflict(
    database: Database,
    vod_id: str,
    item: Item,
    reason: str,
    *,
    remote_gone: bool = False,
    retry: bool = False,
) -> str:
    """Keep both sides of a chapter for the user (or, with ``retry``, for the next sync);
    returns the local id it is filed under."""
    with database.session() as s:
        link = (
            s.scalars(
                select(SyncLink).where(
                    SyncLink.entity == "chapter", SyncLink.local_id == item.local_id
                )
            ).first()
            if item.local_id
            else None
        )
        if link is None:
            link = SyncLink(
                entity="chapter",
                local_id=item.local_id or new_id(),
                remote_id=item.remote_id,
                vod_id=vod_id,
                base_snapshot=item.base,
            )
            s.add(link)
        link.conflict = {
            "local": item.local,
            "remote": None if remote_gone else item.remote,
            "base": item.base,
            "reason": reason,
            "detected_at": utcnow().isoformat(),
            "retry": retry,
        }
        return link.local_id
