"""body and nutrition: weight and fat logs, body goals, food and water logs, custom and favorite foods, food and
water goals, meals (issue 11)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _user_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "body_logs",
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("log_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("time", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("bmi", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        _user_fk(),
        sa.PrimaryKeyConstraint("user_id", "kind", "log_id"),
    )
    op.create_index("ix_body_logs_user_kind_day", "body_logs", ["user_id", "kind", "day"])
    op.create_table(
        "body_goals",
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("start_weight_kg", sa.Float(), nullable=True),
        sa.Column("start_date", sa.String(length=10), nullable=True),
        sa.Column("fat", sa.Float(), nullable=True),
        _user_fk(),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "food_logs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("logged_at", sa.Float(), nullable=False),
        sa.Column("food_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("brand", sa.String(length=200), nullable=False),
        sa.Column("meal_type_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("nutrition", sa.Text(), nullable=False),
        _user_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_food_logs_user_day", "food_logs", ["user_id", "day"])
    op.create_table(
        "water_logs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("amount_ml", sa.Float(), nullable=False),
        _user_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_water_logs_user_day", "water_logs", ["user_id", "day"])
    op.create_table(
        "custom_foods",
        sa.Column("food_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        _user_fk(),
        sa.PrimaryKeyConstraint("food_id"),
    )
    op.create_table(
        "favorite_foods",
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("food_id", sa.BigInteger(), nullable=False),
        _user_fk(),
        sa.PrimaryKeyConstraint("user_id", "food_id"),
    )
    op.create_table(
        "nutrition_goals",
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("calories", sa.Integer(), nullable=True),
        sa.Column("intensity", sa.String(length=16), nullable=True),
        sa.Column("personalized", sa.Boolean(), nullable=True),
        sa.Column("water_ml", sa.Float(), nullable=True),
        sa.Column("water_start_date", sa.String(length=10), nullable=True),
        _user_fk(),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "meals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("foods", sa.Text(), nullable=False),
        _user_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_meals_user", "meals", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_meals_user", table_name="meals")
    op.drop_table("meals")
    for table in ("nutrition_goals", "favorite_foods", "custom_foods"):
        op.drop_table(table)
    op.drop_index("ix_water_logs_user_day", table_name="water_logs")
    op.drop_table("water_logs")
    op.drop_index("ix_food_logs_user_day", table_name="food_logs")
    op.drop_table("food_logs")
    op.drop_table("body_goals")
    op.drop_index("ix_body_logs_user_kind_day", table_name="body_logs")
    op.drop_table("body_logs")
