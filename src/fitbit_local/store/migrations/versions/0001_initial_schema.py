"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faults",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("error_key", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=6), nullable=True),
        sa.Column("user_id", sa.String(length=6), nullable=True),
        sa.Column("path_prefix", sa.Text(), nullable=True),
        sa.Column("remaining", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "rate_counters",
        sa.Column("client_id", sa.String(length=6), nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "user_id", "window_start"),
    )
    op.create_table(
        "sandbox_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clock_offset", sa.Float(), nullable=False),
        sa.Column("clock_frozen_at", sa.Float(), nullable=True),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("signing_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("birth_date", sa.String(length=10), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("height_cm", sa.Float(), nullable=False),
        sa.Column("weight_kg", sa.Float(), nullable=False),
        sa.Column("member_since", sa.String(length=10), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("synthetic_seed", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "apps",
        sa.Column("client_id", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("app_type", sa.String(length=8), nullable=False),
        sa.Column("redirect_uris", sa.Text(), nullable=False),
        sa.Column("owner_user_id", sa.String(length=6), nullable=True),
        sa.Column("read_only", sa.Boolean(), nullable=False),
        sa.Column("intraday", sa.Boolean(), nullable=False),
        sa.Column("access_generation", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["owner_user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("client_id"),
    )
    op.create_table(
        "daily_summaries",
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "day"),
    )
    op.create_table(
        "series_days",
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("series", sa.String(length=16), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "series", "day"),
    )
    op.create_table(
        "user_timezones",
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("effective_from", sa.String(length=10), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "effective_from"),
    )
    op.create_table(
        "authorization_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=6), nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("code_challenge_method", sa.String(length=8), nullable=True),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("used_at", sa.Float(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["apps.client_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=6), nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["apps.client_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id", "user_id", name="uq_grants_client_user"),
    )
    op.create_table(
        "access_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=6), nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("app_type", sa.String(length=8), nullable=False),
        sa.Column("intraday", sa.Boolean(), nullable=False),
        sa.Column("access_generation", sa.Integer(), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=True),
        sa.Column("issued_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("first_used_at", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["grant_id"], ["grants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_access_tokens_grant", ["grant_id"], unique=False)

    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=6), nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("issued_at", sa.Float(), nullable=False),
        sa.Column("rotated_at", sa.Float(), nullable=True),
        sa.Column("replay_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("replay_until", sa.Float(), nullable=True),
        sa.Column("child_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["grant_id"], ["grants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_refresh_tokens_grant", ["grant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_refresh_tokens_grant")

    op.drop_table("refresh_tokens")
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_access_tokens_grant")

    op.drop_table("access_tokens")
    op.drop_table("grants")
    op.drop_table("authorization_codes")
    op.drop_table("user_timezones")
    op.drop_table("series_days")
    op.drop_table("daily_summaries")
    op.drop_table("apps")
    op.drop_table("users")
    op.drop_table("sandbox_state")
    op.drop_table("rate_counters")
    op.drop_table("faults")
