"""users carry the job of an unfinished creation (NULL once the user and its history are complete)

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


# Plain ALTER TABLE on both dialects (SQLite >= 3.35 drops columns in place): a batch "move and copy" of `users`
# would delete every row hanging from it through ON DELETE CASCADE.


def upgrade() -> None:
    op.add_column("users", sa.Column("creation_job", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "creation_job")
