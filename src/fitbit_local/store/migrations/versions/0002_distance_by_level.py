"""daily summaries carry the distance covered at each activity level

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Summaries written before this revision lack ``distance_by_level_km``; it is derived here from the stored distance,
METs and sleep arrays, the same way `physiology.summaries.derive_daily_summary` derives it for new days.
"""

import orjson
import sqlalchemy as sa
from alembic import op

from fitbit_local.physiology.activity_levels import minute_activity_levels
from fitbit_local.physiology.day import empty_series
from fitbit_local.physiology.summaries import distance_by_level
from fitbit_local.store.series import unpack

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_summaries = sa.table(
    "daily_summaries",
    sa.column("user_id", sa.String),
    sa.column("day", sa.String),
    sa.column("data", sa.Text),
)
_series = sa.table(
    "series_days",
    sa.column("user_id", sa.String),
    sa.column("series", sa.String),
    sa.column("day", sa.String),
    sa.column("data", sa.LargeBinary),
)
_NEEDED = ("distance", "mets", "sleep")


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_summaries.c.user_id, _summaries.c.day, _summaries.c.data)).all()
    for row in rows:
        summary = orjson.loads(row.data)
        if "distance_by_level_km" in summary:
            continue
        arrays = {name: empty_series(name) for name in _NEEDED}
        stored = conn.execute(
            sa.select(_series.c.series, _series.c.data).where(
                _series.c.user_id == row.user_id, _series.c.day == row.day, _series.c.series.in_(_NEEDED)
            )
        ).all()
        for name, blob in stored:
            arrays[name] = unpack(name, blob)
        levels = minute_activity_levels(arrays["mets"], arrays["sleep"])
        summary["distance_by_level_km"] = list(distance_by_level(arrays["distance"], levels))
        conn.execute(
            sa.update(_summaries)
            .where(_summaries.c.user_id == row.user_id, _summaries.c.day == row.day)
            .values(data=orjson.dumps(summary).decode())
        )


def downgrade() -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(_summaries.c.user_id, _summaries.c.day, _summaries.c.data)).all():
        summary = orjson.loads(row.data)
        if summary.pop("distance_by_level_km", None) is not None:
            conn.execute(
                sa.update(_summaries)
                .where(_summaries.c.user_id == row.user_id, _summaries.c.day == row.day)
                .values(data=orjson.dumps(summary).decode())
            )
