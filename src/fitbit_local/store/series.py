"""Day arrays (compressed, one row per user, series and local day) and the daily summaries derived from them."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Engine, bindparam, delete, func, insert, select

from fitbit_local.physiology.day import SERIES, DayArrays
from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.db import FastReader
from fitbit_local.store.schema import daily_summaries, series_days

# Level 1: a seventh of level 6's time for 12 % more bytes on a heart-rate day (measured on imported days,
# docs/decisions.md); decompression costs the same at any level.
_COMPRESSION_LEVEL = 1

# Read statements built once (building SQLAlchemy expressions per call cost more than running them) and run through
# a FastReader: requests read these on every call, and the pool's checkout and result machinery cost more than the
# query itself (docs/performance.md).
_GET_SERIES = select(series_days.c.data).where(
    series_days.c.user_id == bindparam("user_id"),
    series_days.c.series == bindparam("series"),
    series_days.c.day == bindparam("day"),
)
_GET_DAY = select(series_days.c.series, series_days.c.data).where(
    series_days.c.user_id == bindparam("user_id"), series_days.c.day == bindparam("day")
)
_GET_SUMMARIES = select(daily_summaries.c.day, daily_summaries.c.data).where(
    daily_summaries.c.user_id == bindparam("user_id"),
    daily_summaries.c.day >= bindparam("start"),
    daily_summaries.c.day <= bindparam("end"),
)
_RECENT_SUMMARIES = (
    select(daily_summaries.c.data)
    .where(daily_summaries.c.user_id == bindparam("user_id"), daily_summaries.c.day < bindparam("before"))
    .order_by(daily_summaries.c.day.desc())
    .limit(30)
)


def pack(array: np.ndarray) -> bytes:
    return zlib.compress(array.tobytes(), _COMPRESSION_LEVEL)


def unpack(name: str, blob: bytes) -> np.ndarray:
    dtype, length = SERIES[name]
    array: np.ndarray = np.frombuffer(zlib.decompress(blob), dtype=dtype)
    if array.shape != (length,):
        raise ValueError(f"stored {name} array has {array.shape[0]} values, expected {length}")
    return array


class SeriesRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._reader = FastReader.of(engine)

    def put_days(
        self,
        user_id: str,
        days: Iterable[tuple[date, DayArrays, dict[str, object]]],
        *,
        source: str,
        also: Callable[[WriteTransaction], None] | None = None,
    ) -> int:
        """Store (day, arrays, summary JSON) triples in one transaction, replacing what those days held. Records an
        ``activities`` change for every day and a ``sleep`` change for every day with sleep in it. `also` writes what
        the source knows beside the arrays (its sleep logs and metrics) in the same transaction."""
        series_rows: list[dict[str, object]] = []
        summary_rows: list[dict[str, object]] = []
        stored_days: list[date] = []
        sleep_days: list[date] = []
        for day, arrays, summary in days:
            key = day.isoformat()
            stored_days.append(day)
            if arrays.sleep.any():
                sleep_days.append(day)
            for name, array in arrays.items():
                if array.any():  # an all-zero series is "no data": not stored
                    series_rows.append({"user_id": user_id, "series": name, "day": key, "data": pack(array)})
            summary_rows.append(
                {"user_id": user_id, "day": key, "source": source, "data": orjson.dumps(summary).decode()}
            )
        if not stored_days:
            return 0
        day_keys = [d.isoformat() for d in stored_days]
        with write(self._engine) as tx:
            replaced: set[str] = set()
            for chunk_start in range(0, len(day_keys), 500):
                chunk = day_keys[chunk_start : chunk_start + 500]
                replaced.update(
                    tx.conn.execute(
                        select(daily_summaries.c.day).where(
                            daily_summaries.c.user_id == user_id, daily_summaries.c.day.in_(chunk)
                        )
                    ).scalars()
                )
                tx.conn.execute(
                    delete(series_days).where(series_days.c.user_id == user_id, series_days.c.day.in_(chunk))
                )
                tx.conn.execute(
                    delete(daily_summaries).where(
                        daily_summaries.c.user_id == user_id, daily_summaries.c.day.in_(chunk)
                    )
                )
            if series_rows:
                tx.conn.execute(insert(series_days), series_rows)
            tx.conn.execute(insert(daily_summaries), summary_rows)
            for collection, collection_days in (("activities", stored_days), ("sleep", sleep_days)):
                for day in collection_days:
                    kind = "updated" if day.isoformat() in replaced else "created"
                    tx.record(collection, kind, user_id=user_id, day=day)
            if also is not None:
                also(tx)
        return len(stored_days)

    def get_series(self, user_id: str, name: str, day: date) -> np.ndarray | None:
        """One series of one local day, or None when the day holds no data for it."""
        rows = self._reader.fetchall(
            _GET_SERIES, {"user_id": user_id, "series": name, "day": day.isoformat()}
        )
        return unpack(name, rows[0][0]) if rows else None

    def get_day(self, user_id: str, day: date) -> DayArrays | None:
        rows = self._reader.fetchall(_GET_DAY, {"user_id": user_id, "day": day.isoformat()})
        if not rows:
            return None
        return DayArrays(**{series: unpack(series, data) for series, data in rows})

    def get_summaries(self, user_id: str, start: date, end: date) -> dict[str, dict[str, Any]]:
        """Daily summary JSON by ISO date for start..end inclusive (days without data are absent)."""
        rows = self._reader.fetchall(
            _GET_SUMMARIES, {"user_id": user_id, "start": start.isoformat(), "end": end.isoformat()}
        )
        return {day: orjson.loads(data) for day, data in rows}

    def latest_resting_hr(self, user_id: str, before: date, *, within_days: int = 7) -> int | None:
        """The resting heart rate of the latest day before `before` (looking back `within_days`) that has one:
        the zones' fallback for a day whose own readings yield none."""
        earlier = self.get_summaries(
            user_id, before - timedelta(days=within_days), before - timedelta(days=1)
        )
        for _, summary in sorted(earlier.items(), reverse=True):
            if summary.get("resting_heart_rate") is not None:
                return int(summary["resting_heart_rate"])
        return None

    def first_day(self, user_id: str) -> date | None:
        """The user's first day with data (the start of a ``max`` period)."""
        known = self.day_range(user_id)
        return known[0] if known else None

    def day_range(self, user_id: str) -> tuple[date, date] | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(func.min(daily_summaries.c.day), func.max(daily_summaries.c.day)).where(
                    daily_summaries.c.user_id == user_id
                )
            ).one()
        if row[0] is None:
            return None
        return date.fromisoformat(row[0]), date.fromisoformat(row[1])

    def average_daily_steps(self, user_id: str, before: date) -> int:
        """Mean steps over the last 30 days with data before `before` (the profile's averageDailySteps: complete
        days only, so today's partial count and days past the sandbox clock do not pull it)."""
        rows = self._reader.fetchall(_RECENT_SUMMARIES, {"user_id": user_id, "before": before.isoformat()})
        steps = [int(orjson.loads(data).get("steps", 0)) for (data,) in rows]
        return round(sum(steps) / len(steps)) if steps else 0
