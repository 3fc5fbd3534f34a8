"""Thumbnails of a VOD, per the platform's contract, made locally from the file.

One *moment* (a timestamp) gives one thumbnail per requested resolution. Timestamps the
user gives are exact frames; the default 20/40/60/80 % moments use the keyframe at or before
the time when it is within 1 % of the duration (one decoded frame, not a GOP), and 100 % is
the last decodable frame; every thumbnail
records both the requested and the actual time. ``set_default``
is the index of a moment (0-based, as the platform's ``set_default``); the default
thumbnail is that moment's largest generated resolution, and there is exactly one default
per VOD. Files live in ``<data_dir>/thumbnails/<vod_id>/``.
"""

from __future__ import annotations

import builtins
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.cancel import CancelFlag
from core.domain.chapters import Chapter
from core.domain.errors import NotFoundError, StateError, ValidationError
from core.domain.media_specs import (
    DEFAULT_THUMBNAIL_INDEX,
    THUMBNAIL_SIZES,
    default_thumbnail_timestamps,
    parse_resolutions,
)
from core.media.thumbnail_grabs import VideoFacts, grab_stills, make_dir
from core.media.tools import ffmpeg_path
from core.store.db import Database
from core.store.models import ThumbnailRow, new_id
from core.store.outbox import record_change

from .chapter_thumbnails import make_chapter_thumbnails
from .chapters import Changed
from .thumbnail_files import Reconciled, reconcile, staged_run
from .vods import find_vod, ready_vod

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class ThumbnailInfo:
    thumbnail_id: str
    vod_id: str
    timestamp: float
    requested_timestamp: float
    resolution: str
    width: int
    height: int
    jpeg_path: str
    webp_path: str | None
    size_bytes: int
    is_default: bool
    batch_index: int

    @property
    def resolution_label(self) -> str:
        return f"{self.width}x{self.height}"

    def to_json(self) -> dict[str, Any]:
        """The platform's list shape, with local ``file://`` URLs."""
        return {
            "thumbnail_id": self.thumbnail_id,
            "url": Path(self.jpeg_path).as_uri(),
            "webp_url": Path(self.webp_path).as_uri() if self.webp_path else None,
            "timestamp": self.timestamp,
            "resolution": self.resolution_label,
            "size_bytes": self.size_bytes,
            "is_default": self.is_default,
        }


def _info(row: ThumbnailRow) -> ThumbnailInfo:
    return ThumbnailInfo(
        thumbnail_id=row.id,
        vod_id=row.vod_id,
        timestamp=row.timestamp,
        requested_timestamp=row.requested_timestamp,
        resolution=row.resolution,
        width=row.width,
        height=row.height,
        jpeg_path=row.jpeg_path,
        webp_path=row.webp_path,
        size_bytes=row.size_bytes,
        is_default=row.is_default,
        batch_index=row.batch_index,
    )


