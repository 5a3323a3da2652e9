"""the change records written by every write (store/changes.py)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=True),
        sa.Column("client_id", sa.String(length=6), nullable=True),
        sa.Column("collection", sa.String(length=32), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("recorded_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_changes_user_day", "changes", ["user_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_changes_user_day", table_name="changes")
    op.drop_table("changes")
