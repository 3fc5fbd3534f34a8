"""signals: analyses (the job and the file they describe), events, waveform peaks

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signal_analyses",
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(length=120), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("worker_id", sa.String(length=120), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("file_mtime", sa.Float(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("sample_rate", sa.Integer(), nullable=True),
        sa.Column("channels", sa.Integer(), nullable=True),
        sa.Column("loudness", sa.LargeBinary(), nullable=True),
        sa.Column("loudness_rate", sa.Float(), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["vod_id"], ["vods.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("vod_id"),
    )
    op.create_table(
        "signal_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["vod_id"], ["vods.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("signal_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signal_events_vod_kind_start", ["vod_id", "kind", "start"], unique=False
        )
    op.create_table(
        "signal_peaks",
        sa.Column("vod_id", sa.String(length=36), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("frames_per_bucket", sa.Integer(), nullable=False),
        sa.Column("bucket_count", sa.Integer(), nullable=False),
        sa.Column("peaks", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["vod_id"], ["vods.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("vod_id", "level"),
    )


def downgrade() -> None:
    op.drop_table("signal_peaks")
    with op.batch_alter_table("signal_events", schema=None) as batch_op:
        batch_op.drop_index("ix_signal_events_vod_kind_start")
    op.drop_table("signal_events")
    op.drop_table("signal_analyses")
