"""Syncing VODs and their chapters with the platform: push the outbox, pull, merge.

Crash safety: every remote change is followed at once by its own local commit (link, base
snapshot), so a sync killed at any moment redoes at most the calls in flight (see
``pushing``). Before a chapter is created remotely, the intent (the snapshot sent) is
committed; a create whose answer was lost is recognised on the next listing by that snapshot
and adopted instead of being created twice. Pulled changes are written without outbox
entries (they must not bounce back) and only when the local chapter still equals what the
merge saw, so an edit made while syncing is never overwritten.

A platform record that cannot be read is reported and left alone, with the local changes
that concern it kept for the next sync; it never stops the rest of the sync.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, delete, func, not_, select

from core.library.stored import StoredChapters
from core.library.vods import find_vod
from core.platform.client import PlatformClient
from core.platform.errors import MalformedResponseError, PlatformAuthError, PlatformError
from core.platform.wire import Listing
from core.store.db import Database
from core.store.models import OutboxEntry, SyncLink, Vod, utcnow

from .apply import apply_pulls
from .conflicts import ChapterConflict, list_conflicts, record_conflict, resolve_conflict
from .merge import Action, Item, decide, match_key, normalise
from .pushing import ChapterPusher
from .report import SyncReport
from .thumbnail_push import push_default_thumbnail
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
        settled: set[str] = {"chapter"}
        held: set[str] = set()  # chapters left for the next sync (their record was unreadable)
        try:
            try:
                push_vod_changes(
                    self._database, client, vod_id, report.remote_id, watermark, report
                )
                settled.add("vod")
            except MalformedResponseError as error:  # unreadable VOD: its chapters still sync
                report.unreadable.append(f"the VOD's own record: {error}")
            held = self._sync_chapters(vod_id, report.remote_id, client, report)
            if push_default_thumbnail(self._database, client, vod_id, report.remote_id, report):
                settled.add("thumbnail")
        except PlatformAuthError:
            raise
        except PlatformError as error:
            report.errors.append(str(error))
        report.requests = client.request_count - start_requests
        if not report.errors:
            self._consume_outbox(vod_id, watermark, settled, held)
        return report

    def _sync_chapters(
        self, vod_id: str, remote_vod: str, client: PlatformClient, report: SyncReport
    ) -> set[str]:
        remote = client.list_chapters(remote_vod)
        report.unreadable.extend(str(problem) for problem in remote.problems)
        actions, held = self._plan(vod_id, remote)
        unanswered = ChapterPusher(self._database, vod_id, remote_vod).push(client, actions, report)
        if unanswered:  # look at what the platform now has, and adopt what it made
            remote = client.list_chapters(remote_vod)
            self._plan(vod_id, remote)
            with self._database.session() as s:
                adopted = set(
                    s.scalars(
                        select(SyncLink.local_id).where(
                            SyncLink.entity == "chapter",
                            SyncLink.vod_id == vod_id,
                            SyncLink.remote_id.is_not(None),
                        )
                    )
                )
            for action, error in unanswered:
                if action.item.local_id in adopted:
                    report.pushed["created"] += 1
                else:  # not made after all, or not to be recognised: the next sync decides
                    report.errors.append(str(error))
        report.changes = apply_pulls(
            self._database, vod_id, [a for a in actions if a.kind.startswith("pull")], report
        )
        self._record_states(
            vod_id, [a for a in actions if a.kind in ("settle", "forget", "conflict")], report
        )
        return held

    def _consume_outbox(self, vod_id: str, watermark: int, settled: set[str], held: set[str]):
        """The entries this sync has carried out; those of a part that could not be done
        (and of chapters whose platform record could not be read) wait for the next one."""
        done = and_(
            OutboxEntry.vod_id == vod_id,
            OutboxEntry.id <= watermark,
            OutboxEntry.entity.in_(sorted(settled)),
        )
        with self._database.session() as s:
            if held:
                kept = and_(
                    OutboxEntry.entity == "chapter", OutboxEntry.entity_id.in_(sorted(held))
                )
                done = and_(done, not_(kept))
            s.execute(delete(OutboxEntry).where(done))

    def _plan(self, vod_id: str, remote_chapters: Listing) -> tuple[list[Action], set[str]]:
        """Pair local chapters, links and remote chapters into items, adopting remote chapters
        that match an unlinked local one (same title and times, or the intent of a create
        whose answer was lost), and decide each item.

        A chapter whose platform record could not be read is left alone (neither pushed,
        pulled nor deleted) and returned among the held ids; so is a create whose answer was
        lost while the listing is incomplete, since it may be the unreadable record."""
        remote = {r.id: normalise(r) for r in remote_chapters}
        unreadable = {p.remote_id for p in remote_chapters.problems if p.remote_id}
        incomplete = bool(remote_chapters.problems)
        held: set[str] = set()
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
                if link is not None and link.remote_id in unreadable:
                    held.add(local_id)
                    continue
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
                if found is None and intent and incomplete:
                    held.add(local_id)
                    continue
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
        return [action for action in map(decide, items) if action is not None], held

    def _record_states(self, vod_id: str, actions: list[Action], report: SyncReport) -> None:
        for action in actions:
            item = action.item
            if action.kind == "conflict":
                record_conflict(
                    self._database, vod_id, item, action.reason, remote_gone=item.remote is None
                )
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
