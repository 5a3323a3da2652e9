"""daily summaries carry the distance covered at each activity level

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Summaries written before this revision lack ``distance_by_level_km``; it is derived here from the stored distance,
METs and sleep arrays, the same way `physiology.summaries.derive_daily_summary` derived it for new days when this
revision was written. The functions it needs are frozen copies below, so a later change to `physiology` or the store
cannot change what this migration does (tests/store/test_migrations.py).
"""

import zlib

import numpy as np
import orjson
import sqlalchemy as sa
from alembic import op

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

# --- frozen at revision 0002: physiology/day.py, store/series.py, physiology/activity_levels.py, summaries.py ---

_MINUTES_PER_DAY = 1_440
_DTYPES = {
    "distance": np.float32,
    "mets": np.float32,
    "sleep": np.uint8,
}  # one value per minute of the local day
_SLEEP_AWAKE = 0  # sleep code of a minute not in bed
_LEVEL_CUTS = np.array([1.5, 3.0, 6.0], dtype=np.float32)  # METs: lightly, fairly, very
_LEVEL_FAIRLY = 2
_LEVEL_LIGHTLY = 1
_BOUT_MINUTES = 10
_IN_BED = 255


def _unpack(name: str, blob: bytes) -> np.ndarray:
    """A stored day array: zlib over the raw little-endian values."""
    array: np.ndarray = np.frombuffer(zlib.decompress(blob), dtype=_DTYPES[name])
    if array.shape != (_MINUTES_PER_DAY,):
        raise ValueError(f"stored {name} array has {array.shape[0]} values, expected {_MINUTES_PER_DAY}")
    return array


def _in_bouts(flag: np.ndarray, min_length: int) -> np.ndarray:
    """Mask of the True entries that belong to a run of at least min_length consecutive True entries."""
    f = np.asarray(flag, dtype=bool)
    padded = np.concatenate(([False], f, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    starts, ends = edges[0::2], edges[1::2]
    keep = (ends - starts) >= min_length
    marks = np.zeros(len(f) + 1, dtype=np.int64)
    np.add.at(marks, starts[keep], 1)
    np.add.at(marks, ends[keep], -1)
    return np.cumsum(marks[:-1]) > 0


def _minute_activity_levels(mets: np.ndarray, sleep: np.ndarray) -> np.ndarray:
    """Per-minute level 0..3 with the 10-minute bout rule for fairly/very; minutes in bed are 255."""
    m = np.asarray(mets, dtype=np.float32)
    awake = np.asarray(sleep) == _SLEEP_AWAKE
    raw = np.searchsorted(_LEVEL_CUTS, m, side="right").astype(np.uint8)
    bout = _in_bouts(awake & (raw >= _LEVEL_FAIRLY), _BOUT_MINUTES)
    levels = np.where(raw >= _LEVEL_FAIRLY, np.where(bout, raw, _LEVEL_LIGHTLY), raw).astype(np.uint8)
    levels[~awake] = _IN_BED
    return levels


def _distance_by_level(distance: np.ndarray, minute_levels: np.ndarray) -> tuple[float, float, float, float]:
    """Kilometres covered at each level: sedentary (minutes in bed included), lightly, moderately, very."""
    km = np.asarray(distance, dtype=np.float64)
    sedentary = (minute_levels == 0) | (minute_levels == _IN_BED)
    lightly, moderately, very = (float(km[minute_levels == level].sum()) for level in (1, 2, 3))
    return float(km[sedentary].sum()), lightly, moderately, very


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_summaries.c.user_id, _summaries.c.day, _summaries.c.data)).all()
    for row in rows:
        summary = orjson.loads(row.data)
        if "distance_by_level_km" in summary:
            continue
        arrays = {name: np.zeros(_MINUTES_PER_DAY, dtype=_DTYPES[name]) for name in _NEEDED}
        stored = conn.execute(
            sa.select(_series.c.series, _series.c.data).where(
                _series.c.user_id == row.user_id, _series.c.day == row.day, _series.c.series.in_(_NEEDED)
            )
        ).all()
        for name, blob in stored:
            arrays[name] = _unpack(name, blob)
        levels = _minute_activity_levels(arrays["mets"], arrays["sleep"])
        summary["distance_by_level_km"] = list(_distance_by_level(arrays["distance"], levels))
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
