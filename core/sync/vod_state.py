"""The VOD itself on the platform: its status, and the sync state shown per VOD.

The page offers no endpoint to edit a VOD's title or description after upload, so only the
status travels: the platform's processing pipeline owns processing → ready | failed, and the
user's own decision, ready → deleted, is pushed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.domain.status import ALLOWED_TRANSITIONS, VodStatus
from core.domain.sync_state import SyncState, sync_state_of
from core.store.db import Database
from core.store.models import OutboxEntry, SyncLink, UploadSession, Vod

from .report import SyncReport


def push_vod_changes(
    database: Database, client, vod_id: str, remote_id: str, watermark: int, report: SyncReport
) -> None:
    remote = client.get_vod(remote_id)
    with database.session() as s:
        vod = s.get_one(Vod, vod_id)
        local_status = vod.status
        detail_edits = s.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .where(
                OutboxEntry.vod_id == vod_id,
                OutboxEntry.entity == "vod",
                OutboxEntry.operation == "update",
                OutboxEntry.id <= watermark,
            )
        )
    status = remote.status
    if (
        local_status == VodStatus.DELETED.value
        and status != local_status
        and VodStatus.DELETED in ALLOWED_TRANSITIONS.get(VodStatus(status), ())
    ):
        status = client.set_vod_status(remote_id, local_status).status
    with database.session() as s:
        s.get_one(Vod, vod_id).remote_status = status
    report.remote_status = status
    if detail_edits:
        report.notes.append(
            "title/description edits stay local: the platform has no endpoint "
            "to change them after upload"
        )


@dataclass(frozen=True, slots=True)
class VodSyncState:
    vod_id: str
    state: SyncState
    pending_changes: int
    conflicts: int
    remote_id: str | None
    remote_status: str | None
    upload_status: str | None
    upload_offset: int
    upload_size: int
    last_error: str | None

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def vod_sync_state(database: Database, vod_id: str, last_error: str | None = None) -> VodSyncState:
    with database.read_session() as s:
        vod = s.get_one(Vod, vod_id)
        pending = (
            s.scalar(
                select(func.count())
                .select_from(OutboxEntry)
                .where(
                    OutboxEntry.vod_id == vod_id,
                    OutboxEntry.entity.in_(("chapter", "vod", "thumbnail")),
                )
            )
            or 0
        )
        conflicts = sum(
            1 for c in s.scalars(select(SyncLink.conflict).where(SyncLink.vod_id == vod_id)) if c
        )
        upload = s.scalars(
            select(UploadSession)
            .where(UploadSession.vod_id == vod_id)
            .order_by(UploadSession.created_at.desc())
            .limit(1)
        ).first()
        if last_error is None and upload is not None and upload.status == "failed":
            last_error = upload.error
        state = sync_state_of(
            conflicts=conflicts,
            last_error=last_error,
            uploaded=bool(vod.remote_id),
            upload_status=upload.status if upload else None,
            pending_changes=pending,
        )
        return VodSyncState(
            vod_id=vod_id,
            state=state,
            pending_changes=pending,
            conflicts=conflicts,
            remote_id=vod.remote_id,
            remote_status=vod.remote_status,
            upload_status=upload.status if upload else None,
            upload_offset=upload.offset if upload else 0,
            upload_size=upload.file_size if upload else 0,
            last_error=last_error,
        )
