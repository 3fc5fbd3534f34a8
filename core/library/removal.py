"""Removing a VOD from the local library, with its files kept or deleted as the user chooses.

This is not the platform's ``deleted`` status: that status is final but keeps the VOD in the
cache (hidden from ``list``, refused for edits, still known to the sync). Removal takes the VOD
out of this library altogether: its row, chapters, thumbnails, jobs and pending sync entries go,
and nothing is sent to the platform (an uploaded copy stays there).

Files: what the app made for the VOD (every ``<data dir>/<kind>/<vod id>/`` folder: thumbnails,
HLS ladders, anything a later feature stores the same way) is deleted, or moved to
``<data dir>/removed/<title> (<id>)/`` so the data folder keeps no file without a row. The
original recording is deleted only when asked for explicitly, and never while another VOD of
the library still uses the same file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select

from core.domain.errors import StateError
from core.domain.media_specs import JobStatus
from core.store.db import Database
from core.store.models import ChapterRow, OutboxEntry, SyncLink, TranscodeJobRow, Vod

from .lookup import find_vod
from .shapes import VodInfo

REMOVED_FOLDER = "removed"
_ACTIVE_JOBS = (JobStatus.QUEUED.value, JobStatus.PROCESSING.value)


@dataclass(frozen=True, slots=True)
class RemovalPlan:
    """What removing a VOD would touch: the confirmation shows it before anything happens."""

    vod: VodInfo
    chapter_count: int
    generated_folders: list[Path]
    generated_bytes: int
    recording: Path
    recording_bytes: int | None  # None: the file is gone already
    #: ids of other VODs made from the same recording (it is then never deleted)
    recording_shared_with: list[str]

    @property
    def can_delete_recording(self) -> bool:
        return self.recording_bytes is not None and not self.recording_shared_with


@dataclass(frozen=True, slots=True)
class Removal:
    """What a removal did."""

    vod_id: str
    title: str
    deleted_folders: list[Path] = field(default_factory=list)
    kept_in: Path | None = None
    recording_deleted: bool = False
    #: why the recording was kept although its deletion was asked for
    recording_kept: str | None = None
    #: files that could not be deleted or moved (the library entry is gone all the same)
    problems: list[str] = field(default_factory=list)


def plan_removal(database: Database, vod_ref: str) -> RemovalPlan:
    with database.session() as session:
        vod = find_vod(session, vod_ref)
        info = VodInfo.from_row(vod)
        chapters = session.scalar(
            select(func.count()).select_from(ChapterRow).where(ChapterRow.vod_id == vod.id)
        )
        shared = list(
            session.scalars(select(Vod.id).where(Vod.file_path == vod.file_path, Vod.id != vod.id))
        )
    folders = generated_folders(database.data_dir, info.id)
    recording = Path(info.file_path)
    return RemovalPlan(
        vod=info,
        chapter_count=int(chapters or 0),
        generated_folders=folders,
        generated_bytes=sum(_folder_bytes(folder) for folder in folders),
        recording=recording,
        recording_bytes=recording.stat().st_size if recording.is_file() else None,
        recording_shared_with=shared,
    )


def remove_vod(
    database: Database,
    vod_ref: str,
    *,
    delete_generated: bool = False,
    delete_recording: bool = False,
) -> Removal:
    """Take the VOD out of the library in one transaction, then delete or move its files.

    Refused (``StateError``) while one of its transcodes is queued or running."""
    with database.session() as session:
        vod = find_vod(session, vod_ref)
        running = session.scalar(
            select(func.count())
            .select_from(TranscodeJobRow)
            .where(TranscodeJobRow.vod_id == vod.id, TranscodeJobRow.status.in_(_ACTIVE_JOBS))
        )
        if running:
            raise StateError(
                f'cannot remove "{vod.title}": a transcode of it is queued or running; '
                "cancel it first"
            )
        vod_id, title, recording = vod.id, vod.title, Path(vod.file_path)
        shared = session.scalar(
            select(func.count())
            .select_from(Vod)
            .where(Vod.file_path == vod.file_path, Vod.id != vod.id)
        )
        # Rows without a foreign key to the VOD; the rest (chapters, thumbnails, jobs and
        # their outputs, upload sessions) go with it through ON DELETE CASCADE.
        session.execute(delete(OutboxEntry).where(OutboxEntry.vod_id == vod_id))
        session.execute(delete(SyncLink).where(SyncLink.vod_id == vod_id))
        session.delete(vod)
    problems: list[str] = []
    deleted: list[Path] = []
    kept_in: Path | None = None
    folders = generated_folders(database.data_dir, vod_id)
    if delete_generated:
        for folder in folders:
            try:
                shutil.rmtree(folder)
                deleted.append(folder)
            except OSError as error:
                problems.append(f"could not delete {folder}: {error.strerror or error}")
    elif folders:
        kept_in = _unique(database.data_dir / REMOVED_FOLDER / _folder_name(title, vod_id))
        for folder in folders:
            try:
                kept_in.mkdir(parents=True, exist_ok=True)
                shutil.move(str(folder), str(kept_in / folder.parent.name))
            except OSError as error:
                problems.append(f"could not move {folder}: {error.strerror or error}")
    recording_deleted, recording_kept = False, None
    if delete_recording:
        if shared:
            recording_kept = (
                f"{recording.name} was kept: another VOD of the library uses the same file"
            )
        else:
            try:
                recording.unlink(missing_ok=True)
                recording_deleted = True
            except OSError as error:
                problems.append(f"could not delete {recording}: {error.strerror or error}")
    return Removal(
        vod_id=vod_id,
        title=title,
        deleted_folders=deleted,
        kept_in=kept_in,
        recording_deleted=recording_deleted,
        recording_kept=recording_kept,
        problems=problems,
    )


def generated_folders(data_dir: Path, vod_id: str) -> list[Path]:
    """Every ``<data dir>/<kind>/<vod id>/`` folder (ids are UUIDs: no name can collide)."""
    root = Path(data_dir)
    if not root.is_dir():
        return []
    return sorted(
        child / vod_id
        for child in root.iterdir()
        if child.is_dir() and child.name != REMOVED_FOLDER and (child / vod_id).is_dir()
    )


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _folder_name(title: str, vod_id: str) -> str:
    safe = "".join(c if c.isalnum() or c in " -_." else "_" for c in title).strip(" .")
    return f"{safe[:60] or 'VOD'} ({vod_id[:8]})"


def _unique(path: Path) -> Path:
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name} {number}")
        number += 1
    return candidate
