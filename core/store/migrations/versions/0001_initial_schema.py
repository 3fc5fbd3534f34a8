"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.String(length=120), nullable=False),
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_vod_id"), ["vod_id"], unique=False)

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "sync_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(length=20), nullable=False),
        sa.Column("local_id", sa.String(length=120), nullable=False),
        sa.Column("remote_id", sa.String(length=120), nullable=True),
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("base_snapshot", sa.JSON(), nullable=True),
        sa.Column("conflict", sa.JSON(), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entity", "local_id"),
    )
    with op.batch_alter_table("sync_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_links_remote_id"), ["remote_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_links_vod_id"), ["vod_id"], unique=False)

    op.create_table(
        "vods",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("fps", sa.Float(), nullable=True),
        sa.Column("video_codec", sa.String(length=40), nullable=True),
        sa.Column("audio_codec", sa.String(length=40), nullable=True),
        sa.Column("container", sa.String(length=80), nullable=True),
        sa.Column("bit_rate", sa.Integer(), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=True),
        sa.Column("content_warning", sa.Text(), nullable=True),
        sa.Column("is_nsfw", sa.Boolean(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=True),
        sa.Column("transcript_source", sa.Text(), nullable=True),
        sa.Column("keyframes", sa.JSON(), nullable=True),
        sa.Column("cloudflare_video_id", sa.String(length=64), nullable=True),
        sa.Column("remote_id", sa.String(length=64), nullable=True),
        sa.Column("remote_post_id", sa.String(length=64), nullable=True),
        sa.Column("playback_url", sa.Text(), nullable=True),
        sa.Column("remote_status", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("remote_id"),
    )
    op.create_table(
        "chapters",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start_time", sa.Float(), nullable=False),
        sa.Column("end_time", sa.Float(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("confidence_score", sa.Float(), nullable=True),
        sa.Column("thumbnail_url", sa.Text(), nullable=True),
        sa.Column("remote_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["vod_id"], ["vods.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("chapters", schema=None) as batch_op:
        batch_op.create_index("ix_chapters_vod_start", ["vod_id", "start_time"], unique=False)

    op.create_table(
        "thumbnails",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("timestamp", sa.Float(), nullable=False),
        sa.Column("requested_timestamp", sa.Float(), nullable=False),
        sa.Column("resolution", sa.String(length=10), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("jpeg_path", sa.Text(), nullable=False),
        sa.Column("webp_path", sa.Text(), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("webp_size_bytes", sa.Integer(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("batch_index", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.String(length=64), nullable=True),
        sa.Column("remote_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["vod_id"], ["vods.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("thumbnails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thumbnails_vod_id"), ["vod_id"], unique=False)

    op.create_table(
        "transcode_jobs",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("qualities_requested", sa.JSON(), nullable=False),
        sa.Column("completed_qualities", sa.JSON(), nullable=False),
        sa.Column("failed_qualities", sa.JSON(), nullable=False),
        sa.Column("skipped_qualities", sa.JSON(), nullable=False),
        sa.Column("current_quality", sa.String(length=10), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("estimated_seconds_remaining", sa.Float(), nullable=True),
        sa.Column("output_dir", sa.Text(), nullable=True),
        sa.Column("master_playlist", sa.Text(), nullable=True),
        sa.Column("encoder", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("worker_id", sa.String(length=120), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["vod_id"], ["vods.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("transcode_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_jobs_status_priority", ["status", "priority", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_transcode_jobs_vod_id"), ["vod_id"], unique=False)

    op.create_table(
        "upload_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("upload_url", sa.Text(), nullable=True),
        sa.Column("media_id", sa.String(length=64), nullable=True),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["vod_id"], ["vods.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("upload_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_upload_sessions_vod_id"), ["vod_id"], unique=False)

    op.create_table(
        "transcode_outputs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=120), nullable=False),
        sa.Column("quality", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("bitrate", sa.String(length=20), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("segment_count", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["transcode_jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "quality"),
    )


def downgrade() -> None:
    op.drop_table("transcode_outputs")
    with op.batch_alter_table("upload_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_upload_sessions_vod_id"))

    op.drop_table("upload_sessions")
    with op.batch_alter_table("transcode_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transcode_jobs_vod_id"))
        batch_op.drop_index("ix_jobs_status_priority")

    op.drop_table("transcode_jobs")
    with op.batch_alter_table("thumbnails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thumbnails_vod_id"))

    op.drop_table("thumbnails")
    with op.batch_alter_table("chapters", schema=None) as batch_op:
        batch_op.drop_index("ix_chapters_vod_start")

    op.drop_table("chapters")
    op.drop_table("vods")
    with op.batch_alter_table("sync_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_links_vod_id"))
        batch_op.drop_index(batch_op.f("ix_sync_links_remote_id"))

    op.drop_table("sync_links")
    op.drop_table("settings")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_vod_id"))

    op.drop_table("outbox")
