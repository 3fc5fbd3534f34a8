"""Importing, listing and changing the status of VODs."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain.cancel import CancelFlag
from core.domain.errors import DuplicateError, StateError, ValidationError
from core.domain.status import VodStatus, check_editable, check_transition
from core.domain.visibility import parse_visibility
from core.domain.vod_details import clean_content_warning, clean_vod_description, clean_vod_title
from core.media import keyframes as media_keyframes
from core.media.errors import MediaError
from core.media.probe import MediaInfo
from core.media.truncation import probe_decodable, truncation_note
from core.store.db import Database
from core.store.models import ChapterRow, Vod
from core.store.outbox import record_change

from .lookup import find_vod  # re-exported: services import it from here
from .overview import VodCard, vod_cards
from .shapes import VodInfo

if TYPE_CHECKING:
    from .removal import Removal, RemovalPlan


def ready_vod(session: Session, vod_ref: str, action: str, *, needs_video: bool = True) -> Vod:
    """The VOD for ``vod_ref`` when it is ``ready``, its file still exists and (with
    ``needs_video``) it has pictures: what every media operation on a VOD needs."""
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


class VodLibrary:
    def __init__(
        self, database: Database, prober: Callable[[str], MediaInfo] = probe_decodable
    ) -> None:
        self._database = database
        self._probe = prober

    def import_file(
        self, path: str | Path, *, title: str | None = None, allow_duplicate: bool = True
    ) -> VodInfo:
        """Probe ``path`` and add it as a VOD; nothing is stored when the file is unusable.

        The probe is this local pipeline's processing step, so a VOD that probes cleanly
        goes ``processing → ready`` inside the import. With ``allow_duplicate=False`` (what
        the CLI and the GUI pass: a person is told) a file the library already has (same
        path, not ``deleted``) is refused with ``DuplicateError`` naming that VOD.
        """
        if not allow_duplicate:
            self._refuse_duplicate(Path(path))
        info = self._probe(str(path))
        name = clean_vod_title(title if title is not None else Path(info.path).stem)
        with self._database.session() as session:
            vod = Vod(
                file_path=info.path,
                title=name,
                description="",
                duration=info.duration,
                claimed_duration=info.claimed_duration,
                width=info.width,
                height=info.height,
                fps=info.fps,
                video_codec=info.video_codec,
                audio_codec=info.audio_codec,
                container=info.container,
                bit_rate=info.bit_rate,
                size_bytes=info.size_bytes,
                status=VodStatus.PROCESSING.value,
            )
            vod.status = check_transition(vod.status, VodStatus.READY).value
            session.add(vod)
            session.flush()
            record_change(
                session, vod_id=vod.id, entity="vod", entity_id=vod.id, operation="create"
            )
            return VodInfo.from_row(vod)

    def find_by_file(self, path: str | Path) -> VodInfo | None:
        """The VOD (not ``deleted``) made from the file at ``path``, if the library has one."""
        resolved = str(Path(path).expanduser().resolve())
        with self._database.session() as session:
            vod = session.scalars(
                select(Vod)
                .where(Vod.file_path == resolved, Vod.status != VodStatus.DELETED.value)
                .order_by(Vod.created_at)
                .limit(1)
            ).first()
            return VodInfo.from_row(vod) if vod is not None else None

    def _refuse_duplicate(self, path: Path) -> None:
        existing = self.find_by_file(path)
        if existing is not None:
            raise DuplicateError(
                f'{path.name} is already in the library as "{existing.title}" (VOD {existing.id})',
                existing_id=existing.id,
                existing_title=existing.title,
            )

    def plan_removal(self, vod_ref: str) -> RemovalPlan:
        """What removing the VOD would touch (chapters, generated files, the recording)."""
        from .removal import plan_removal  # it reads VODs through this module

        return plan_removal(self._database, vod_ref)

    def remove(
        self, vod_ref: str, *, delete_generated: bool = False, delete_recording: bool = False
    ) -> Removal:
        """Take the VOD out of the library (see ``core.library.removal``)."""
        from .removal import remove_vod

        return remove_vod(
            self._database,
            vod_ref,
            delete_generated=delete_generated,
            delete_recording=delete_recording,
        )

    @staticmethod
    def truncation_warning(vod: VodInfo) -> str | None:
        """What to tell the user about a recording cut short, or ``None``."""
        if not vod.claimed_duration:
            return None
        return truncation_note(Path(vod.file_path).name, vod.duration, vod.claimed_duration)

    def list(self, *, include_deleted: bool = False) -> list[VodInfo]:
        with self._database.read_session() as session:
            query = select(Vod).order_by(Vod.created_at.desc())
            if not include_deleted:
                query = query.where(Vod.status != VodStatus.DELETED.value)
            return [VodInfo.from_row(vod) for vod in session.scalars(query)]

    def get(self, vod_ref: str) -> VodInfo:
        with self._database.read_session() as session:
            return VodInfo.from_row(find_vod(session, vod_ref))

    def keyframes(self, vod_ref: str, cancel: CancelFlag | None = None) -> builtins.list[float]:
        """All keyframe times of a VOD's file (for snapping on the timeline), read once from
        packet flags and kept on the VOD's row; ``[]`` when cancelled."""
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            if vod.keyframes:
                return list(vod.keyframes)
            vod_id, path, duration = vod.id, vod.file_path, vod.duration
        if cancel is not None and cancel.is_set():
            return []
        times = media_keyframes.keyframe_times(path, limit_seconds=duration + 1)
        if cancel is not None and cancel.is_set():
            return []
        with self._database.session() as session:
            find_vod(session, vod_id).keyframes = times
        return times

    def cards(self) -> builtins.list[VodCard]:
        """Every VOD (newest first) with what its card on the library page shows, in one query."""
        return vod_cards(self._database)

    def chapter_counts(self) -> dict[str, int]:
        with self._database.read_session() as session:
            rows = session.execute(
                select(ChapterRow.vod_id, func.count()).group_by(ChapterRow.vod_id)
            )
            return dict(rows.all())

    def set_status(self, vod_ref: str, status: str) -> VodInfo:
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            vod.status = check_transition(vod.status, status).value
            record_change(
                session,
                vod_id=vod.id,
                entity="vod",
                entity_id=vod.id,
                operation="status",
                payload={"status": vod.status},
            )
            session.flush()  # updated_at is stamped on flush
            return VodInfo.from_row(vod)

    def update_details(self, vod_ref: str, **changes: object) -> VodInfo:
        """Edit title, description, visibility, group, content warning or the NSFW flag."""
        allowed = {"title", "description", "visibility", "group_id", "content_warning", "is_nsfw"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationError(f"cannot change {', '.join(sorted(unknown))} of a VOD")
        if "title" in changes:
            changes["title"] = clean_vod_title(changes["title"])
        if "description" in changes:
            changes["description"] = clean_vod_description(changes["description"])
        if "content_warning" in changes:
            changes["content_warning"] = clean_content_warning(changes["content_warning"])
        if "visibility" in changes:
            parse_visibility(changes["visibility"])
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            check_editable(vod.status, "its details")
            for key, value in changes.items():
                setattr(vod, key, value)
            record_change(
                session,
                vod_id=vod.id,
                entity="vod",
                entity_id=vod.id,
                operation="update",
                payload=dict(changes.items()),
            )
            session.flush()  # updated_at is stamped on flush
            return VodInfo.from_row(vod)
