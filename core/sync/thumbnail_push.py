"""The creator's default thumbnail, on the platform.

The page has no way to send an image: the platform makes its thumbnails from the uploaded
video. So what travels is the moment. The local default thumbnail's timestamp is generated
there (``POST …/thumbnails`` with that timestamp), and the platform's thumbnail at that
moment, its largest size, is made the default (``PUT …/default-thumbnail``).

What was done is kept on a ``SyncLink`` (entity ``thumbnail``, one per VOD): ``{"timestamp",
"url"}`` once the default is set, ``{"pending", "asked_at"}`` while the platform makes it.
The ``thumbnail`` outbox entries (generate, set default, delete) are consumed once the
platform's default is the local default's moment; until then they stay, and every sync tries
again, like chapters: while the platform is still processing the video (thumbnails need it
``ready``), while its thumbnail task runs, or after a failed request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select

from core.domain.errors import ValidationError
from core.platform.client import PlatformClient
from core.platform.errors import PlatformAuthError, PlatformError
from core.platform.models import RemoteThumbnail
from core.store.db import Database
from core.store.models import OutboxEntry, SyncLink, ThumbnailRow, utcnow

from .report import SyncReport

ENTITY = "thumbnail"
# The platform rounds or re-times a requested moment a little (a server may keep whole
# seconds): its thumbnail nearest the moment within this many seconds is the one.
SAME_MOMENT = 1.0
# How long one sync waits for the platform's thumbnail task, in polls of the list.
POLL_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0)
# A task still not done after this long is asked for again.
ASK_AGAIN_AFTER = 600.0


def push_default_thumbnail(
    database: Database,
    client: PlatformClient,
    vod_id: str,
    remote_id: str,
    report: SyncReport,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """True when the platform's default is the local default's moment (or there is no local
    default): the ``thumbnail`` outbox entries are then done."""
    moment, state = _wanted(database, vod_id)
    if moment is None or (state.get("timestamp") == moment and state.get("url")):
        return True
    if report.remote_status == "deleted":  # nobody will see it there any more
        return True
    if report.remote_status not in (None, "ready"):
        report.thumbnail = "waiting"
        report.notes.append(
            f"the default thumbnail ({moment:g} s) goes to the platform once it has processed "
            f"the video (it is {report.remote_status})"
        )
        return False
    try:
        chosen = _find_or_make(database, client, vod_id, remote_id, moment, state, sleep)
        if chosen is None:
            report.thumbnail = "waiting"
            report.notes.append(
                f"the platform is still making the thumbnail at {moment:g} s; "
                "the next sync makes it the default"
            )
            _failed(database, vod_id, "the platform's thumbnail is not ready yet")
            return False
        client.set_default_thumbnail(remote_id, chosen.url)
    except PlatformAuthError:
        raise
    except ValidationError as error:  # refused for now (e.g. not ready there yet)
        report.thumbnail = "waiting"
        report.notes.append(f"the default thumbnail was not accepted yet: {error}")
        _failed(database, vod_id, str(error))
        return False
    except PlatformError as error:
        _failed(database, vod_id, str(error))
        raise
    _save(database, vod_id, {"timestamp": moment, "url": chosen.url})
    report.thumbnail = "set"
    return True


def _find_or_make(
    database: Database,
    client: PlatformClient,
    vod_id: str,
    remote_id: str,
    moment: float,
    state: dict,
    sleep: Callable[[float], None],
) -> RemoteThumbnail | None:
    chosen = _at(client.list_thumbnails(remote_id), moment)
    if chosen is not None:
        return chosen
    asked = state.get("pending") == moment and time.time() - state.get("asked_at", 0) < (
        ASK_AGAIN_AFTER
    )
    if not asked:
        # Recorded first: a sync killed after this call does not ask again at once.
        _save(database, vod_id, {"pending": moment, "asked_at": time.time()})
        task = client.generate_thumbnails(remote_id, timestamps=[moment], set_default=0)
        chosen = _at(task.thumbnails, moment)  # a server that made it at once says so
        if chosen is not None:
            return chosen
    for delay in POLL_DELAYS:
        sleep(delay)
        chosen = _at(client.list_thumbnails(remote_id), moment)
        if chosen is not None:
            return chosen
    return None


def _at(thumbnails: list[RemoteThumbnail], moment: float) -> RemoteThumbnail | None:
    """The largest of the platform's thumbnails nearest ``moment``."""
    near = [t for t in thumbnails if abs(t.timestamp - moment) <= SAME_MOMENT and t.url]
    if not near:
        return None
    nearest = min(abs(t.timestamp - moment) for t in near)
    at_moment = [t for t in near if abs(t.timestamp - moment) - nearest <= 1e-6]
    return max(at_moment, key=lambda t: t.pixels)


def _wanted(database: Database, vod_id: str) -> tuple[float | None, dict]:
    with database.session() as s:
        default = s.scalars(
            select(ThumbnailRow).where(
                ThumbnailRow.vod_id == vod_id, ThumbnailRow.is_default.is_(True)
            )
        ).first()
        link = _link(s, vod_id)
        state = dict(link.base_snapshot or {}) if link else {}
        return (round(default.timestamp, 3) if default else None), state


def _save(database: Database, vod_id: str, state: dict) -> None:
    with database.session() as s:
        link = _link(s, vod_id)
        if link is None:
            link = SyncLink(entity=ENTITY, local_id=vod_id, vod_id=vod_id)
            s.add(link)
        link.base_snapshot, link.synced_at = state, utcnow()
        if "url" in state:
            link.remote_id = state["url"]


def _failed(database: Database, vod_id: str, error: str) -> None:
    with database.session() as s:
        for entry in s.scalars(
            select(OutboxEntry).where(OutboxEntry.vod_id == vod_id, OutboxEntry.entity == ENTITY)
        ):
            entry.attempts = (entry.attempts or 0) + 1
            entry.last_error = error


def _link(s, vod_id: str) -> SyncLink | None:
    return s.scalars(
        select(SyncLink).where(SyncLink.entity == ENTITY, SyncLink.local_id == vod_id)
    ).first()
