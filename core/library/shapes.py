"""JSON shapes that mirror the platform's responses (used by ``--json`` and the sync)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.domain.chapters import Chapter, ChapterSource
from core.store.models import ChapterRow, Vod


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def chapter_from_row(row: ChapterRow) -> Chapter:
    return Chapter(
        id=row.id,
        title=row.title,
        start_time=row.start_time,
        end_time=row.end_time,
        source=ChapterSource(row.source),
        description=row.description or "",
        confidence_score=row.confidence_score,
        thumbnail_url=row.thumbnail_url,
        order=row.order,
    )


def chapter_json(chapter: Chapter, video_id: str) -> dict[str, Any]:
    return {
        "id": chapter.id,
        "video_id": video_id,
        "title": chapter.title,
        "description": chapter.description,
        "start_time": chapter.start_time,
        "end_time": chapter.end_time,
        "order": chapter.order,
        "source": chapter.source.value,
        "confidence_score": chapter.confidence_score,
        "thumbnail_url": chapter.thumbnail_url,
    }


@dataclass(frozen=True, slots=True)
class VodInfo:
    """A VOD as the CLI and the GUI see it: the row's values, read in its transaction, with
    no tie to a database session."""

    id: str
    file_path: str
    title: str
    description: str
    duration: float
    claimed_duration: float | None  # a recording cut short: what its index claims
    width: int | None
    height: int | None
    fps: float | None
    video_codec: str | None
    audio_codec: str | None
    container: str | None
    bit_rate: int | None
    size_bytes: int
    status: str
    visibility: str
    group_id: str | None
    content_warning: str | None
    is_nsfw: bool
    has_transcript: bool
    transcript_source: str | None
    keyframes: list[float] | None
    cloudflare_video_id: str | None
    remote_id: str | None
    remote_post_id: str | None
    playback_url: str | None
    remote_status: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_row(cls, vod: Vod) -> VodInfo:
        return cls(
            id=vod.id,
            file_path=vod.file_path,
            title=vod.title,
            description=vod.description,
            duration=vod.duration,
            claimed_duration=vod.claimed_duration,
            width=vod.width,
            height=vod.height,
            fps=vod.fps,
            video_codec=vod.video_codec,
            audio_codec=vod.audio_codec,
            container=vod.container,
            bit_rate=vod.bit_rate,
            size_bytes=vod.size_bytes,
            status=vod.status,
            visibility=vod.visibility,
            group_id=vod.group_id,
            content_warning=vod.content_warning,
            is_nsfw=vod.is_nsfw,
            has_transcript=bool(vod.transcript),
            transcript_source=vod.transcript_source,
            keyframes=list(vod.keyframes) if vod.keyframes is not None else None,
            cloudflare_video_id=vod.cloudflare_video_id,
            remote_id=vod.remote_id,
            remote_post_id=vod.remote_post_id,
            playback_url=vod.playback_url,
            remote_status=vod.remote_status,
            created_at=vod.created_at,
            updated_at=vod.updated_at,
        )

    def to_json(self) -> dict[str, Any]:
        return vod_json(self)


def vod_json(vod: VodInfo) -> dict[str, Any]:
    """The platform's ``vod`` object, plus what the local cache knows about the file."""
    return {
        "id": vod.id,
        "status": vod.status,
        "title": vod.title,
        "description": vod.description,
        "cloudflare_video_id": vod.cloudflare_video_id,
        "playback_url": vod.playback_url,
        "created_at": iso(vod.created_at),
        "updated_at": iso(vod.updated_at),
        "visibility": vod.visibility,
        "group_id": vod.group_id,
        "content_warning": vod.content_warning,
        "is_nsfw": vod.is_nsfw,
        "remote_id": vod.remote_id,
        "file_path": vod.file_path,
        "duration": vod.duration,
        "claimed_duration": vod.claimed_duration,
        "width": vod.width,
        "height": vod.height,
        "fps": vod.fps,
        "video_codec": vod.video_codec,
        "audio_codec": vod.audio_codec,
        "size_bytes": vod.size_bytes,
        "has_transcript": vod.has_transcript,
    }
