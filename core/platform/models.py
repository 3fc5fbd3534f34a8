"""The platform's JSON shapes (its API page), validated with pydantic.

Unknown fields are ignored so that a newer server does not break an older app; missing or
mistyped documented fields raise, and the client turns that into ``MalformedResponseError``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RemoteVod(_Model):
    id: str
    status: str
    title: str
    cloudflare_video_id: str | None = None
    playback_url: str | None = None
    created_at: str | None = None
    description: str | None = None
    visibility: str | None = None
    post: RemotePost | None = None


class RemotePost(_Model):
    id: str
    type: str = "VIDEO"
    content: str = ""
    visibility: str = "public"
    created_at: str | None = None


class VodUploadResult(_Model):
    vod: RemoteVod
    post: RemotePost


class RemoteChapter(_Model):
    id: str
    video_id: str
    title: str
    description: str | None = ""
    start_time: float
    end_time: float
    order: int = 0
    source: str = "manual"
    confidence_score: float | None = None
    thumbnail_url: str | None = None


class GeneratedChapters(_Model):
    chapters: list[RemoteChapter]
    count: int
    model_used: str
    processing_time_seconds: float | None = None


class RemoteThumbnail(_Model):
    thumbnail_id: str
    url: str
    webp_url: str | None = None
    timestamp: float
    resolution: str
    size_bytes: int | None = None
    is_default: bool = False


class ThumbnailTask(_Model):
    video_id: str
    thumbnails: list[RemoteThumbnail] = Field(default_factory=list)
    task_id: str
    default_thumbnail_url: str | None = None
    processing_time_ms: float | None = None


class TranscodeOutput(_Model):
    quality: str
    url: str | None = None
    bitrate: str | None = None
    resolution: str | None = None
    segment_count: int | None = None
    size_bytes: int | None = None
    status: str


class TranscodeJob(_Model):
    """The start response and the status response share these fields."""

    job_id: str
    video_id: str | None = None
    status: str
    progress: float = 0
    estimated_time: str | None = None
    qualities_requested: list[str] = Field(default_factory=list)
    current_quality: str | None = None
    completed_qualities: list[str] = Field(default_factory=list)
    failed_qualities: list[str] = Field(default_factory=list)
    estimated_time_remaining: str | None = None
    outputs: list[TranscodeOutput] = Field(default_factory=list)
    master_playlist_url: str | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")


RemoteVod.model_rebuild()
