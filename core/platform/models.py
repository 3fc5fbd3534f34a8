"""The platform's JSON shapes (its API page), read tolerantly (see ``wire``).

Unknown fields are ignored so that another or newer server does not break the app; optional
fields that are ``null`` or missing take their defaults; ids and times are read from numbers
or strings. A record without what the app cannot do without (an id, a chapter's times) does
not validate, and the client reports it instead of guessing.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from .wire import (
    Count,
    Flag,
    Moment,
    Names,
    OneName,
    OptionalCount,
    OptionalId,
    OptionalSeconds,
    OptionalText,
    RemoteId,
    Score,
    Seconds,
    text_or,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class RemotePost(_Model):
    id: RemoteId
    type: Annotated[str, text_or("VIDEO")] = "VIDEO"
    content: Annotated[str, text_or("")] = ""
    visibility: Annotated[str, text_or("public")] = "public"
    created_at: Moment = None


class RemoteVod(_Model):
    id: RemoteId
    status: str
    title: Annotated[str, text_or("")] = ""
    cloudflare_video_id: OptionalText = None
    playback_url: OptionalText = None
    created_at: Moment = None
    description: OptionalText = None
    visibility: OptionalText = None
    post: RemotePost | None = None
    post_id: OptionalId = None


class VodUploadResult(_Model):
    vod: RemoteVod
    post: RemotePost | None = None

    @property
    def post_id(self) -> str | None:
        return self.post.id if self.post else self.vod.post_id


class RemoteChapter(_Model):
    id: RemoteId
    video_id: RemoteId
    title: Annotated[str, text_or("")]
    description: Annotated[str, text_or("")] = ""
    start_time: Seconds
    end_time: Seconds
    order: Count = 0
    source: Annotated[str, text_or("manual")] = "manual"
    confidence_score: Score = None
    thumbnail_url: OptionalText = None


class GeneratedChapters(_Model):
    chapters: list[RemoteChapter] = Field(default_factory=list)
    count: OptionalCount = None
    model_used: OptionalText = None
    processing_time_seconds: OptionalSeconds = None
    # Records of the answer that could not be read (reported, not guessed at).
    problems: list[str] = Field(default_factory=list)


class RemoteThumbnail(_Model):
    thumbnail_id: RemoteId = Field(validation_alias=AliasChoices("thumbnail_id", "id"))
    url: str
    webp_url: OptionalText = None
    timestamp: Seconds
    resolution: Annotated[str, text_or("")] = ""
    size_bytes: OptionalCount = None
    is_default: Flag = False

    @property
    def pixels(self) -> int:
        width, _, height = self.resolution.lower().partition("x")
        try:
            return int(width) * int(height)
        except ValueError:
            return 0


class ThumbnailTask(_Model):
    video_id: RemoteId
    thumbnails: list[RemoteThumbnail] = Field(default_factory=list)
    task_id: OptionalId = None
    default_thumbnail_url: OptionalText = None
    processing_time_ms: OptionalSeconds = None


class TranscodeOutput(_Model):
    quality: str
    url: OptionalText = None
    bitrate: OptionalText = None
    resolution: OptionalText = None
    segment_count: OptionalCount = None
    size_bytes: OptionalCount = None
    status: Annotated[str, text_or("")] = ""


class TranscodeJob(_Model):
    """The start response and the status response share these fields."""

    job_id: RemoteId = Field(validation_alias=AliasChoices("job_id", "id"))
    video_id: OptionalId = None
    status: str
    progress: Annotated[float, text_or("0")] = 0
    estimated_time: OptionalText = None
    qualities_requested: Names = Field(default_factory=list)
    current_quality: OneName = None
    completed_qualities: Names = Field(default_factory=list)
    failed_qualities: Names = Field(default_factory=list)
    estimated_time_remaining: OptionalText = None
    outputs: list[TranscodeOutput] = Field(default_factory=list)
    master_playlist_url: OptionalText = None
    error: OptionalText = None

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")
