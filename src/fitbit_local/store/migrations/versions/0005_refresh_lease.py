"""a wall-clock lease for in-flight refresh-token rotations (refresh_tokens.lease_until)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

A row left ``rotating`` by a crash before this revision has no lease; oauth/refresh.py treats that as run out.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.add_column(sa.Column("lease_until", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.drop_column("lease_until")
