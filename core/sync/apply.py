"""Writing the platform's chapter changes into the local cache, validated as a timeline.

Deletes go first, then changes in passes (a chapter may move into a place another one is
leaving); what still does not fit becomes a conflict instead of a broken timeline.
"""

from __future__ import annotations

from sqlalchemy import select

from core.domain.chapters import Chapter, ChapterSource, ChapterTimeline
from core.domain.errors import ValidationError
from core.library.shapes import chapter_from_row
from core.store.db import Database
from core.store.models import ChapterRow, SyncLink, Vod, new_id, utcnow

from .merge import Action, normalise, same
from .report import SyncReport


def apply_pulls(database: Database, vod_id: str, actions: list[Action], report: SyncReport) -> None:
    if not actions:
        return
    with database.session() as s:
        vod = s.get_one(Vod, vod_id)
        rows = {r.id: r for r in s.scalars(select(ChapterRow).where(ChapterRow.vod_id == vod_id))}
        links: dict[str | None, SyncLink] = {
            link.local_id: link
            for link in s.scalars(
                select(SyncLink).where(SyncLink.vod_id == vod_id, SyncLink.entity == "chapter")
            )
        }
        timeline = ChapterTimeline(vod.duration, (chapter_from_row(r) for r in rows.values()))
        pending = []
        for action in actions:
            item = action.item
            row = rows.get(item.local_id) if item.local_id else None
            if not same(normalise(row) if row else None, item.local):
                report.notes.append(
                    f"chapter {item.local_id} changed during the sync; it will be merged next time"
                )
                continue
            if action.kind == "pull_delete":
                if row is not None:
                    timeline.remove(row.id)
                    s.delete(row)
                    del rows[row.id]
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
                    _upsert(s, vod_id, timeline, rows, links, action, report)
                except ValidationError as error:
                    refused.append((action, error))
            if len(refused) == len(pending):
                for action, refusal in refused:
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
                        "reason": f"the platform's version does not fit here: {refusal}",
                    }
                    report.conflicts.append(link.local_id)
                break
            pending = [action for action, _ in refused]
        for chapter in timeline.chapters:
            if chapter.id in rows:
                rows[chapter.id].order = chapter.order


def _upsert(
    s,
    vod_id: str,
    timeline: ChapterTimeline,
    rows: dict,
    links: dict,
    action: Action,
    report: SyncReport,
) -> None:
    item, remote = action.item, action.item.remote
    assert remote is not None  # an upsert carries the platform's version
    local_id = item.local_id or new_id()
    fields = {
        "title": remote["title"],
        "description": remote["description"],
        "start_time": remote["start_time"],
        "end_time": remote["end_time"],
        "thumbnail_url": remote["thumbnail_url"],
    }
    if local_id in rows:
        chapter = timeline.update(local_id, **fields)
        report.pulled["updated"] += 1
    else:
        source = ChapterSource.AI if remote.get("source") == "ai" else ChapterSource.MANUAL
        chapter = timeline.add(
            Chapter(
                id=local_id,
                source=source,
                confidence_score=remote.get("confidence_score"),
                **fields,
            )
        )
        rows[local_id] = ChapterRow(id=local_id, vod_id=vod_id)
        s.add(rows[local_id])
        report.pulled["created"] += 1
    row = rows[local_id]
    row.title, row.description = chapter.title, chapter.description
    row.start_time, row.end_time = chapter.start_time, chapter.end_time
    row.thumbnail_url, row.order, row.remote_id = (
        chapter.thumbnail_url,
        chapter.order,
        item.remote_id,
    )
    if row.source is None:
        row.source, row.confidence_score = chapter.source.value, chapter.confidence_score
    link = links.get(local_id)
    if link is None:
        link = SyncLink(entity="chapter", local_id=local_id, vod_id=vod_id)
        s.add(link)
        links[local_id] = link
    link.remote_id, link.base_snapshot = item.remote_id, remote
    link.conflict, link.synced_at = None, utcnow()
