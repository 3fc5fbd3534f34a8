"""Syncing VODs and their chapters with the platform: push the outbox, pull, merge.

Crash safety: every remote change is followed at once by its own local commit (link, base
snapshot), so a sync killed at any moment redoes at most the one call in flight. Before a
chapter is created remotely, the intent (the snapshot sent) is committed; a create whose
answer was lost is recognised on the next listing by that snapshot and adopted instead of
being created twice. Pulled changes are written without outbox entries (they must not bounce
back) and only when the local chapter still equals what the merge saw, so an edit made while
syncing is never overwritten.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from sqlalchemy import func, select

from core.domain.errors import ValidationError
from core.library.stored import StoredChapters
from core.library.vods import find_vod
from core.platform.client import PlatformClient
from core.platform.errors import PlatformAuthError, PlatformError, PlatformNotFoundError
from core.store.db import Database
from core.store.models import ChapterRow, OutboxEntry, SyncLink, Vod, new_id, utcnow

from .apply import apply_pulls
from .conflicts import ChapterConflict, list_conflicts, resolve_conflict
from .merge import PUSH_ORDER, Action, Item, decide, match_key, normalise
from .report import SyncReport
from .vod_state import VodSyncState, push_vod_changes, vod_sync_state


class SyncService:
    def __init__(self, database: Database, client_factory: Callable[[], PlatformClient]) -> None:
        self._database = database
        self._client_factory = client_factory

    def sync(self, vod_ref: str | None = None) -> list[SyncReport]:
        with self._database.session() as s:
            if vod_ref:
                vod_ids = [find_vod(s, vod_ref).id]
            else:
                vod_ids = list(s.scalars(select(Vod.id).order_by(Vod.created_at)))
        client = self._client_factory()
        try:
            return [self._sync_vod(vod_id, client) for vod_id in vod_ids]
        finally:
            client.close()

    def state(self, vod_ref: str) -> VodSyncState:
        with self._database.session() as s:
            vod_id = find_vod(s, vod_ref).id
        return vod_sync_state(self._database, vod_id)

    def conflicts(self, vod_ref: str) -> list[ChapterConflict]:
        return list_conflicts(self._database, vod_ref)

    def resolve(self, vod_ref: str, chapter_ref: str, keep: str) -> ChapterConflict:
        return resolve_conflict(self._database, vod_ref, chapter_ref, keep)

    # --- one VOD -------------------------------------------------------------------------
    def _sync_vod(self, vod_id: str, client: PlatformClient) -> SyncReport:
        start_requests = client.request_count
        with self._database.session() as s:
            vod = s.get_one(Vod, vod_id)
            report = SyncReport(vod_id=vod_id, remote_id=vod.remote_id)
            watermark = (
                s.scalar(select(func.max(OutboxEntry.id)).where(OutboxEntry.vod_id == vod_id)) or 0
            )
        if not report.remote_id:
            report.skipped = "not uploaded yet: run 'vodstudio upload' first"
            return report
        try:
            push_vod_changes(self._database, client, vod_id, report.remote_id, watermark, report)
            remote = client.list_chapters(report.remote_id)
            actions = self._plan(vod_id, remote)
            ambiguous = self._push(vod_id, report.remote_id, client, actions, report)
            if ambiguous:  # answers were lost: look at what the platform now has, adopt it
                remote = client.list_chapters(report.remote_id)
                self._plan(vod_id, remote)
            report.changes = apply_pulls(
                self._database, vod_id, [a for a in actions if a.kind.startswith("pull")], report
            )
            self._record_states(
                vod_id, [a for a in actions if a.kind in ("settle", "forget", "conflict")], report
            )
        except PlatformAuthError:
            raise
        except PlatformError as error:
            report.errors.append(str(error))
        report.requests = client.request_count - start_requests
        if not report.errors:
            with self._database.session() as s:
                for entry in s.scalars(
                    select(OutboxEntry).where(
                        OutboxEntry.vod_id == vod_id,
                        OutboxEntry.id <= watermark,
                        OutboxEntry.entity.in_(("chapter", "vod")),
                    )
                ):
                    s.delete(entry)
        return report

    def _plan(self, vod_id: str, remote_chapters) -> list[Action]:
        """Pair local chapters, links and remote chapters into items, adopting remote chapters
        that match an unlinked local one (same title and times, or the intent of a create
        whose answer was lost), and decide each item."""
        remote = {r.id: normalise(r) for r in remote_chapters}
        items: list[Item] = []
        with self._database.session() as s:
            stored = StoredChapters(s, s.get_one(Vod, vod_id))
            chapters = {chapter.id: chapter for chapter in stored.timeline}
            links = {
                link.local_id: link
                for link in s.scalars(
                    select(SyncLink).where(SyncLink.vod_id == vod_id, SyncLink.entity == "chapter")
                )
            }
            unclaimed = set(remote) - {link.remote_id for link in links.values() if link.remote_id}
            by_key: dict[tuple, list[str]] = {}
            for rid in sorted(unclaimed):
                by_key.setdefault(match_key(remote[rid]), []).append(rid)
            for local_id in sorted(set(chapters) | set(links)):
                chapter, link = chapters.get(local_id), links.get(local_id)
                local = normalise(chapter) if chapter else None
                if link is not None and link.remote_id:
                    items.append(
                        Item(
                            local_id,
                            link.remote_id,
                            local,
                            remote.get(link.remote_id),
                            _base(link),
                            _sticky(link),
                        )
                    )
                    continue
                keys = [match_key(local)] if local else []
                intent = (link.base_snapshot or {}).get("pending_create") if link else None
                if intent:
                    keys.insert(0, match_key(intent))
                found = next((by_key[k].pop(0) for k in keys if by_key.get(k)), None)
                if found is None:
                    if local is None:  # created and deleted locally, never reached the platform
                        if link is not None:
                            s.delete(link)
                        continue
                    items.append(
                        Item(local_id, None, local, None, None, bool(link and link.conflict))
                    )
                    continue
                if link is None:
                    link = SyncLink(entity="chapter", local_id=local_id, vod_id=vod_id)
                    s.add(link)
                link.remote_id, link.base_snapshot = found, remote[found]
                link.synced_at = utcnow()
                row = stored.row(local_id)
                if row is not None:
                    row.remote_id = found
                items.append(Item(local_id, found, local, remote[found], remote[found]))
            claimed_now = {i.remote_id for i in items}
            for rid in sorted(unclaimed - claimed_now):
                items.append(Item(None, rid, None, remote[rid], None))
        return [action for action in map(decide, items) if action is not None]

    def _push(
        self,
        vod_id: str,
        remote_vod: str,
        client: PlatformClient,
        actions: list[Action],
        report: SyncReport,
    ) -> bool:
        pushes = sorted(
            (a for a in actions if a.kind in PUSH_ORDER),
            key=lambda a: (PUSH_ORDER[a.kind], self._first_change(vod_id, a)),
        )
        ambiguous = False
        while pushes:
            refused: list[tuple[Action, PlatformError]] = []
            for action in pushes:
                try:
                    self._push_one(vod_id, remote_vod, client, action, report)
                except PlatformAuthError:
                    raise
                except PlatformNotFoundError as error:
                    self._conflict(
                        vod_id,
                        action.item,
                        f"the platform no longer has it ({error})",
                        remote_gone=True,
                    )
                    report.conflicts.append(_local_id(action.item))
                except PlatformError as error:
                    if error.ambiguous and action.kind == "push_create":
                        ambiguous = True
                        report.errors.append(str(error))
                    elif isinstance(error, ValidationError):
                        refused.append((action, error))
                    else:
                        raise
            if len(refused) == len(pushes):  # no progress: each is refused on its own
                for action, refusal in refused:
                    self._conflict(
                        vod_id, action.item, f"the platform refused it: {refusal}", retry=True
                    )
                    report.conflicts.append(_local_id(action.item))
                break
            pushes = [action for action, _ in refused]
        return ambiguous

    def _push_one(
        self,
        vod_id: str,
        remote_vod: str,
        client: PlatformClient,
        action: Action,
        report: SyncReport,
    ) -> None:
        item, local_id = action.item, _local_id(action.item)
        if action.kind == "push_delete":
            assert item.remote_id is not None  # a delete is pushed only for a linked chapter
            # Already gone remotely: the goal is reached.
            with contextlib.suppress(PlatformNotFoundError):
                client.delete_chapter(remote_vod, item.remote_id)
            with self._database.session() as s:
                link = _link(s, local_id)
                if link is not None:
                    s.delete(link)
            report.pushed["deleted"] += 1
            return
        fields = dict(item.local or {})
        if action.kind == "push_create":
            with self._database.session() as s:  # the intent survives a crash mid-call
                link = _link(s, local_id) or SyncLink(
                    entity="chapter", local_id=local_id, vod_id=vod_id
                )
                link.remote_id, link.base_snapshot = None, {"pending_create": item.local}
                s.add(link)
            created = client.create_chapter(remote_vod, fields)
            self._linked(local_id, created)
            report.pushed["created"] += 1
        else:
            assert item.remote_id is not None  # an update is pushed only for a linked chapter
            updated = client.update_chapter(remote_vod, item.remote_id, fields)
            self._linked(local_id, updated)
            report.pushed["updated"] += 1

    def _linked(self, local_id: str, remote_chapter) -> None:
        with self._database.session() as s:
            link = _link(s, local_id)
            assert link is not None  # made before the create was sent, or by an earlier sync
            link.remote_id, link.base_snapshot = remote_chapter.id, normalise(remote_chapter)
            link.conflict, link.synced_at = None, utcnow()
            row = s.get(ChapterRow, local_id)
            if row is not None:
                row.remote_id = remote_chapter.id

    def _first_change(self, vod_id: str, action: Action) -> int:
        with self._database.session() as s:
            first = s.scalar(
                select(func.min(OutboxEntry.id)).where(
                    OutboxEntry.vod_id == vod_id, OutboxEntry.entity_id == action.item.local_id
                )
            )
        return first if first is not None else 1 << 62

    def _conflict(
        self, vod_id: str, item: Item, reason: str, remote_gone: bool = False, retry: bool = False
    ) -> None:
        with self._database.session() as s:
            link = _link(s, item.local_id) if item.local_id else None
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

    def _record_states(self, vod_id: str, actions: list[Action], report: SyncReport) -> None:
        for action in actions:
            item = action.item
            if action.kind == "conflict":
                self._conflict(vod_id, item, action.reason, remote_gone=item.remote is None)
                report.conflicts.append(_local_id(item))
                continue
            with self._database.session() as s:
                link = _link(s, item.local_id) if item.local_id else None
                if link is None:
                    continue
                if action.kind == "forget":
                    s.delete(link)
                else:  # settle: both sides agree now
                    link.base_snapshot, link.conflict, link.synced_at = item.local, None, utcnow()


def _link(session, local_id: str) -> SyncLink | None:
    return session.scalars(
        select(SyncLink).where(SyncLink.entity == "chapter", SyncLink.local_id == local_id)
    ).first()


def _local_id(item: Item) -> str:
    """Pushes and conflicts are about a chapter that exists (or existed) here."""
    assert item.local_id is not None
    return item.local_id


def _sticky(link: SyncLink) -> bool:
    """A conflict only the user can settle (not one refused for now and retried each sync)."""
    return bool(link.conflict and not link.conflict.get("retry"))


def _base(link: SyncLink):
    base = link.base_snapshot
    return None if not base or "pending_create" in base else base