class ThumbnailService:
    def __init__(self, database: Database, data_dir: str | Path) -> None:
        self._database = database
        self._root = Path(data_dir) / "thumbnails"

    # --- generating ----------------------------------------------------------------------
    def generate(
        self,
        vod_ref: str,
        timestamps: list[float] | None = None,
        resolutions: list[str] | str | None = None,
        set_default: int | None = DEFAULT_THUMBNAIL_INDEX,
        smart: bool = True,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
    ) -> list[ThumbnailInfo]:
        with self._database.session() as session:
            vod = ready_vod(session, vod_ref, "make thumbnails")
            vod_id, path, duration, fps = vod.id, vod.file_path, vod.duration, vod.fps
        sizes = parse_resolutions(resolutions)
        ffmpeg_path("ffmpeg"), ffmpeg_path("ffprobe")
        moments = self._moments(timestamps, duration)
        default_index = _default_index(set_default, len(moments))
        report = progress or (lambda fraction, message: None)
        report(0.0, "grabbing frames")
        folder = self._root / vod_id
        make_dir(folder)
        self.reconcile_files(vod_id)  # what a killed run of this VOD left behind
        with staged_run(folder) as run:
            stills = grab_stills(
                VideoFacts(path, duration, fps),
                moments,
                sizes,
                run.staging,
                new_name=new_id,
                near_keyframes=timestamps is None,
                smart=smart,
                progress=report,
                cancel=cancel,
            )
            rows = [
                ThumbnailRow(
                    id=still.name,
                    vod_id=vod_id,
                    timestamp=round(still.used, 3),
                    requested_timestamp=round(still.requested, 3),
                    resolution=still.size,
                    width=still.width,
                    height=still.height,
                    jpeg_path=str(folder / still.jpeg.name),
                    webp_path=str(folder / still.webp.name),
                    size_bytes=still.jpeg.stat().st_size,
                    webp_size_bytes=still.webp.stat().st_size,
                    batch_index=still.moment,
                )
                for still in stills
            ]
            order = list(THUMBNAIL_SIZES)
            rows.sort(key=lambda r: (r.batch_index, order.index(r.resolution)))
            if default_index is not None:
                largest = max(
                    (r for r in rows if r.batch_index == default_index), key=lambda r: r.width
                )
                largest.is_default = True
            try:
                with self._database.session() as session:
                    # Moved in under the write lock: a reconcile never sees them without rows.
                    session.connection()
                    run.move_in(p for still in stills for p in (still.jpeg, still.webp))
                    _store_rows(session, vod_id, rows, default_index)
                    result = [_info(row) for row in rows]
            except BaseException:
                for file in run.moved:
                    file.unlink(missing_ok=True)
                raise
        report(1.0, f"{len(result)} thumbnails ready")
        return result

    def generate_for_chapters(
        self, vod_ref: str, progress: Progress | None = None, cancel: CancelFlag | None = None
    ) -> Changed[builtins.list[Chapter]]:
        """One thumbnail per chapter, saved as the chapters' ``thumbnail_url`` in one change
        (``chapter_thumbnails.make_chapter_thumbnails``)."""
        return make_chapter_thumbnails(
            self._database, self._root, vod_ref, progress=progress, cancel=cancel
        )

    # --- reading and changing ---------------------------------------------------------------
    def list(self, vod_ref: str) -> builtins.list[ThumbnailInfo]:
        with self._database.read_session() as session:
            vod = find_vod(session, vod_ref)
            rows = session.scalars(
                select(ThumbnailRow)
                .where(ThumbnailRow.vod_id == vod.id)
                .order_by(ThumbnailRow.created_at, ThumbnailRow.batch_index, ThumbnailRow.width)
            )
            return [_info(row) for row in rows]

    def set_default(self, vod_ref: str, thumbnail_ref: str) -> ThumbnailInfo:
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            chosen = _find_thumbnail(session, vod.id, thumbnail_ref)
            for row in session.scalars(select(ThumbnailRow).where(ThumbnailRow.vod_id == vod.id)):
                row.is_default = row.id == chosen.id
            record_change(
                session,
                vod_id=vod.id,
                entity="thumbnail",
                entity_id=chosen.id,
                operation="default",
                payload={"thumbnail_url": Path(chosen.jpeg_path).as_uri()},
            )
            session.flush()
            return _info(chosen)

    def delete(self, vod_ref: str, thumbnail_ref: str) -> ThumbnailInfo:
        with self._database.session() as session:
            vod = find_vod(session, vod_ref)
            row = _find_thumbnail(session, vod.id, thumbnail_ref)
            if row.is_default:
                raise StateError(
                    "cannot delete the default thumbnail: set another as default first"
                )
            info = _info(row)
            session.delete(row)
            record_change(
                session, vod_id=vod.id, entity="thumbnail", entity_id=row.id, operation="delete"
            )
        for file in (info.jpeg_path, info.webp_path):
            if file:
                Path(file).unlink(missing_ok=True)
        return info

    def reconcile_files(self, vod_ref: str | None = None) -> Reconciled:
        """No thumbnail file without a row, no row without its files: for one VOD, or for
        every VOD (at start). What a killed run left behind goes."""
        with self._database.session() as session:
            vod_id = find_vod(session, vod_ref).id if vod_ref else None
            return reconcile(session, self._root, vod_id)

    def remove_all_files(self, vod_id: str) -> None:
        shutil.rmtree(self._root / vod_id, ignore_errors=True)

    # --- internals -------------------------------------------------------------------------
    @staticmethod
    def _moments(
        timestamps: builtins.list[float] | None, duration: float
    ) -> builtins.list[float | None]:
        """Requested times; ``None`` stands for the last decodable frame (100 %)."""
        if timestamps is None:
            defaults = default_thumbnail_timestamps(duration)
            return [*defaults[:-1], None]
        if not timestamps:
            raise ValidationError("no timestamps given")
        moments: builtins.list[float | None] = []
        for value in timestamps:
            seconds = float(value)
            if not 0 <= seconds <= duration:
                raise ValidationError(
                    f"timestamp {seconds:g} s is outside the video (0 to {duration:.2f} s)"
                )
            moments.append(None if seconds >= duration else seconds)
        return moments


def _store_rows(
    session: Session, vod_id: str, rows: list[ThumbnailRow], default_index: int | None
) -> None:
    if default_index is not None:
        for old in session.scalars(
            select(ThumbnailRow).where(
                ThumbnailRow.vod_id == vod_id, ThumbnailRow.is_default.is_(True)
            )
        ):
            old.is_default = False
    session.add_all(rows)
    session.flush()
    for row in rows:
        record_change(
            session,
            vod_id=vod_id,
            entity="thumbnail",
            entity_id=row.id,
            operation="create",
            payload=_info(row).to_json(),
        )


def _default_index(set_default: int | None, count: int) -> int | None:
    if set_default is None:
        return None
    if set_default < 0:
        raise ValidationError(f"default index must be 0 or more, got {set_default}")
    if set_default >= count:
        if set_default == DEFAULT_THUMBNAIL_INDEX:
            return count - 1  # the platform's default index with fewer moments: the last one
        raise ValidationError(
            f"default index {set_default} is out of range: {count} timestamp(s) were requested"
        )
    return set_default


def _find_thumbnail(session: Session, vod_id: str, ref: str) -> ThumbnailRow:
    ref = (ref or "").strip()
    row = session.get(ThumbnailRow, ref)
    if row is not None and row.vod_id == vod_id:
        return row
    if len(ref) >= 4:
        matches = session.scalars(
            select(ThumbnailRow)
            .where(ThumbnailRow.vod_id == vod_id, ThumbnailRow.id.startswith(ref))
            .limit(2)
        ).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(f"thumbnail id prefix {ref!r} is ambiguous: give more characters")
    raise NotFoundError(f"thumbnail {ref} not found for this VOD")
