"""SQLAlchemy models of the local cache.

Times are UTC. Ids are UUID strings, except transcode job ids, which follow the platform's
``transcode_<video_id>_<unix time>`` shape. Secrets never live here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Vod(Base):
    __tablename__ = "vods"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    file_path: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    duration: Mapped[float] = mapped_column(Float)
    # When the file's index claims more than the media holds (a recording cut short), the
    # claim; ``duration`` is where decodable media really ends.
    claimed_duration: Mapped[float | None] = mapped_column(Float)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    fps: Mapped[float | None] = mapped_column(Float)
    video_codec: Mapped[str | None] = mapped_column(String(40))
    audio_codec: Mapped[str | None] = mapped_column(String(40))
    container: Mapped[str | None] = mapped_column(String(80))
    bit_rate: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="processing")
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    group_id: Mapped[str | None] = mapped_column(String(36))
    content_warning: Mapped[str | None] = mapped_column(Text)
    is_nsfw: Mapped[bool] = mapped_column(Boolean, default=False)
    transcript: Mapped[list[Any] | None] = mapped_column(JSON)
    transcript_source: Mapped[str | None] = mapped_column(Text)
    keyframes: Mapped[list[Any] | None] = mapped_column(JSON)
    cloudflare_video_id: Mapped[str | None] = mapped_column(String(64))
    remote_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    remote_post_id: Mapped[str | None] = mapped_column(String(64))
    playback_url: Mapped[str | None] = mapped_column(Text)
    remote_status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    chapters: Mapped[list[ChapterRow]] = relationship(
        back_populates="vod", cascade="all, delete-orphan", order_by="ChapterRow.start_time"
    )
    thumbnails: Mapped[list[ThumbnailRow]] = relationship(
        back_populates="vod", cascade="all, delete-orphan", order_by="ThumbnailRow.created_at"
    )


class ChapterRow(Base):
    __tablename__ = "chapters"
    __table_args__ = (Index("ix_chapters_vod_start", "vod_id", "start_time"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    vod_id: Mapped[str] = mapped_column(ForeignKey("vods.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    start_time: Mapped[float] = mapped_column(Float)
    end_time: Mapped[float] = mapped_column(Float)
    order: Mapped[int] = mapped_column("order", Integer, default=0)
    source: Mapped[str] = mapped_column(String(10), default="manual")
    confidence_score: Mapped[float | None] = mapped_column(Float)
    thumbnail_url: Mapped[str | None] = mapped_column(Text)
    remote_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    vod: Mapped[Vod] = relationship(back_populates="chapters")


class ThumbnailRow(Base):
    __tablename__ = "thumbnails"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    vod_id: Mapped[str] = mapped_column(ForeignKey("vods.id", ondelete="CASCADE"), index=True)
    timestamp: Mapped[float] = mapped_column(Float)
    requested_timestamp: Mapped[float] = mapped_column(Float)
    resolution: Mapped[str] = mapped_column(String(10))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    jpeg_path: Mapped[str] = mapped_column(Text)
    webp_path: Mapped[str | None] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    webp_size_bytes: Mapped[int | None] = mapped_column(Integer)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_index: Mapped[int] = mapped_column(Integer, default=0)
    remote_id: Mapped[str | None] = mapped_column(String(64))
    remote_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    vod: Mapped[Vod] = relationship(back_populates="thumbnails")


class TranscodeJobRow(Base):
    __tablename__ = "transcode_jobs"
    __table_args__ = (Index("ix_jobs_status_priority", "status", "priority", "created_at"),)

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    vod_id: Mapped[str] = mapped_column(ForeignKey("vods.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="transcode")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    qualities_requested: Mapped[list[Any]] = mapped_column(JSON, default=list)
    completed_qualities: Mapped[list[Any]] = mapped_column(JSON, default=list)
    failed_qualities: Mapped[list[Any]] = mapped_column(JSON, default=list)
    skipped_qualities: Mapped[list[Any]] = mapped_column(JSON, default=list)
    current_quality: Mapped[str | None] = mapped_column(String(10))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    estimated_seconds_remaining: Mapped[float | None] = mapped_column(Float)
    output_dir: Mapped[str | None] = mapped_column(Text)
    master_playlist: Mapped[str | None] = mapped_column(Text)
    encoder: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    backend: Mapped[str] = mapped_column(String(20), default="local")
    worker_id: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    outputs: Mapped[list[TranscodeOutputRow]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="TranscodeOutputRow.id"
    )


class TranscodeOutputRow(Base):
    __tablename__ = "transcode_outputs"
    __table_args__ = (UniqueConstraint("job_id", "quality"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("transcode_jobs.id", ondelete="CASCADE"))
    quality: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    path: Mapped[str | None] = mapped_column(Text)
    bitrate: Mapped[str | None] = mapped_column(String(20))
    resolution: Mapped[str | None] = mapped_column(String(20))
    segment_count: Mapped[int] = mapped_column(Integer, default=0)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    method: Mapped[str | None] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(Text)

    job: Mapped[TranscodeJobRow] = relationship(back_populates="outputs")


class OutboxEntry(Base):
    """A local change waiting to be pushed to the platform, written in the same
    transaction as the change itself."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    vod_id: Mapped[str] = mapped_column(String(36), index=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(120))
    operation: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncLink(Base):
    """Local id ↔ remote id, with the snapshot both sides agreed on at the last sync
    (the base of the three-way merge)."""

    __tablename__ = "sync_links"
    __table_args__ = (UniqueConstraint("entity", "local_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(20))
    local_id: Mapped[str] = mapped_column(String(120))
    remote_id: Mapped[str | None] = mapped_column(String(120), index=True)
    vod_id: Mapped[str] = mapped_column(String(36), index=True)
    base_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    conflict: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UploadSession(Base):
    """A resumable tus upload: enough to continue from the server's offset after a crash."""

    __tablename__ = "upload_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    vod_id: Mapped[str] = mapped_column(ForeignKey("vods.id", ondelete="CASCADE"), index=True)
    file_path: Mapped[str] = mapped_column(Text)
    file_size: Mapped[int] = mapped_column(Integer)
    upload_url: Mapped[str | None] = mapped_column(Text)
    media_id: Mapped[str | None] = mapped_column(String(64))
    offset: Mapped[int] = mapped_column(Integer, default=0)
    chunk_size: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Setting(Base):
    """Non-secret preferences (secrets go to the OS keyring)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class SignalAnalysisRow(Base):
    """A VOD's signals analysis: the job (status, progress, worker, heartbeat, cancel
    request) and, once completed, what the file was (size, mtime) and the compact series.

    Events and waveform peaks live in their own tables and are written in the same
    transaction that marks the analysis completed, so a cancelled or crashed analysis
    leaves none of them behind.
    """

    __tablename__ = "signal_analyses"

    vod_id: Mapped[str] = mapped_column(ForeignKey("vods.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker_id: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_mtime: Mapped[float | None] = mapped_column(Float)
    duration: Mapped[float | None] = mapped_column(Float)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[int | None] = mapped_column(Integer)
    loudness: Mapped[bytes | None] = mapped_column(LargeBinary)
    loudness_rate: Mapped[float | None] = mapped_column(Float)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class SignalEventRow(Base):
    """One silence, black or static stretch, or scene cut (``end == start``)."""

    __tablename__ = "signal_events"
    __table_args__ = (Index("ix_signal_events_vod_kind_start", "vod_id", "kind", "start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    vod_id: Mapped[str] = mapped_column(ForeignKey("vods.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)


class SignalPeaksRow(Base):
    """One level of a VOD's waveform pyramid: min/max int8 pairs in one blob."""

    __tablename__ = "signal_peaks"

    vod_id: Mapped[str] = mapped_column(ForeignKey("vods.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    frames_per_bucket: Mapped[int] = mapped_column(Integer)
    bucket_count: Mapped[int] = mapped_column(Integer)
    peaks: Mapped[bytes] = mapped_column(LargeBinary)


class ClipJobRow(Base):
    """One clip to export, queued in a batch: its range and options, then its progress
    (with the worker that runs it and a heartbeat, like transcode jobs) and its result."""

    __tablename__ = "clip_jobs"
    __table_args__ = (Index("ix_clip_jobs_status_created", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    batch_id: Mapped[str] = mapped_column(String(36), index=True)
    vod_id: Mapped[str] = mapped_column(ForeignKey("vods.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    chapter_id: Mapped[str | None] = mapped_column(String(36))
    start_time: Mapped[float] = mapped_column(Float)
    end_time: Mapped[float] = mapped_column(Float)
    mode: Mapped[str] = mapped_column(String(10))
    folder: Mapped[str] = mapped_column(Text)
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    step: Mapped[str | None] = mapped_column(String(40))
    output_path: Mapped[str | None] = mapped_column(Text)
    result_mode: Mapped[str | None] = mapped_column(String(10))
    actual_start: Mapped[float | None] = mapped_column(Float)
    actual_end: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker_id: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
