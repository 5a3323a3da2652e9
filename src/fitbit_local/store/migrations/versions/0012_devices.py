"""devices: a user's paired trackers and scales as an import found them (issue 14)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "devices",
        sa.Column("user_id", sa.String(6), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("device_id", sa.String(32), primary_key=True),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("device_version", sa.String(64), nullable=False),
        sa.Column("last_sync_time", sa.String(23), nullable=True),
        sa.Column("battery", sa.String(8), nullable=True),
        sa.Column("battery_level", sa.Integer(), nullable=True),
        sa.Column("mac", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("devices")
