"""subscribers, subscriptions and the notification delivery queue (issue 13)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "client_id", sa.String(6), sa.ForeignKey("apps.client_id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("subscriber_id", sa.String(50), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("verification_code", sa.String(64), nullable=False),
        sa.Column("signing_secret", sa.LargeBinary(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("verified_at", sa.Float(), nullable=True),
        sa.Column("verification", sa.Text(), nullable=True),
        sa.Column("failing_since", sa.Float(), nullable=True),
        sa.Column("disabled_at", sa.Float(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("client_id", "subscriber_id", name="uq_subscribers_client_subscriber"),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "client_id", sa.String(6), sa.ForeignKey("apps.client_id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("subscriber_id", sa.String(50), nullable=False),
        sa.Column("user_id", sa.String(6), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("collection", sa.String(32), nullable=False),
        sa.Column("subscription_id", sa.String(50), nullable=False),
        sa.Column("from_change_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.UniqueConstraint("client_id", "subscription_id", name="uq_subscriptions_client_id"),
        sa.UniqueConstraint(
            "client_id", "subscriber_id", "user_id", "collection", name="uq_subscriptions_stream"
        ),
    )
    op.create_index("ix_subscriptions_user", "subscriptions", ["user_id"])
    op.create_table(
        "notify_cursor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("last_change_id", sa.Integer(), nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "subscriber_pk", sa.Integer(), sa.ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.Float(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("next_attempt_at", sa.Float(), nullable=False),
        sa.Column("claimed_until", sa.Float(), nullable=True),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("delivered_at", sa.Float(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_table(
        "delivery_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "delivery_id", sa.Integer(), sa.ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("attempted_at", sa.Float(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("replay", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_delivery_attempts_delivery", "delivery_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_index("ix_delivery_attempts_delivery", "delivery_attempts")
    op.drop_table("delivery_attempts")
    op.drop_index("ix_deliveries_due", "deliveries")
    op.drop_table("deliveries")
    op.drop_table("notify_cursor")
    op.drop_index("ix_subscriptions_user", "subscriptions")
    op.drop_table("subscriptions")
    op.drop_table("subscribers")
