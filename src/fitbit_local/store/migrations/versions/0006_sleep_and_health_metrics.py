"""sleep logs, the sleep goal and per-night health metrics (issue 10)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Existing synthetic users get their sleep logs and metrics with ``fitbit-local sleep regenerate`` (docs/sleep.md):
a migration may not import the generator (tests/store/test_migrations.py), and users' own data is never touched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sleep_logs",
        sa.Column(
            "log_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("user_id", sa.String(6), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("date_of_sleep", sa.String(10), nullable=False),
        sa.Column("start", sa.String(19), nullable=False),
        sa.Column("log_kind", sa.String(8), nullable=False),
        sa.Column("log_type", sa.String(16), nullable=False),
        sa.Column("is_main_sleep", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("levels", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_sleep_logs_user_date", "sleep_logs", ["user_id", "date_of_sleep"])
    op.create_table(
        "sleep_goals",
        sa.Column("user_id", sa.String(6), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("min_duration", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "health_metrics",
        sa.Column("user_id", sa.String(6), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("metric", sa.String(16), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("health_metrics")
    op.drop_table("sleep_goals")
    op.drop_index("ix_sleep_logs_user_date", table_name="sleep_logs")
    op.drop_table("sleep_logs")
