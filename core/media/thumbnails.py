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

import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from core.domain.errors import NotFoundError, StateError, ValidationError
from core.domain.media_specs import (
    DEFAULT_THUMBNAIL_INDEX,
    THUMBNAIL_SIZES,
    default_thumbnail_timestamps,
    parse_resolutions,
)
from core.library.chapters import ChapterService
from core.library.vods import find_vod
from core.store.db import Database
from core.store.models import ThumbnailRow, new_id
from core.store.outbox import record_change

from .errors import MediaCancelled
from .frame_stream import stream_keyframes
from .frames import grab_last_frame, last_frame_time
from .sources import ready_vod
from .stills import letterboxed, pick_frame, write_stills
from .thumbnail_files import Reconciled, StagedRun, reconcile, staged_run
from .tools import ffmpeg_path

Progress = Callable[[float, str], None]
PARALLEL_GRABS = 5
# A default moment (20..80 %) may move back to a keyframe up to 1 % of the duration earlier.
KEYFRAME_NEAR_FRACTION = 0.01
CHAPTER_THUMBNAIL_SIZE = "medium"


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


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


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one ``generate`` call makes."""

    vod_id: str
    path: str
    duration: float
    fps: float | None
    timestamps: list[float] | None
    sizes: list[str]
    moments: list[float | None]
    default_index: int | None
    smart: bool


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
        _make_dir(folder)
        self.reconcile_files(vod_id)  # what a killed run of this VOD left behind
        plan = _Plan(vod_id, path, duration, fps, timestamps, sizes, moments, default_index, smart)
        with staged_run(folder) as run:
            return self._generate_staged(run, plan, report, cancel)

    def _generate_staged(
        self, run: StagedRun, plan: _Plan, report: Progress, cancel: CancelFlag | None
    ) -> list[ThumbnailInfo]:
        """Images go to ``run.staging``; they move into the VOD's folder with their rows."""
        folder = run.folder
        vod_id, path, duration, fps = plan.vod_id, plan.path, plan.duration, plan.fps
        timestamps, sizes, moments = plan.timestamps, plan.sizes, plan.moments
        default_index, smart = plan.default_index, plan.smart
        written: list[Path] = []
        rows: list[ThumbnailRow] = []

        def work(index: int, grabbed: tuple[float, Any] | None = None) -> None:
            """One moment: ``grabbed`` is its frame when the batch grab already has it."""
            if cancel is not None and cancel.is_set():
                return
            exact = keyframe = None
            if moments[index] is None:
                exact = grabbed or grab_last_frame(path, duration, fps)
                bound = wanted = exact[0]
            else:
                bound, wanted, keyframe = duration, moments[index], grabbed
            approximate = timestamps is None and moments[index] is not None
            pick = pick_frame(
                path,
                wanted,
                smart=smart,
                last_frame=bound,
                near=duration * KEYFRAME_NEAR_FRACTION if approximate else 0.0,
                keyframe=keyframe,
                exact=exact,
            )
            image = pick.image
            # Largest first, each size from the one before: the sizes share one aspect
            # ratio, so a letterboxed picture scales down to the next exactly, and cheaper.
            # The largest size, the dearest to encode, is written by another task beside
            # the chain (Pillow lets go of the GIL), so the last moment to arrive is not
            # finished by one core alone.
            ordered = sorted(sizes, key=lambda n: -THUMBNAIL_SIZES[n].width)
            for number, name in enumerate(ordered):
                size = THUMBNAIL_SIZES[name]
                image = letterboxed(image, size.width, size.height)
                if number == 0 and len(ordered) > 1:
                    offloaded.append(pool.submit(write, index, name, image, pick))
                else:
                    write(index, name, image, pick)

        def write(index: int, name: str, image, pick) -> None:
            size = THUMBNAIL_SIZES[name]
            thumb_id = new_id()
            staged = write_stills(image, run.staging / thumb_id)
            written.extend(staged)
            jpeg, webp = (folder / file.name for file in staged)
            rows.append(
                ThumbnailRow(
                    id=thumb_id,
                    vod_id=vod_id,
                    timestamp=round(pick.used, 3),
                    requested_timestamp=round(
                        duration if moments[index] is None else pick.requested, 3
                    ),
                    resolution=name,
                    width=size.width,
                    height=size.height,
                    jpeg_path=str(jpeg),
                    webp_path=str(webp),
                    size_bytes=staged[0].stat().st_size,
                    webp_size_bytes=staged[1].stat().st_size,
                    batch_index=index,
                )
            )

        offloaded: list = []
        try:
            done = 0
            with ThreadPoolExecutor(max_workers=min(PARALLEL_GRABS, len(moments))) as pool:
                futures, pending = [], list(range(len(moments)))
                if timestamps is None:
                    # The default moments: the 20..80 % keyframes and the last frame, all
                    # from ONE ffmpeg process (its start-up costs more than a grab), each
                    # made into thumbnails as soon as it arrives, while ffmpeg decodes on.
                    near = [i for i, m in enumerate(moments) if m is not None]
                    last = [i for i, m in enumerate(moments) if m is None]
                    slots = near + last
                    for slot, when, image in stream_keyframes(
                        path,
                        [moments[i] for i in near],
                        last_from=(duration, fps) if last else None,
                    ):
                        if cancel is not None and cancel.is_set():
                            break
                        futures.append(pool.submit(work, slots[slot], (when, image)))
                        pending.remove(slots[slot])
                # The rest grab their own frames (the last frame, the longest, first).
                pending.sort(key=lambda i: moments[i] is not None)
                futures += [pool.submit(work, i) for i in pending]
                for future in as_completed(futures):
                    future.result()
                    done += 1
                    report(done / len(moments), f"thumbnail {done} of {len(moments)}")
                for future in offloaded:
                    future.result()
            if cancel is not None and cancel.is_set():
                raise MediaCancelled("thumbnail generation")
        except BaseException:
            for file in written:
                file.unlink(missing_ok=True)
            raise
        order = list(THUMBNAIL_SIZES)
        rows.sort(key=lambda r: (r.batch_index, order.index(r.resolution)))
        if default_index is not None:
            largest = max(
                (r for r in rows if r.batch_index == default_index), key=lambda r: r.width
            )
            largest.is_default = True
        try:
            with self._database.session() as session:
                # Under the write lock: a reconcile never sees these files without their rows.
                session.connection()
                run.move_in(written)
                self._store_rows(session, vod_id, rows, default_index)
                result = [_info(row) for row in rows]
        except BaseException:
            for file in run.moved:
                file.unlink(missing_ok=True)
            raise
        report(1.0, f"{len(result)} thumbnails ready")
        return result

    @staticmethod
    def _store_rows(session, vod_id: str, rows: list[ThumbnailRow], default_index) -> None:
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

    def generate_for_chapters(
        self, vod_ref: str, progress: Progress | None = None, cancel: CancelFlag | None = None
    ) -> list:
        """One thumbnail per chapter, near its start and smart-picked within the chapter,
        saved as the chapter's ``thumbnail_url`` (through ChapterService, so the outbox
        records each change). Returns the updated chapters."""
        chapters_service = ChapterService(self._database)
        with self._database.session() as session:
            vod = ready_vod(session, vod_ref, "make chapter thumbnails")
            vod_id, path, duration = vod.id, vod.file_path, vod.duration
        chapters = chapters_service.list(vod_id).chapters
        if not chapters:
            raise ValidationError("the VOD has no chapters to make thumbnails for")
        report = progress or (lambda fraction, message: None)
        last = last_frame_time(path, duration)
        folder = self._root / vod_id / "chapters"
        _make_dir(folder)
        size = THUMBNAIL_SIZES[CHAPTER_THUMBNAIL_SIZE]
        updated = []
        for number, chapter in enumerate(chapters, start=1):
            if cancel is not None and cancel.is_set():
                raise MediaCancelled("chapter thumbnails")
            length = chapter.end_time - chapter.start_time
            near_start = chapter.start_time + min(2.0, length * 0.1)
            pick = pick_frame(
                path,
                near_start,
                smart=True,
                last_frame=last,
                window=(chapter.start_time, min(chapter.end_time, last)),
            )
            jpeg, _ = write_stills(
                letterboxed(pick.image, size.width, size.height), folder / chapter.id
            )
            updated.append(chapters_service.update(vod_id, chapter.id, thumbnail_url=jpeg.as_uri()))
            report(number / len(chapters), f"chapter {number} of {len(chapters)}")
        return updated

    # --- reading and changing ---------------------------------------------------------------
    def list(self, vod_ref: str) -> list[ThumbnailInfo]:
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
    def _moments(timestamps: list[float] | None, duration: float) -> list[float | None]:
        """Requested times; ``None`` stands for the last decodable frame (100 %)."""
        if timestamps is None:
            defaults = default_thumbnail_timestamps(duration)
            return [*defaults[:-1], None]
        if not timestamps:
            raise ValidationError("no timestamps given")
        moments: list[float | None] = []
        for value in timestamps:
            seconds = float(value)
            if not 0 <= seconds <= duration:
                raise ValidationError(
                    f"timestamp {seconds:g} s is outside the video (0 to {duration:.2f} s)"
                )
            moments.append(None if seconds >= duration else seconds)
        return moments


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


def _find_thumbnail(session, vod_id: str, ref: str) -> ThumbnailRow:
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


def _make_dir(folder: Path) -> None:
    from .errors import MediaError

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise MediaError(f"cannot create {folder}: {error.strerror or error}") from None
