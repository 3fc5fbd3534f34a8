"""Pushing one VOD's chapter changes side by side, in an order the platform accepts.

Each change is one request, so on a slow link the round trips are the cost: up to ``width``
requests are in flight at once (the client's connections or HTTP/2 streams). A chapter has
at most one change in a push, and a change waits for the changes it depends on: a chapter
that grows or moves into the range another chapter still holds on the platform is sent
after that chapter has moved away or been deleted, as the platform refuses overlaps. What is
refused anyway is tried again in another pass while passes make progress.

Crash safety (the outbox's promise): the intent of every create is committed before any
create is sent, and the answers are committed as they arrive, in batches of at most
``WRITE_BATCH`` or ``WRITE_EVERY`` seconds (on this thread: the workers only talk HTTP). A
process killed mid-push leaves the requests in flight and at most one batch of answers
unrecorded; the next sync adopts creates by their intent (or their title and times) and
settles updates and deletes whose result already equals the local state, so nothing is lost
and nothing is created twice.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import heapq
import queue
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import func, select

from core.platform.client import PlatformClient
from core.platform.errors import (
    PlatformAuthError,
    PlatformError,
    PlatformNotFoundError,
    PlatformValidationError,
)
from core.store.db import Database
from core.store.models import ChapterRow, OutboxEntry, SyncLink, utcnow

from .conflicts import record_conflict
from .merge import PUSH_ORDER, Action, Item, normalise, pushed_fields
from .report import SyncReport

COUNTED = {"push_create": "created", "push_update": "updated", "push_delete": "deleted"}
WRITE_BATCH = 64  # answers recorded per transaction at most
WRITE_EVERY = 0.25  # seconds an answer may wait to be recorded


@dataclass
class PushOutcome:
    refused: list[tuple[Action, PlatformError]] = field(default_factory=list)
    gone: list[tuple[Action, PlatformError]] = field(default_factory=list)
    # Creates whose answer was lost or named no chapter: the platform may have made them.
    unanswered: list[tuple[Action, PlatformError]] = field(default_factory=list)


def dependencies(actions: list[Action]) -> list[set[int]]:
    """For each action, the indexes of the actions that must be done first: those whose
    chapter still holds, on the platform, part of the range this one is going to take."""
    holders = sorted(
        (a.item.remote["start_time"], a.item.remote["end_time"], index)
        for index, a in enumerate(actions)
        if a.item.remote is not None and a.kind in ("push_update", "push_delete")
    )
    starts = [start for start, _, _ in holders]
    needs: list[set[int]] = [set() for _ in actions]
    for index, action in enumerate(actions):
        if action.kind == "push_delete" or action.item.local is None:
            continue
        start, end = action.item.local["start_time"], action.item.local["end_time"]
        # Holders are disjoint (the platform has no overlaps), so those overlapping
        # [start, end) are a run ending before the first one that starts at or after `end`.
        stop = bisect.bisect_left(starts, end)
        for position in range(stop - 1, -1, -1):
            held_start, held_end, other = holders[position]
            if held_end <= start:
                break
            if other != index and held_start < end:
                needs[index].add(other)
    return needs


def run_in_order(
    actions: list[Action],
    send: Callable[[Action], object],
    done: Callable[[list[tuple[Action, object, BaseException | None]]], None],
    width: int,
) -> None:
    """Send every action on up to ``width`` threads, each after those it depends on, and
    hand the results to ``done`` on this thread as they arrive. A cycle (two chapters
    swapping places) is broken by sending its first action anyway. An auth error stops
    everything: the requests in flight are awaited, then it is raised.

    No more than ``width`` requests are handed to the pool at a time, and completions come
    back through a queue: waiting on every pending future at once would cost O(n) per
    answer, which shows with a thousand changes."""
    width = max(1, width)
    needs = dependencies(actions)
    waiting_on = [set(n) for n in needs]
    dependents: dict[int, list[int]] = {}
    for index, required in enumerate(needs):
        for other in required:
            dependents.setdefault(other, []).append(index)
    ready = [i for i, required in enumerate(waiting_on) if not required]  # a heap: in order
    unsent = set(range(len(actions)))
    finished: queue.SimpleQueue[tuple[int, Future]] = queue.SimpleQueue()
    running = 0
    stop: BaseException | None = None
    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="sync-push") as pool:
        while True:
            if stop is None:
                if not ready and not running and unsent:
                    ready = [min(unsent)]  # a cycle: let the platform decide
                while ready and running < width:
                    index = heapq.heappop(ready)
                    if index not in unsent:
                        continue
                    unsent.discard(index)
                    future = pool.submit(send, actions[index])
                    future.add_done_callback(functools.partial(_arrived, finished, index))
                    running += 1
            if not running:
                break
            arrived = [finished.get()]
            with contextlib.suppress(queue.Empty):
                while True:
                    arrived.append(finished.get_nowait())
            results = []
            for index, future in arrived:
                running -= 1
                error = future.exception()
                results.append((actions[index], None if error else future.result(), error))
                if isinstance(error, PlatformAuthError):
                    stop = stop or error
                for other in dependents.get(index, ()):
                    waiting_on[other].discard(index)
                    if not waiting_on[other] and other in unsent:
                        heapq.heappush(ready, other)
            done(results)
    if stop is not None:
        raise stop


def _arrived(finished: queue.SimpleQueue, index: int, future: Future) -> None:
    finished.put((index, future))


def _here(item: Item) -> str:
    """Pushes and conflicts are about a chapter that exists (or existed) here."""
    assert item.local_id is not None
    return item.local_id


def _there(item: Item) -> str:
    """Updates and deletes are pushed only for a chapter linked to one on the platform."""
    assert item.remote_id is not None
    return item.remote_id


class ChapterPusher:
    def __init__(self, database: Database, vod_id: str, remote_vod: str) -> None:
        self._database = database
        self._vod_id = vod_id
        self._remote_vod = remote_vod

    def push(
        self, client: PlatformClient, actions: Iterable[Action], report: SyncReport
    ) -> list[tuple[Action, PlatformError]]:
        """Push every push action. Returns the creates whose answer was lost or named no
        chapter: the caller lists the chapters again to adopt what the platform made."""
        pushes = self._ordered([a for a in actions if a.kind in PUSH_ORDER])
        unanswered: list[tuple[Action, PlatformError]] = []
        while pushes:
            outcome = self._pass(client, pushes, report)
            unanswered += outcome.unanswered
            for action, error in outcome.gone:
                self.conflict(action, f"the platform no longer has it ({error})", remote_gone=True)
                report.conflicts.append(_here(action.item))
            if len(outcome.refused) == len(pushes):  # no progress: each is refused on its own
                for action, error in outcome.refused:
                    self.conflict(action, f"the platform refused it: {error}", retry=True)
                    report.conflicts.append(_here(action.item))
                break
            pushes = [action for action, _ in outcome.refused]
        return unanswered

    # --- one pass ------------------------------------------------------------------------
    def _pass(
        self, client: PlatformClient, pushes: list[Action], report: SyncReport
    ) -> PushOutcome:
        self._record_intents([a for a in pushes if a.kind == "push_create"])
        outcome = PushOutcome()
        first_error: list[PlatformError] = []
        answered: list[tuple[Action, object]] = []
        last_write = time.monotonic()

        def write_answers() -> None:
            nonlocal last_write
            if answered:
                ids = [_here(a.item) for a, _ in answered]
                with self._database.session() as s, s.no_autoflush:
                    links = self._links(s, ids)
                    rows = {
                        r.id: r for r in s.scalars(select(ChapterRow).where(ChapterRow.id.in_(ids)))
                    }
                    for action, answer in answered:
                        self._record_answer(s, links, rows, action, answer)
                answered.clear()
            last_write = time.monotonic()

        def done(results: list[tuple[Action, object, BaseException | None]]) -> None:
            for action, answer, error in results:
                if error is None:
                    answered.append((action, answer))
                    report.pushed[COUNTED[action.kind]] += 1
                elif isinstance(error, PlatformAuthError):
                    continue
                elif isinstance(error, PlatformNotFoundError):
                    outcome.gone.append((action, error))
                elif isinstance(error, PlatformError) and (
                    error.ambiguous and action.kind == "push_create"
                ):
                    outcome.unanswered.append((action, error))
                elif isinstance(error, PlatformValidationError):
                    outcome.refused.append((action, error))
                elif isinstance(error, PlatformError):
                    first_error.append(error)
                else:
                    raise error
            # Answers are written in small batches: one transaction per answer would cost
            # more than the requests on a fast link. A crash loses at most one batch of
            # records, which the next sync settles (see the module's docstring).
            if len(answered) >= WRITE_BATCH or time.monotonic() - last_write >= WRITE_EVERY:
                write_answers()

        try:
            run_in_order(pushes, lambda a: self._send(client, a), done, client.max_connections)
        finally:
            write_answers()
        if first_error:
            raise first_error[0]
        return outcome

    def _send(self, client: PlatformClient, action: Action):
        """The request alone (worker thread): no database here."""
        item = action.item
        if action.kind == "push_delete":
            with contextlib.suppress(PlatformNotFoundError):  # already gone: goal reached
                client.delete_chapter(self._remote_vod, _there(item))
            return None
        fields = pushed_fields(item.local or {})
        if action.kind == "push_create":
            return client.create_chapter(self._remote_vod, fields)
        return client.update_chapter(self._remote_vod, _there(item), fields)

    # --- the local record ----------------------------------------------------------------
    def _record_intents(self, creates: list[Action]) -> None:
        """Before any create is sent: what it sends, so that a create whose answer is lost
        (a crash, a timeout) is recognised on the next listing instead of made again."""
        if not creates:
            return
        with self._database.session() as s:
            links = self._links(s, [_here(a.item) for a in creates])
            for action in creates:
                link = links.get(_here(action.item))
                if link is None:
                    link = SyncLink(entity="chapter", local_id=_here(action.item))
                    link.vod_id = self._vod_id
                    s.add(link)
                link.remote_id, link.base_snapshot = None, {"pending_create": action.item.local}

    def _record_answer(self, s, links: dict, rows: dict, action: Action, remote_chapter) -> None:
        link = links.get(_here(action.item))
        if action.kind == "push_delete":
            if link is not None:
                s.delete(link)
            return
        if link is None:  # resolved away meanwhile: keep the pairing anyway
            link = SyncLink(entity="chapter", local_id=_here(action.item), vod_id=self._vod_id)
            s.add(link)
            links[_here(action.item)] = link
        link.remote_id, link.base_snapshot = remote_chapter.id, normalise(remote_chapter)
        link.conflict, link.synced_at = None, utcnow()
        row = rows.get(_here(action.item))
        if row is not None:
            row.remote_id = remote_chapter.id

    def conflict(
        self, action: Action, reason: str, remote_gone: bool = False, retry: bool = False
    ) -> None:
        record_conflict(
            self._database,
            self._vod_id,
            action.item,
            reason,
            remote_gone=remote_gone,
            retry=retry,
        )

    @staticmethod
    def _links(s, local_ids: list[str]) -> dict[str, SyncLink]:
        found: dict[str, SyncLink] = {}
        for start in range(0, len(local_ids), 500):  # SQLite's bound-parameter limit
            for link in s.scalars(
                select(SyncLink).where(
                    SyncLink.entity == "chapter",
                    SyncLink.local_id.in_(local_ids[start : start + 500]),
                )
            ):
                found[link.local_id] = link
        return found

    def _ordered(self, pushes: list[Action]) -> list[Action]:
        """Deletes first, then in the order the changes were made (as before, when it
        mattered most: it is also the order dependencies are broken in)."""
        with self._database.session() as s:
            first = dict(
                s.execute(
                    select(OutboxEntry.entity_id, func.min(OutboxEntry.id))
                    .where(OutboxEntry.vod_id == self._vod_id, OutboxEntry.entity == "chapter")
                    .group_by(OutboxEntry.entity_id)
                ).all()
            )
        return sorted(
            pushes,
            key=lambda a: (PUSH_ORDER[a.kind], first.get(_here(a.item), 1 << 62)),
        )
