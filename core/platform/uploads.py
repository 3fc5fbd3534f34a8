"""Uploading a VOD: tus to Cloudflare Stream, resumable across crashes, then linking it to
the platform (``POST /api/v1/vod/upload``) which creates the post.

The upload URL and the confirmed offset are written to ``UploadSession`` after every chunk,
so a killed process continues from the server's ``Upload-Offset`` (HEAD) and never sends a
confirmed byte again. A vanished upload (404/410) starts over with a new one.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select

from core.domain.errors import StateError, ValidationError
from core.domain.text import clean_line
from core.domain.visibility import parse_visibility
from core.domain.vod_details import clean_content_warning, clean_vod_description, clean_vod_title
from core.library.vods import find_vod
from core.store.db import Database
from core.store.models import OutboxEntry, SyncLink, UploadSession, Vod, utcnow

from .client import PlatformClient
from .errors import PlatformConflictError, PlatformError, PlatformNotFoundError
from .progress import ProgressMeter, TransferProgress, UploadControl
from .tus import CHUNK_MULTIPLE, DEFAULT_CHUNK, MAX_CHUNK, MIN_CHUNK, TusClient

ACTIVE = ("pending", "uploading", "paused", "uploaded", "linking", "failed")
SLICE = 1024 * 1024


class UploadInterrupted(Exception):
    """Raised inside the request body when the user pauses or cancels mid-chunk."""


@dataclass
class UploadOptions:
    title: str | None = None
    description: str | None = None
    visibility: str | None = None
    group_id: str | None = None
    content_warning: str | None = None
    is_nsfw: bool | None = None
    chunk_size: int = DEFAULT_CHUNK

    def validate(self) -> None:
        """Refuse what the platform would refuse; clean the text fields as the domain does."""
        if self.visibility is not None:
            parse_visibility(self.visibility)
        if self.title is not None:
            if not clean_line(self.title):
                raise ValidationError("the upload title cannot be blank")
            self.title = clean_vod_title(self.title)
        if self.description is not None:
            self.description = clean_vod_description(self.description)
        if self.content_warning is not None:
            self.content_warning = clean_content_warning(self.content_warning)
        size = self.chunk_size
        if size < MIN_CHUNK or size > MAX_CHUNK or size % CHUNK_MULTIPLE:
            raise ValidationError(
                f"chunk size {size} B is not allowed: Cloudflare needs 5–200 MiB in multiples "
                "of 256 KiB"
            )


@dataclass
class UploadResult:
    vod_id: str
    status: str  # completed | paused | cancelled
    media_id: str | None = None
    remote_vod_id: str | None = None
    post_id: str | None = None
    playback_url: str | None = None
    resumed_from: int = 0
    bytes_sent: int = 0
    restarted: bool = False
    notes: list[str] = field(default_factory=list)


class UploadService:
    def __init__(
        self,
        database: Database,
        tus_factory: Callable[[], TusClient],
        platform_factory: Callable[[], PlatformClient],
        *,
        max_failures: int = 6,
        backoff_base: float = 0.5,
    ) -> None:
        self._database = database
        #: makes the tus client of each upload; a caller may swap it (e.g. for other timeouts)
        self.tus_factory = tus_factory
        self._platform_factory = platform_factory
        self.max_failures = max_failures
        self.backoff_base = backoff_base

    def session(self, vod_ref: str) -> UploadSession | None:
        """The latest upload of this VOD (any status), for showing state."""
        with self._database.session() as s:
            vod = find_vod(s, vod_ref)
            return s.scalars(
                select(UploadSession)
                .where(UploadSession.vod_id == vod.id)
                .order_by(UploadSession.created_at.desc())
                .limit(1)
            ).first()

    def upload(
        self,
        vod_ref: str,
        options: UploadOptions | None = None,
        *,
        progress: Callable[[TransferProgress], None] | None = None,
        control: UploadControl | None = None,
        restart: bool = False,
    ) -> UploadResult:
        options = options or UploadOptions()
        options.validate()
        control = control or UploadControl()
        platform = self._platform_factory()  # refuses now, not after the transfer, if unconfigured
        try:
            session_id, path, size = self._prepare(vod_ref, options, restart)
            meter = ProgressMeter(size, progress)
            tus = self.tus_factory()
            try:
                result = self._transfer(session_id, path, size, tus, meter, control)
            finally:
                tus.close()
            if result.status != "uploaded":
                return result
            meter.update(size, "linking", force=True)
            linked = self._link(session_id, result, platform)
            meter.update(size, "done", force=True)
            return linked
        finally:
            platform.close()

    # --- steps ---------------------------------------------------------------------------
    def _prepare(
        self, vod_ref: str, options: UploadOptions, restart: bool
    ) -> tuple[str, Path, int]:
        with self._database.session() as s:
            vod = find_vod(s, vod_ref)
            if vod.remote_id:
                raise StateError(f"VOD {vod.id[:8]} is already on the platform as {vod.remote_id}")
            if vod.status == "deleted":
                raise StateError(f"VOD {vod.id[:8]} is deleted; it cannot be uploaded")
            path = Path(vod.file_path)
            try:
                size = path.stat().st_size
            except OSError:
                raise ValidationError(f"the VOD's file is missing: {path}") from None
            session = s.scalars(
                select(UploadSession)
                .where(UploadSession.vod_id == vod.id, UploadSession.status.in_(ACTIVE))
                .order_by(UploadSession.created_at.desc())
                .limit(1)
            ).first()
            if session and (restart or session.file_size != size or session.file_path != str(path)):
                session.status, session.error = "cancelled", "replaced by a new upload"
                session = None
            if session is None:
                session = UploadSession(vod_id=vod.id, file_path=str(path), file_size=size)
                s.add(session)
            wanted = {k: v for k, v in options.__dict__.items() if v is not None}
            wanted.setdefault("title", vod.title)
            session.options = {**(session.options or {}), **wanted}
            session.chunk_size = options.chunk_size
            s.flush()
            return session.id, path, size

    def _transfer(
        self,
        session_id: str,
        path: Path,
        size: int,
        tus: TusClient,
        meter: ProgressMeter,
        control: UploadControl,
    ) -> UploadResult:
        state = self._load(session_id)
        result = UploadResult(vod_id=state.vod_id, status="uploading")
        if state.status in ("uploaded", "linking"):
            result.status, result.media_id = "uploaded", state.media_id
            return result
        offset = 0
        if state.upload_url:
            try:
                offset, length = tus.offset(state.upload_url)
                if length is not None and length != size:
                    raise PlatformNotFoundError("the server's upload has another length")
            except PlatformNotFoundError:
                result.restarted = True
                result.notes.append("the unfinished upload expired on the server; starting over")
                self._save(session_id, upload_url=None, media_id=None, offset=0)
                state.upload_url = None
        if not state.upload_url:
            meter.update(0, "creating", force=True)
            name = (state.options or {}).get("title") or path.name
            url, media_id = tus.create(size, {"name": name})
            self._save(session_id, upload_url=url, media_id=media_id, offset=0, status="uploading")
            state.upload_url, offset = url, 0
        result.media_id = self._load(session_id).media_id
        result.resumed_from = offset
        chunk, failures = state.chunk_size or DEFAULT_CHUNK, 0
        meter.update(offset, force=True)
        with path.open("rb") as handle:
            while offset < size:
                if control.cancelled or control.paused:
                    return self._stop(session_id, tus, result, offset, meter, control)
                length = min(chunk, size - offset)
                try:
                    new_offset = tus.patch(
                        state.upload_url,
                        offset,
                        length,
                        self._body(handle, offset, length, meter, control),
                    )
                except UploadInterrupted:
                    return self._stop(session_id, tus, result, offset, meter, control)
                except PlatformConflictError:
                    new_offset, _ = tus.offset(state.upload_url)
                except PlatformNotFoundError:
                    if result.restarted:
                        raise
                    self._save(session_id, upload_url=None, media_id=None, offset=0)
                    return self._transfer(session_id, path, size, tus, meter, control)
                except PlatformError as error:
                    failures += 1
                    if not error.retryable or failures > self.max_failures:
                        self._save(session_id, status="failed", error=str(error), offset=offset)
                        raise
                    meter.update(offset, "retrying", force=True)
                    control.wait(
                        error.retry_after
                        if error.retry_after is not None
                        else random.uniform(0, self.backoff_base * 2**failures)
                    )
                    new_offset, _ = tus.offset(state.upload_url)
                else:
                    failures = 0
                    result.bytes_sent += new_offset - offset
                offset = new_offset
                self._save(session_id, offset=offset)
                meter.update(offset, force=True)
        self._save(session_id, status="uploaded", offset=size, error=None)
        result.status = "uploaded"
        return result

    @staticmethod
    def _body(
        handle, offset: int, length: int, meter: ProgressMeter, control: UploadControl
    ) -> Iterator[bytes]:
        handle.seek(offset)
        remaining = length
        while remaining:
            if control.cancelled or control.paused:
                raise UploadInterrupted()
            piece = handle.read(min(SLICE, remaining))
            if not piece:
                raise ValidationError("the VOD's file got shorter during the upload")
            remaining -= len(piece)
            yield piece
            meter.update(offset + length - remaining)

    def _stop(
        self,
        session_id: str,
        tus: TusClient,
        result: UploadResult,
        offset: int,
        meter: ProgressMeter,
        control: UploadControl,
    ) -> UploadResult:
        if control.cancelled:
            url = self._load(session_id).upload_url
            self._save(session_id, status="cancelled", error="cancelled by the user")
            if url:
                # An abandoned tus upload expires on its own.
                with contextlib.suppress(PlatformError):
                    tus.terminate(url)
            result.status = "cancelled"
        else:
            self._save(session_id, status="paused", offset=offset)
            result.status = "paused"
        meter.update(offset, result.status, force=True)
        return result

    def _link(self, session_id: str, result: UploadResult, client: PlatformClient) -> UploadResult:
        state = self._load(session_id)
        options = state.options or {}
        self._save(session_id, status="linking")
        try:
            # The session id as idempotency key: re-linking after a lost answer gives back
            # the same VOD and post instead of a second post.
            linked = client.upload_vod(
                cloudflare_video_id=cast(str, state.media_id),  # set once the file is uploaded
                title=cast(str, options.get("title")),
                description=options.get("description"),
                visibility=options.get("visibility"),
                group_id=options.get("group_id"),
                content_warning=options.get("content_warning"),
                is_nsfw=options.get("is_nsfw"),
                idempotency_key=session_id,
            )
        except PlatformError as error:
            self._save(session_id, error=str(error))
            if error.ambiguous:
                raise type(error)(
                    f"{error} — the platform may have created the post anyway; running the "
                    "upload again re-sends the same request id instead of uploading again",
                    status=error.status,
                    ambiguous=True,
                ) from None
            raise
        with self._database.session() as s:
            vod = s.get_one(Vod, state.vod_id)
            vod.remote_id, vod.remote_post_id = linked.vod.id, linked.post_id
            vod.cloudflare_video_id, vod.playback_url = state.media_id, linked.vod.playback_url
            vod.remote_status = linked.vod.status
            for key in ("visibility", "group_id", "content_warning", "is_nsfw", "description"):
                if options.get(key) is not None:
                    setattr(vod, key, options[key])
            link = s.scalars(
                select(SyncLink).where(SyncLink.entity == "vod", SyncLink.local_id == vod.id)
            ).first()
            if link is None:
                link = SyncLink(entity="vod", local_id=vod.id, vod_id=vod.id)
                s.add(link)
            link.remote_id, link.synced_at = linked.vod.id, utcnow()
            link.base_snapshot = {"status": linked.vod.status, "title": linked.vod.title}
            # The VOD now exists remotely: its pending "create" is done.
            for entry in s.scalars(
                select(OutboxEntry).where(
                    OutboxEntry.vod_id == vod.id,
                    OutboxEntry.entity == "vod",
                    OutboxEntry.operation == "create",
                )
            ):
                s.delete(entry)
            session = s.get_one(UploadSession, session_id)
            session.status, session.error = "completed", None
        result.status = "completed"
        result.remote_vod_id, result.post_id = linked.vod.id, linked.post_id
        result.playback_url = linked.vod.playback_url
        return result

    # --- persistence ---------------------------------------------------------------------
    def _load(self, session_id: str) -> UploadSession:
        with self._database.session() as s:
            return s.get_one(UploadSession, session_id)

    def _save(self, session_id: str, **fields: Any) -> None:
        with self._database.session() as s:
            session = s.get(UploadSession, session_id)
            for key, value in fields.items():
                setattr(session, key, value)
