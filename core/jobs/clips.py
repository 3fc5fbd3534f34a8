"""Clip exports as a batch queue: ``ClipService.queue`` records one row per clip (a chapter,
several, all of them, or an in/out range), ``run`` exports queued clips one after another
with progress and cancel, and ``cancel`` stops a clip or a whole batch from any process.

The GUI runs the queue on a worker thread while it is open; ``vodstudio clips export``
queues its batch and runs it in the terminal. Both may share one data directory: each
clip is claimed by exactly one of them.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from core.domain.chapters import Chapter
from core.domain.clips import (
    ClipMode,
    ClipOptions,
    ClipRange,
    VerticalFill,
    VerticalOptions,
    check_range,
    clip_file_stem,
    unique_names,
)
from core.domain.errors import DomainError, NotFoundError, StateError, ValidationError
from core.library.chapters import ChapterService
from core.library.vods import find_vod, ready_vod
from core.media.clip_common import ClipRequest
from core.media.clip_files import check_writable
from core.media.clips import export_clip
from core.media.errors import MediaCancelled, MediaError
from core.store.db import Database
from core.store.models import ClipJobRow, Vod

from .clip_queue import (
    CANCELLED,
    COMPLETED,
    FAILED,
    FINAL,
    PROCESSING,
    QUEUED,
    claim_next_clip,
    finish,
    recover_clips,
    save_progress,
)
from .clip_shapes import clip_json, default_folder, find_chapter, options_json
from .queue import new_worker_id

SAVE_INTERVAL = 0.5
WAIT_SECONDS = 0.5
Observer = Callable[[dict[str, Any]], None]


class ClipService:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._chapters = ChapterService(database)
        self.worker_id = new_worker_id()

    # --- queueing ----------------------------------------------------------------------------
    def queue(
        self,
        vod_ref: str,
        *,
        chapter_refs: Iterable[str] = (),
        all_chapters: bool = False,
        ranges: Iterable[tuple[float, float, str | None]] = (),
        options: ClipOptions | None = None,
        folder: str | Path | None = None,
    ) -> list[dict[str, Any]]:
        """Queue one clip per chapter (or every chapter) and per ``(start, end, title)``
        range, all in one batch; their rows as dicts, in order."""
        options = options or ClipOptions()
        with self._database.session() as session:
            vod = ready_vod(session, vod_ref, "export clips")
            vod_id, vod_title, duration = vod.id, vod.title, vod.duration
            file_path = vod.file_path
        chapters = self._chapters.timeline(vod_id).chapters
        clips = self._clip_ranges(chapters, chapter_refs, all_chapters, ranges, duration)
        target = Path(folder).expanduser() if folder else default_folder(file_path)
        try:
            check_writable(target)  # a read-only, full or missing disk: said now, not later
        except MediaError as error:
            raise ValidationError(str(error)) from None
        stems = unique_names(
            [
                clip_file_stem(options.template, vod=vod_title, clip=c, mode=options.mode)
                for c in clips
            ],
            self._taken_names(target),
        )
        batch_id = str(uuid.uuid4())
        stored = options_json(options)
        with self._database.session() as session:
            rows = [
                ClipJobRow(
                    batch_id=batch_id,
                    vod_id=vod_id,
                    number=clip.number,
                    title=clip.title,
                    chapter_id=clip.chapter_id,
                    start_time=clip.start,
                    end_time=clip.end,
                    mode=options.mode.value,
                    folder=str(target),
                    stem=stem,
                    options=stored,
                    status=QUEUED,
                    notes=[],
                )
                for clip, stem in zip(clips, stems, strict=True)
            ]
            session.add_all(rows)
            session.flush()
            return [clip_json(row) for row in rows]

    def _clip_ranges(
        self,
        chapters: list[Chapter],
        chapter_refs: Iterable[str],
        all_chapters: bool,
        ranges: Iterable[tuple[float, float, str | None]],
        duration: float,
    ) -> list[ClipRange]:
        numbers = {c.id: n for n, c in enumerate(sorted(chapters, key=lambda c: c.start_time), 1)}
        picked: list[Chapter] = list(chapters) if all_chapters else []
        for ref in chapter_refs:
            chapter = find_chapter(chapters, ref)
            if chapter not in picked:
                picked.append(chapter)
        if all_chapters and not chapters:
            raise StateError("this VOD has no chapters to export")
        clips = [
            ClipRange(c.start_time, c.end_time, c.title, numbers[c.id], c.id)
            for c in sorted(picked, key=lambda c: c.start_time)
        ]
        number = max((c.number for c in clips), default=0)
        for start, end, title in ranges:  # numbered after the chapters of the batch
            check_range(start, end, duration)
            number += 1
            clips.append(ClipRange(start, end, title or "clip", number))
        if not clips:
            raise ValidationError("nothing to export: name a chapter, or give --start and --end")
        return clips

    def _taken_names(self, folder: Path) -> set[str]:
        """Names of files already in ``folder`` and of clips queued for it (stems)."""
        taken = {p.stem for p in folder.iterdir()} if folder.is_dir() else set()
        with self._database.session() as session:
            taken |= set(
                session.scalars(
                    select(ClipJobRow.stem).where(
                        ClipJobRow.folder == str(folder),
                        ClipJobRow.status.in_((QUEUED, PROCESSING)),
                    )
                )
            )
        return taken

    # --- reading -----------------------------------------------------------------------------
    def jobs(
        self, batch_id: str | None = None, *, vod_ref: str | None = None
    ) -> list[dict[str, Any]]:
        with self._database.session() as session:
            query = select(ClipJobRow).order_by(ClipJobRow.created_at, ClipJobRow.number)
            if batch_id:
                query = query.where(ClipJobRow.batch_id == batch_id)
            if vod_ref:
                query = query.where(ClipJobRow.vod_id == find_vod(session, vod_ref).id)
            return [clip_json(row) for row in session.scalars(query)]

    # --- cancelling ----------------------------------------------------------------------------
    def cancel(self, ref: str) -> list[dict[str, Any]]:
        """Cancel a clip (its id) or a batch (the batch id); a prefix of 4+ characters
        works. Queued clips stop at once; a running one is asked to stop, wherever it runs."""
        text = (ref or "").strip()
        if len(text) < 4:
            raise ValidationError("give at least 4 characters of a clip or batch id")
        with self._database.session() as session:
            rows = session.scalars(
                select(ClipJobRow).where(
                    or_(ClipJobRow.id.startswith(text), ClipJobRow.batch_id.startswith(text))
                )
            ).all()
            if not rows:
                raise NotFoundError(f"no clip or batch {text} in the queue")
            batches = {r.batch_id for r in rows if r.batch_id.startswith(text)}
            clips = [r for r in rows if r.id.startswith(text)]
            if len(batches) + len(clips) > 1:
                raise ValidationError(f"{text!r} is ambiguous: give more characters")
            rows = clips or [r for r in rows if r.batch_id in batches]
            live = [r for r in rows if r.status not in FINAL]
            if not live:
                raise StateError("these clips are already finished; nothing to cancel")
            for row in live:
                row.cancel_requested = True
                if row.status == QUEUED:
                    row.status = CANCELLED
            session.flush()
            return [clip_json(row) for row in rows]

    # --- running -------------------------------------------------------------------------------
    def run(
        self,
        batch_id: str | None = None,
        *,
        observer: Observer | None = None,
        stop: threading.Event | None = None,
    ) -> list[dict[str, Any]]:
        """Export queued clips (of ``batch_id``, or all) here, one at a time, until none
        is left or ``stop`` is set; ``observer(job)`` gets each clip's state about twice a
        second. The final state of the clips run."""
        recover_clips(self._database)
        done: list[str] = []
        while not (stop is not None and stop.is_set()):
            job_id = claim_next_clip(self._database, self.worker_id, batch_id)
            if job_id is not None:
                self._run_one(job_id, observer, stop)
                done.append(job_id)
                continue
            if batch_id is None or not self._wait_for_others(batch_id, observer):
                break
        if batch_id is not None:
            return self.jobs(batch_id)
        with self._database.session() as session:
            rows = (session.get(ClipJobRow, j) for j in done)
            return [clip_json(row) for row in rows if row is not None]

    def _wait_for_others(self, batch_id: str, observer: Observer | None) -> bool:
        """Whether clips of the batch are still being exported by another process (the app
        and a terminal share the queue); their progress goes to ``observer`` meanwhile, and
        a clip whose worker died is queued again, to be claimed here."""
        pending = [j for j in self.jobs(batch_id) if j["status"] not in FINAL]
        if not pending:
            return False
        if observer is not None:
            for job in pending:
                observer(job)
        recover_clips(self._database)
        time.sleep(WAIT_SECONDS)
        return True

    def _run_one(
        self, job_id: str, observer: Observer | None, stop: threading.Event | None
    ) -> None:
        try:
            request, snapshot = self._request(job_id)
        except DomainError as error:  # its VOD went away: nothing to export
            finish(self._database, job_id, FAILED, error=str(error), step=None)
            return
        cancel = threading.Event()
        last_save = [0.0]

        def should_cancel() -> bool:
            return cancel.is_set() or (stop is not None and stop.is_set())

        def on_progress(fraction: float, step: str) -> None:
            snapshot.update(progress=round(fraction * 100, 1), step=step, status=PROCESSING)
            if time.monotonic() - last_save[0] >= SAVE_INTERVAL:
                last_save[0] = time.monotonic()
                if save_progress(self._database, job_id, self.worker_id, fraction, step):
                    cancel.set()
            if observer is not None:
                observer(dict(snapshot))

        if observer is not None:
            observer(dict(snapshot))
        try:
            result = export_clip(request, on_progress, should_cancel)
        except MediaCancelled:
            app_closing = stop is not None and stop.is_set() and not cancel.is_set()
            if app_closing:  # not the user's cancel: the clip runs again next time
                finish(self._database, job_id, QUEUED, worker_id=None, step=None, progress=0.0)
            else:
                finish(self._database, job_id, CANCELLED, step=None)
            self._notify(job_id, observer)
            return
        except KeyboardInterrupt:  # Ctrl-C in the terminal: ffmpeg and the work folder are gone
            finish(self._database, job_id, CANCELLED, step=None)
            raise
        except DomainError as error:
            finish(self._database, job_id, FAILED, error=str(error), step=None)
        except Exception as error:  # never leave a clip processing
            finish(
                self._database,
                job_id,
                FAILED,
                error=f"internal error: {type(error).__name__}: {error}",
            )
        else:
            finish(
                self._database,
                job_id,
                COMPLETED,
                output_path=str(result.output),
                result_mode=result.mode.value,
                actual_start=result.start,
                actual_end=result.end,
                notes=list(result.notes),
                step=None,
            )
        self._notify(job_id, observer)

    def _notify(self, job_id: str, observer: Observer | None) -> None:
        if observer is None:
            return
        with self._database.session() as session:
            row = session.get(ClipJobRow, job_id)
            if row is not None:
                observer(clip_json(row))

    def _request(self, job_id: str) -> tuple[ClipRequest, dict[str, Any]]:
        with self._database.session() as session:
            job = session.get(ClipJobRow, job_id)
            vod = session.get(Vod, job.vod_id) if job is not None else None
            if job is None or vod is None:
                raise NotFoundError("the clip or its VOD was deleted while it was queued")
            chapters = tuple(
                (c.start_time, c.end_time, c.title)
                for c in self._chapters.timeline(vod.id).chapters
            )
            options = job.options or {}
            vertical = options.get("vertical")
            request = ClipRequest(
                source=vod.file_path,
                folder=Path(job.folder),
                stem=job.stem,
                start=job.start_time,
                end=job.end_time,
                mode=ClipMode(job.mode),
                title=job.title,
                chapters=chapters if options.get("with_chapters", True) else (),
                audio_tracks=tuple(options["audio_tracks"])
                if options.get("audio_tracks") is not None
                else None,
                vertical=VerticalOptions(
                    VerticalFill(vertical["fill"]), float(vertical["position"])
                )
                if vertical
                else None,
                work_name=job.id,
            )
            return request, clip_json(job)
