"""Sleep logs and the sleep goal: every source's logs are the same records (a synthetic night, a manual log, later a
Takeout log), so the by-date, range, list and time-series responses read one table.

Writes go through the change seam (store/changes.py) and record ``sleep`` changes. A manual log also changes the
activity summary of every local day it covers (its minutes are in bed, not sedentary): `create` and `delete`
re-derive those days' summaries in the same transaction (`rederive_days`), so nothing half-written is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Connection, Engine, and_, delete, func, insert, select

from fitbit_local.physiology.day import DayArrays
from fitbit_local.physiology.sleep import SleepLog, decode_levels, encode_levels, in_bed_minutes
from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.schema import daily_summaries, health_metrics, sleep_goals, sleep_logs

DEFAULT_GOAL_MINUTES = 480  # the doc example's minDuration


@dataclass(frozen=True)
class SleepGoal:
    min_duration: int
    updated_at: float | None  # None: never set (the default)


def _log(row: Any) -> SleepLog:
    return SleepLog(
        log_id=int(row.log_id),
        date_of_sleep=row.date_of_sleep,
        start=datetime.fromisoformat(row.start),
        kind=row.log_kind,
        log_type=row.log_type,
        is_main_sleep=bool(row.is_main_sleep),
        levels=decode_levels(row.levels),
        source=row.source,
    )


def log_row(user_id: str, log: SleepLog, now: float) -> dict[str, object]:
    return {
        "user_id": user_id,
        "date_of_sleep": log.date_of_sleep,
        "start": log.start.isoformat(timespec="seconds"),
        "log_kind": log.kind,
        "log_type": log.log_type,
        "is_main_sleep": log.is_main_sleep,
        "source": log.source,
        "levels": encode_levels(log.levels),
        "created_at": now,
    }


_ORDER = (sleep_logs.c.start, sleep_logs.c.log_id)


class SleepRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- reads ---------------------------------------------------------------------------------------------------
    def by_dates(self, user_id: str, start: date, end: date, *, main_stages: bool = False) -> list[SleepLog]:
        """Logs with dateOfSleep in start..end, oldest first (with `main_stages`, only main sleeps with stages)."""
        with self._engine.connect() as conn:
            return _by_dates(conn, user_id, start, end, main_stages=main_stages)

    def page(
        self,
        user_id: str,
        *,
        before: datetime | None,
        after: datetime | None,
        descending: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[SleepLog], bool]:
        """One page of the log list (logs starting before `before` or after `after`) and whether more follow."""
        query = select(sleep_logs).where(sleep_logs.c.user_id == user_id)
        if before is not None:
            query = query.where(sleep_logs.c.start < before.isoformat(timespec="seconds"))
        if after is not None:
            query = query.where(sleep_logs.c.start > after.isoformat(timespec="seconds"))
        order = [c.desc() for c in _ORDER] if descending else list(_ORDER)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(*order).offset(offset).limit(limit + 1)).all()
        return [_log(r) for r in rows[:limit]], len(rows) > limit

    def get(self, user_id: str, log_id: int) -> SleepLog | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(sleep_logs).where(sleep_logs.c.user_id == user_id, sleep_logs.c.log_id == log_id)
            ).first()
        return _log(row) if row is not None else None

    def goal(self, user_id: str) -> SleepGoal:
        with self._engine.connect() as conn:
            row = conn.execute(select(sleep_goals).where(sleep_goals.c.user_id == user_id)).first()
        if row is None:
            return SleepGoal(DEFAULT_GOAL_MINUTES, None)
        return SleepGoal(int(row.min_duration), float(row.updated_at))

    def count(self, user_id: str) -> int:
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(sleep_logs).where(sleep_logs.c.user_id == user_id)
                ).scalar_one()
            )

    # --- writes --------------------------------------------------------------------------------------------------
    def create(
        self, user_id: str, log: SleepLog, *, client_id: str | None, rederive: DayRederiver | None = None
    ) -> SleepLog:
        """Store a new log; returns it with its id."""
        with write(self._engine) as tx:
            log_id = tx.conn.execute(
                insert(sleep_logs).values(**log_row(user_id, log, tx.now))
            ).inserted_primary_key
            assert log_id is not None
            main = _reassign_main_sleep(tx.conn, user_id, log.date_of_sleep)
            stored = SleepLog(
                **{**log.__dict__, "log_id": int(log_id[0]), "is_main_sleep": main == int(log_id[0])}
            )
            tx.record(
                "sleep",
                "created",
                user_id=user_id,
                day=date.fromisoformat(log.date_of_sleep),
                client_id=client_id,
            )
            if rederive is not None:
                rederive(tx, covered_days(stored))
        return stored

    def delete(
        self, user_id: str, log_id: int, *, client_id: str | None, rederive: DayRederiver | None = None
    ) -> bool:
        with write(self._engine) as tx:
            row = tx.conn.execute(
                select(sleep_logs).where(sleep_logs.c.user_id == user_id, sleep_logs.c.log_id == log_id)
            ).first()
            if row is None:
                return False
            log = _log(row)
            tx.conn.execute(delete(sleep_logs).where(sleep_logs.c.log_id == log_id))
            _reassign_main_sleep(tx.conn, user_id, log.date_of_sleep)
            tx.record(
                "sleep",
                "deleted",
                user_id=user_id,
                day=date.fromisoformat(log.date_of_sleep),
                client_id=client_id,
            )
            if rederive is not None:
                rederive(tx, covered_days(log))
        return True

    def set_goal(self, user_id: str, min_duration: int, *, client_id: str | None) -> SleepGoal:
        with write(self._engine) as tx:
            tx.conn.execute(delete(sleep_goals).where(sleep_goals.c.user_id == user_id))
            tx.conn.execute(
                insert(sleep_goals).values(user_id=user_id, min_duration=min_duration, updated_at=tx.now)
            )
            tx.record("sleep", "updated", user_id=user_id, client_id=client_id)
            return SleepGoal(min_duration, tx.now)


DayRederiver = Callable[[WriteTransaction, list[date]], None]


def _reassign_main_sleep(conn: Connection, user_id: str, date_of_sleep: str) -> int | None:
    """Make the longest log of the date its main sleep (the earliest among equals) after a manual log came or went
    [UNVERIFIED: Fitbit's app called the longest sleep of the day the main one]; returns its id."""
    rows = conn.execute(
        select(sleep_logs.c.log_id, sleep_logs.c.levels, sleep_logs.c.is_main_sleep).where(
            sleep_logs.c.user_id == user_id, sleep_logs.c.date_of_sleep == date_of_sleep
        )
    ).all()
    if not rows:
        return None
    main = min(rows, key=lambda r: (-len(r.levels), r.log_id)).log_id
    for row in rows:
        if bool(row.is_main_sleep) != (row.log_id == main):
            conn.execute(
                sleep_logs.update()
                .where(sleep_logs.c.log_id == row.log_id)
                .values(is_main_sleep=row.log_id == main)
            )
    return int(main)


def covered_days(log: SleepLog) -> list[date]:
    """The local days a log has minutes in."""
    first, last = log.start.date(), (log.end - timedelta(minutes=1)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _by_dates(
    conn: Connection, user_id: str, start: date, end: date, *, main_stages: bool = False
) -> list[SleepLog]:
    query = select(sleep_logs).where(
        sleep_logs.c.user_id == user_id,
        sleep_logs.c.date_of_sleep >= start.isoformat(),
        sleep_logs.c.date_of_sleep <= end.isoformat(),
    )
    if main_stages:
        query = query.where(sleep_logs.c.is_main_sleep.is_(True), sleep_logs.c.log_kind == "stages")
    rows = conn.execute(query.order_by(*_ORDER)).all()
    return [_log(r) for r in rows]


def logs_covering(conn: Connection, user_id: str, day: date) -> list[SleepLog]:
    """Every log with minutes on the local `day` (a log ends on its dateOfSleep, at most a day after it starts)."""
    candidates = _by_dates(conn, user_id, day, day + timedelta(days=2))
    return [log for log in candidates if day in covered_days(log)]


def in_bed_mask(conn: Connection, user_id: str, day: date) -> np.ndarray:
    """The minutes of `day` the user's logs cover."""
    return in_bed_minutes(logs_covering(conn, user_id, day), datetime.combine(day, time(0)))


def rederive_in_bed(
    tx: WriteTransaction,
    user_id: str,
    day: date,
    arrays: DayArrays,
    *,
    age: int,
    resting_hr_fallback: int | None,
    bmr_kcal_per_day: float,
) -> None:
    """Re-derive and store one day's summary with its minutes in bed taken from the logs as they stand in `tx`
    (a manual log created or deleted, synthetic days regenerated under a manual log)."""
    summary = derive_daily_summary(
        arrays,
        age=age,
        resting_hr_fallback=resting_hr_fallback,
        bmr_kcal_per_day=bmr_kcal_per_day,
        in_bed=in_bed_mask(tx.conn, user_id, day),
    )
    update_summary_json(tx, user_id, day, summary.to_json())


def days_under_other_logs(conn: Connection, user_id: str, days: list[date]) -> set[date]:
    """The days among `days` that a log of a source other than synthetic covers."""
    if not days:
        return set()
    rows = conn.execute(
        select(sleep_logs).where(
            sleep_logs.c.user_id == user_id,
            sleep_logs.c.source != "synthetic",
            sleep_logs.c.date_of_sleep >= min(days).isoformat(),
            sleep_logs.c.date_of_sleep <= (max(days) + timedelta(days=2)).isoformat(),
        )
    ).all()
    covered = {d for row in rows for d in covered_days(_log(row))}
    return covered & set(days)


def replace_records(
    tx: WriteTransaction,
    user_id: str,
    days: Iterable[date],
    logs: list[SleepLog],
    metrics: list[tuple[str, date, dict[str, Any]]],
    *,
    source: str,
) -> None:
    """Replace one source's sleep logs and metrics filed under `days` with these, inside the caller's transaction
    (the synthetic loader's batch; an importer's); other sources' logs and metrics are kept. The caller records the
    ``sleep`` changes: `put_days` does for every day with sleep in it (a log ends on a day with sleep minutes)."""
    if any(log.source != source for log in logs):
        raise ValueError(f"every log must come from {source!r}")
    keys = [d.isoformat() for d in days]
    for chunk_start in range(0, len(keys), 500):
        chunk = keys[chunk_start : chunk_start + 500]
        tx.conn.execute(
            delete(sleep_logs).where(
                and_(
                    sleep_logs.c.user_id == user_id,
                    sleep_logs.c.source == source,
                    sleep_logs.c.date_of_sleep.in_(chunk),
                )
            )
        )
        tx.conn.execute(
            delete(health_metrics).where(
                health_metrics.c.user_id == user_id,
                health_metrics.c.source == source,
                health_metrics.c.day.in_(chunk),
            )
        )
    logs, metrics = _not_imported(tx.conn, user_id, keys, logs, metrics)
    if logs:
        tx.conn.execute(insert(sleep_logs), [log_row(user_id, log, tx.now) for log in logs])
    if metrics:
        tx.conn.execute(
            insert(health_metrics),
            [
                {
                    "user_id": user_id,
                    "metric": metric,
                    "day": day.isoformat(),
                    "source": source,
                    "data": orjson.dumps(data).decode(),
                }
                for metric, day, data in metrics
            ],
        )


def _not_imported(
    conn: Connection,
    user_id: str,
    keys: list[str],
    logs: list[SleepLog],
    metrics: list[tuple[str, date, dict[str, Any]]],
) -> tuple[list[SleepLog], list[tuple[str, date, dict[str, Any]]]]:
    """The logs and metrics a source may add: none on a day that holds imported (Takeout) logs, and no metric
    record another source already holds for its day (issue 14: an imported night is the night)."""
    imported: set[str] = set()
    held: set[tuple[str, str]] = set()
    for chunk_start in range(0, len(keys), 500):
        chunk = keys[chunk_start : chunk_start + 500]
        imported.update(
            conn.execute(
                select(sleep_logs.c.date_of_sleep).where(
                    sleep_logs.c.user_id == user_id,
                    sleep_logs.c.source == "takeout",
                    sleep_logs.c.date_of_sleep.in_(chunk),
                )
            ).scalars()
        )
        held.update(
            (r.metric, r.day)
            for r in conn.execute(
                select(health_metrics.c.metric, health_metrics.c.day).where(
                    health_metrics.c.user_id == user_id, health_metrics.c.day.in_(chunk)
                )
            )
        )
    if not imported and not held:
        return logs, metrics
    return (
        [log for log in logs if log.date_of_sleep not in imported],
        [m for m in metrics if (m[0], m[1].isoformat()) not in held],
    )


def update_summary_json(tx: WriteTransaction, user_id: str, day: date, data: dict[str, Any]) -> None:
    """Rewrite one day's stored summary (a re-derivation after a sleep log changed the day)."""
    tx.conn.execute(
        daily_summaries.update()
        .where(daily_summaries.c.user_id == user_id, daily_summaries.c.day == day.isoformat())
        .values(data=orjson.dumps(data).decode())
    )
    tx.record("activities", "updated", user_id=user_id, day=day)


def stored_summary(conn: Connection, user_id: str, day: date) -> dict[str, Any] | None:
    row = conn.execute(
        select(daily_summaries.c.data).where(
            daily_summaries.c.user_id == user_id, daily_summaries.c.day == day.isoformat()
        )
    ).first()
    return orjson.loads(row[0]) if row is not None else None
