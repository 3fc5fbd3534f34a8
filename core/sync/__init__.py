"""Offline-first sync of chapters and VOD state with the platform (three-way merge)."""

from .conflicts import ChapterConflict, list_conflicts, resolve_conflict
from .engine import SyncService
from .report import SyncReport
from .vod_state import VodSyncState, vod_sync_state

__all__ = [
    "ChapterConflict",
    "SyncReport",
    "SyncService",
    "VodSyncState",
    "list_conflicts",
    "resolve_conflict",
    "vod_sync_state",
]
