"""Writing the platform's chapter changes into the local cache, validated as a timeline.

The pull goes through the library's ``StoredChapters`` like every local edit, so it yields a
change set (origin ``pull``) and writes no outbox entries (they must not bounce back).
Deletes go first, then changes in passes (a chapter may move into a place another one is
leaving); what still does not fit becomes a conflict instead of a broken timeline.
"""

from __future__ import annotations

from sqlalchemy import select

from core.domain.changes import ChangeOrigin, ChangeSet
from core.domain.chapters import Chapter, ChapterSource
from core.domain.errors import ValidationError
from core.library.stored import StoredChapters
from core.store.db import Database
from core.store.models import SyncLink, Vod, new_id, utcnow

from .merge import Action, normalise, same, stays_local
from .report import SyncReport


def apply_pulls(
    database: Database, vod_id: str, actions: list[Action], report: SyncReport
) -> ChangeSet:
    """Write the pulled changes; returns what they changed in the VOD's chapters."""
    if not actions:
        return ChangeSet(vod_id, origin=ChangeOrigin.PULL)
    with database.session() as s:
        stored = StoredChapters(s, s.get_one(Vod, vod_id))
        links: dict[str | None, SyncLink] = {
            link.local_id: link
            for link in s.scalars(
                select(SyncLink).where(SyncLink.vod_id == vod_id, SyncLink.entity == "chapter")
            )
        }
        remote_ids: dict[str, str] = {}
        pending = []
        for action in actions:
            item = action.item
            current = stored.find(item.local_id) if item.local_id else None
            if not same(normalise(current) if current else None, item.local):
                report.notes.append(
                    f"chapter {item.local_id} changed during the sync; it will be merged next time"
                )
                continue
            if action.kind == "pull_delete":
                if current is not None:
                    stored.timeline.remove(current.id)
                link = links.pop(item.local_id, None)
                if link is not None:
                    s.delete(link)
                report.pulled["deleted"] += 1
            else:
                pending.append(action)
        while pending:
            refused = []
            for action in pending:
                try:
                    _upsert(s, vod_id, stored, links, remote_ids, action, report)
                except ValidationError as error:
                    refused.append((action, error))
            if len(refused) == len(pending):
                for action, refusal in refused:
                    _record_refusal(s, vod_id, links, action, refusal, report)
                break
            pending = [action for action, _ in refused]
        changes = stored.save(ChangeOrigin.PULL, outbox=False)
        for chapter_id, remote_id in remote_ids.items():
            row = stored.row(chapter_id)
            if row is not None:
                row.remote_id = remote_id
        return changes


def _upsert(
    s,
    vod_id: str,
    stored: StoredChapters,
    links: dict,
    remote_ids: dict[str, str],
    action: Action,
    report: SyncReport,
) -> None:
    item, remote = action.item, action.item.remote
    assert remote is not None  # an upsert carries the platform's version
    local_id = item.local_id or new_id()
    # A thumbnail only this machine has is kept while the platform has none of its own.
    current = stored.find(local_id)
    kept = current.thumbnail_url if current is not None else None
    fields = {
        "title": remote["title"],
        "description": remote["description"],
        "start_time": remote["start_time"],
        "end_time": remote["end_time"],
        "thumbnail_url": remote["thumbnail_url"] or (kept if stays_local(kept) else None),
    }
    if stored.find(local_id) is not None:
        stored.timeline.update(local_id, **fields)
        report.pulled["updated"] += 1
    else:
        source = ChapterSource.AI if remote.get("source") == "ai" else ChapterSource.MANUAL
        stored.timeline.add(
            Chapter(
                id=local_id,
                source=source,
                confidence_score=remote.get("confidence_score"),
                **fields,
            )
        )
        report.pulled["created"] += 1
    if item.remote_id is not None:
        remote_ids[local_id] = item.remote_id
    link = links.get(local_id)
    if link is None:
        link = SyncLink(entity="chapter", local_id=local_id, vod_id=vod_id)
        s.add(link)
        links[local_id] = link
    link.remote_id, link.base_snapshot = item.remote_id, remote
    link.conflict, link.synced_at = None, utcnow()


def _record_refusal(
    s, vod_id: str, links: dict, action: Action, error: ValidationError, report: SyncReport
) -> None:
    item = action.item
    link = links.get(item.local_id) if item.local_id else None
    if link is None:
        link = SyncLink(
            entity="chapter",
            local_id=item.local_id or new_id(),
            remote_id=item.remote_id,
            vod_id=vod_id,
            base_snapshot=item.base,
        )
        s.add(link)
    # retry: tried again on every sync, in case what blocked it is gone.
    link.conflict = {
        "local": item.local,
        "remote": item.remote,
        "base": item.base,
        "detected_at": utcnow().isoformat(),
        "retry": True,
        "reason": f"the platform's version does not fit here: {error}",
    }
    report.conflicts.append(link.local_id)
