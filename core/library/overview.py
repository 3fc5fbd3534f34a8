"""The library page in one query: every VOD with its chapter count, default thumbnail and
sync state, however many VODs there are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from core.domain.status import VodStatus
from core.domain.sync_state import SyncState, sync_state_of
from core.store.db import Database
from core.store.models import ChapterRow, OutboxEntry, SyncLink, ThumbnailRow, UploadSession, Vod

from .shapes import VodInfo


@dataclass(frozen=True, slots=True)
class VodCard:
    vod: VodInfo
    chapter_count: int
    default_thumbnail: str | None  # the default thumbnail's JPEG
    sync_state: SyncState

    def to_json(self) -> dict[str, Any]:
        return {
            **self.vod.to_json(),
            "chapter_count": self.chapter_count,
            "default_thumbnail": self.default_thumbnail,
            "sync_state": self.sync_state.value,
        }


def vod_cards(database: Database, *, include_deleted: bool = False) -> list[VodCard]:
    """Newest first; the counts and the latest upload come from correlated subqueries of the
    same SELECT (the page used to ask once per VOD)."""

    def per_vod(statement: Any) -> Any:
        return statement.correlate(Vod).scalar_subquery()

    chapters = per_vod(select(func.count(ChapterRow.id)).where(ChapterRow.vod_id == Vod.id))
    thumbnail = per_vod(
        select(ThumbnailRow.jpeg_path)
        .where(ThumbnailRow.vod_id == Vod.id, ThumbnailRow.is_default.is_(True))
        .limit(1)
    )
    pending = per_vod(
        select(func.count(OutboxEntry.id)).where(
            OutboxEntry.vod_id == Vod.id, OutboxEntry.entity.in_(("chapter", "vod"))
        )
    )
    # JSON null and SQL NULL both mean "no conflict".
    conflicts = per_vod(
        select(func.count(SyncLink.id)).where(
            SyncLink.vod_id == Vod.id, func.json_type(SyncLink.conflict) == "object"
        )
    )
    latest_upload = (
        select(UploadSession.id)
        .where(UploadSession.vod_id == Vod.id)
        .order_by(UploadSession.created_at.desc())
        .limit(1)
    )
    upload_status = per_vod(
        select(UploadSession.status).where(UploadSession.id == per_vod(latest_upload))
    )
    upload_error = per_vod(
        select(UploadSession.error).where(UploadSession.id == per_vod(latest_upload))
    )
    query = select(
        Vod, chapters, thumbnail, pending, conflicts, upload_status, upload_error
    ).order_by(Vod.created_at.desc())
    if not include_deleted:
        query = query.where(Vod.status != VodStatus.DELETED.value)
    cards = []
    with database.read_session() as session:
        for vod, count, jpeg, changes, clashes, status, error in session.execute(query):
            state = sync_state_of(
                conflicts=clashes,
                last_error=error if status == "failed" else None,
                uploaded=bool(vod.remote_id),
                upload_status=status,
                pending_changes=changes,
            )
            cards.append(VodCard(VodInfo.from_row(vod), count, jpeg, state))
    return cards
