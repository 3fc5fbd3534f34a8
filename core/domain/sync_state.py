"""Where a VOD stands with the platform: the state shown on its card and in the Upload tab."""

from __future__ import annotations

from enum import StrEnum

#: Upload session statuses of an upload that started and has not finished.
UNFINISHED_UPLOAD = frozenset({"uploading", "paused", "uploaded", "linking"})


class SyncState(StrEnum):
    """Most urgent first."""

    CONFLICT = "conflict"  # a chapter changed on both sides: the user chooses
    ERROR = "error"  # the last sync or upload failed
    NOT_UPLOADED = "not_uploaded"
    UPLOADING = "uploading"  # an upload started and not finished (paused, or interrupted)
    LOCAL_CHANGES = "local_changes"  # edits waiting for the next sync
    SYNCED = "synced"


def sync_state_of(
    *,
    conflicts: int,
    last_error: str | None,
    uploaded: bool,
    upload_status: str | None,
    pending_changes: int,
) -> SyncState:
    if conflicts:
        return SyncState.CONFLICT
    if last_error:
        return SyncState.ERROR
    if not uploaded:
        if upload_status in UNFINISHED_UPLOAD:
            return SyncState.UPLOADING
        return SyncState.NOT_UPLOADED
    if pending_changes:
        return SyncState.LOCAL_CHANGES
    return SyncState.SYNCED
