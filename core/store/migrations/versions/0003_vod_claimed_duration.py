"""vods.claimed_duration: what a cut-short recording's index claims

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vods", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_duration", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vods", schema=None) as batch_op:
        batch_op.drop_column("claimed_duration")
