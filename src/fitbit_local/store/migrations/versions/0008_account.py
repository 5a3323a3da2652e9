"""the rest of the account: activity logs, activity goals, favorite activities, tracker alarms, friendships and
profile settings (issue 12)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _user(name: str, primary_key: bool) -> sa.Column:
    return sa.Column(
        name,
        sa.String(length=6),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "activity_logs",
        sa.Column("log_id", sa.Integer(), primary_key=True, autoincrement=True),
        _user("user_id", False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("start_time", sa.String(length=8), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("activity_name", sa.String(length=200), nullable=False),
        sa.Column("calories", sa.Integer(), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("steps", sa.Integer(), nullable=True),
        sa.Column("log_type", sa.String(length=16), nullable=False),
        sa.Column("manual_calories", sa.Boolean(), nullable=False),
        sa.Column("manual_distance", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_activity_logs_user_day", "activity_logs", ["user_id", "day"])
    op.create_table(
        "activity_goals",
        _user("user_id", True),
        sa.Column("period", sa.String(length=8), primary_key=True),
        sa.Column("goal_type", sa.String(length=24), primary_key=True),
        sa.Column("value", sa.Float(), nullable=False),
    )
    op.create_table(
        "favorite_activities",
        _user("user_id", True),
        sa.Column("activity_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "tracker_alarms",
        sa.Column("alarm_id", sa.Integer(), primary_key=True, autoincrement=True),
        _user("user_id", False),
        sa.Column("tracker_id", sa.String(length=16), nullable=False),
        sa.Column("time", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("recurring", sa.Boolean(), nullable=False),
        sa.Column("week_days", sa.Text(), nullable=False),
        sa.Column("snooze_length", sa.Integer(), nullable=False),
        sa.Column("snooze_count", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("vibe", sa.String(length=16), nullable=False),
    )
    op.create_index("ix_tracker_alarms_user", "tracker_alarms", ["user_id", "tracker_id"])
    op.create_table(
        "friendships",
        _user("inviter_id", True),
        _user("invitee_id", True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_table(
        "profile_settings",
        _user("user_id", True),
        sa.Column("name", sa.String(length=40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("profile_settings")
    op.drop_table("friendships")
    op.drop_index("ix_tracker_alarms_user", table_name="tracker_alarms")
    op.drop_table("tracker_alarms")
    op.drop_table("favorite_activities")
    op.drop_table("activity_goals")
    op.drop_index("ix_activity_logs_user_day", table_name="activity_logs")
    op.drop_table("activity_logs")
