"""What one sync of one VOD did (the CLI's ``--json`` shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.domain.changes import ChangeSet


def _counts() -> dict[str, int]:
    return {"created": 0, "updated": 0, "deleted": 0}


@dataclass
class SyncReport:
    vod_id: str
    remote_id: str | None
    pushed: dict[str, int] = field(default_factory=_counts)
    pulled: dict[str, int] = field(default_factory=_counts)
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Platform records that could not be read: left alone, their local changes kept.
    unreadable: list[str] = field(default_factory=list)
    skipped: str | None = None
    requests: int = 0
    remote_status: str | None = None
    # The platform's default thumbnail: "set" this sync, "waiting" (the platform is still
    # processing), or None (nothing to do).
    thumbnail: str | None = None
    #: what the pull changed in the VOD's chapters (origin ``pull``); not part of the JSON
    changes: ChangeSet | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "vod_id": self.vod_id,
            "remote_id": self.remote_id,
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": sorted(set(self.conflicts)),
            "errors": self.errors,
            "notes": self.notes,
            "unreadable": self.unreadable,
            "skipped": self.skipped,
            "requests": self.requests,
            "remote_status": self.remote_status,
            "thumbnail": self.thumbnail,
        }
