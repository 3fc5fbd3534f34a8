"""Checks shared by every media operation on a VOD: it must be ready and its file present."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from core.domain.errors import StateError
from core.domain.status import VodStatus
from core.library.vods import find_vod
from core.store.models import Vod

from .errors import MediaError


def ready_vod(session: Session, vod_ref: str, action: str, *, needs_video: bool = True) -> Vod:
    """The VOD for ``vod_ref`` when it is ``ready``, its file still exists and (with
    ``needs_video``) it has pictures."""
    vod = find_vod(session, vod_ref)
    if vod.status != VodStatus.READY.value:
        raise StateError(f"cannot {action}: VOD {vod.id[:8]} is {vod.status}, it must be ready")
    source = Path(vod.file_path)
    if not source.is_file():
        raise MediaError(f"cannot {action}: the VOD's file {source} is missing (moved or deleted?)")
    if needs_video and not (vod.width and vod.height):
        raise MediaError(
            f"cannot {action}: {source.name} has no video stream "
            "(an audio-only file has no pictures)"
        )
    return vod
