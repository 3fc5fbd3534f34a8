"""The three-way merge of one VOD's chapters: local, remote, and the snapshot both sides
agreed on at the last sync (the base). Pure: it only decides; the engine acts.

A side "changed" a chapter when its snapshot differs from the base. Changed on one side:
that side wins and the change goes to the other. Changed on both sides to different values
(or changed on one and deleted on the other): a conflict for the user, never an overwrite.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.domain.text import clean_line, clean_multiline

FIELDS = ("title", "description", "start_time", "end_time", "thumbnail_url")
Snapshot = dict[str, Any]


def normalise(data: Any) -> Snapshot:
    """The compared fields of a chapter (local ``Chapter``, remote model, or dict)."""
    get: Callable[..., Any] = (
        data.get if isinstance(data, dict) else (lambda k, d=None: getattr(data, k, d))
    )
    return {
        # Cleaned as the domain stores them, so a pulled title with a control character in
        # it is not taken for a new remote change on every sync.
        "title": clean_line(get("title") or ""),
        "description": clean_multiline(get("description") or ""),
        "start_time": round(float(get("start_time")), 3),
        "end_time": round(float(get("end_time")), 3),
        "thumbnail_url": get("thumbnail_url") or None,
        # Carried along for pulled chapters, not compared: the platform makes every pushed
        # chapter "manual", so comparing the source would invent changes.
        "source": str(get("source") or "manual"),
        "confidence_score": get("confidence_score"),
    }


def stays_local(url: str | None) -> bool:
    """A thumbnail only this machine can show (``file://``, a path): it never leaves it,
    so it is no difference between the two sides either."""
    return bool(url) and not str(url).lower().startswith(("http://", "https://"))


def same(a: Snapshot | None, b: Snapshot | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return all(
        a.get(k) == b.get(k)
        or (k == "thumbnail_url" and (stays_local(a.get(k)) or stays_local(b.get(k))))
        for k in FIELDS
    )


def pushed_fields(local: Snapshot) -> dict[str, Any]:
    """What a push sends: the compared fields, without a thumbnail only this machine has
    (left out, so the platform keeps its own)."""
    fields = {k: local[k] for k in FIELDS if k in local}
    if stays_local(fields.get("thumbnail_url")):
        del fields["thumbnail_url"]
    return fields


def match_key(snapshot: Snapshot) -> tuple:
    return (snapshot["title"].casefold(), snapshot["start_time"], snapshot["end_time"])


@dataclass(frozen=True, slots=True)
class Item:
    """One chapter as both sides and the base see it."""

    local_id: str | None
    remote_id: str | None
    local: Snapshot | None
    remote: Snapshot | None
    base: Snapshot | None
    in_conflict: bool = False


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # push_create | push_update | push_delete | pull_upsert | pull_delete
    #            settle | forget | conflict
    item: Item
    reason: str = ""


def decide(item: Item) -> Action | None:
    """What to do with one linked chapter (or an unlinked one on either side)."""
    local, remote, base = item.local, item.remote, item.base
    if item.remote_id is None:  # never reached the platform
        return Action("push_create", item) if local is not None else Action("forget", item)
    if item.in_conflict:
        if same(local, remote):
            return Action("settle", item) if local is not None else Action("forget", item)
        return Action("conflict", item, "still changed on both sides")
    if item.local_id is None:  # new on the platform
        return Action("pull_upsert", item) if remote is not None else None
    local_changed, remote_changed = not same(local, base), not same(remote, base)
    if not local_changed and not remote_changed:
        return Action("forget", item) if local is None and remote is None else None
    if local_changed and not remote_changed:
        return Action("push_delete" if local is None else "push_update", item)
    if remote_changed and not local_changed:
        return Action("pull_delete" if remote is None else "pull_upsert", item)
    if same(local, remote):
        return Action("forget", item) if local is None else Action("settle", item)
    if local is None:
        reason = "deleted here, changed on the platform"
    elif remote is None:
        reason = "changed here, deleted on the platform"
    else:
        reason = "changed here and on the platform"
    return Action("conflict", item, reason)


PUSH_ORDER = {"push_delete": 0, "push_update": 1, "push_create": 1}
