"""Activity logs (rows, DESIGN firm decision 5): created through the API (``manual``) or detected in the tracker's
minutes (``auto_detected``). Every write goes through the change seam and records an ``activities`` change on the
log's local day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, select

from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.schema import activity_logs, favorite_activities


@dataclass(frozen=True)
class ActivityLog:
    log_id: int
    user_id: str
    day: date
    start_time: str  # HH:MM:SS, local
    duration_ms: int
    activity_id: int | None
    activity_name: str
    calories: int
    distance_km: float | None
    steps: int | None
    log_type: str  # manual | auto_detected
    manual_calories: bool
    manual_distance: bool
    created_at: float

    @property
    def start_minute(self) -> int:
        hours, minutes, seconds = (int(x) for x in self.start_time.split(":"))
        return hours * 60 + minutes + (seconds >= 30)

    @property
    def duration_minutes(self) -> int:
        return max(1, round(self.duration_ms / 60_000))


@dataclass(frozen=True)
class NewActivityLog:
    """What a create states; the repository adds the id and the creation time."""

    day: date
    start_time: str
    duration_ms: int
    activity_id: int | None
    activity_name: str
    calories: int
    distance_km: float | None
    steps: int | None
    log_type: str = "manual"
    manual_calories: bool = False
    manual_distance: bool = False

    def row(self, user_id: str) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {**values, "user_id": user_id, "day": self.day.isoformat()}


def _log(row: Any) -> ActivityLog:
    values = dict(row._mapping)
    values["day"] = date.fromisoformat(values["day"])
    return ActivityLog(**values)


class ActivityLogRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, user_id: str, new: NewActivityLog, *, client_id: str | None = None) -> ActivityLog:
        """Store a log; a create identical to a log the user already has (same activity, day, start, duration,
        calories and distance) returns that log instead of a duplicate, so a retried POST logs once."""
        with write(self._engine) as tx:
            log_id, _ = self._create(tx, user_id, new, client_id)
            created = tx.conn.execute(select(activity_logs).where(activity_logs.c.log_id == log_id)).one()
        return _log(created)

    def create_many(self, user_id: str, logs: Iterable[NewActivityLog]) -> int:
        """Store logs in one transaction, each as `create` would (identical ones are not doubled); how many were
        new."""
        with write(self._engine) as tx:
            return sum(self._create(tx, user_id, new, None)[1] for new in logs)

    @staticmethod
    def _create(
        tx: WriteTransaction, user_id: str, new: NewActivityLog, client_id: str | None
    ) -> tuple[int, bool]:
        row = new.row(user_id)
        same = and_(
            *(
                activity_logs.c[k] == v if v is not None else activity_logs.c[k].is_(None)
                for k, v in row.items()
            )
        )
        found = tx.conn.execute(select(activity_logs.c.log_id).where(same).limit(1)).first()
        if found is not None:
            return int(found.log_id), False
        log_id = tx.conn.execute(insert(activity_logs).values(**row, created_at=tx.now)).inserted_primary_key
        assert log_id is not None
        tx.record("activities", "created", user_id=user_id, day=new.day, client_id=client_id)
        return int(log_id[0]), True

    def delete(self, user_id: str, log_id: int, *, client_id: str | None = None) -> bool:
        with write(self._engine) as tx:
            found = tx.conn.execute(
                select(activity_logs.c.day).where(
                    activity_logs.c.user_id == user_id, activity_logs.c.log_id == log_id
                )
            ).first()
            if found is None:
                return False
            tx.conn.execute(delete(activity_logs).where(activity_logs.c.log_id == log_id))
            tx.record(
                "activities",
                "deleted",
                user_id=user_id,
                day=date.fromisoformat(found.day),
                client_id=client_id,
            )
        return True

    def get(self, user_id: str, log_id: int) -> ActivityLog | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(activity_logs).where(
                    activity_logs.c.user_id == user_id, activity_logs.c.log_id == log_id
                )
            ).first()
        return _log(row) if row is not None else None

    def on_days(self, user_id: str, start: date, end: date) -> list[ActivityLog]:
        """The logs of local days `start`…`end`, by day and start time."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(activity_logs)
                .where(
                    activity_logs.c.user_id == user_id,
                    activity_logs.c.day >= start.isoformat(),
                    activity_logs.c.day <= end.isoformat(),
                )
                .order_by(activity_logs.c.day, activity_logs.c.start_time, activity_logs.c.log_id)
            ).all()
        return [_log(r) for r in rows]

    def page(
        self,
        user_id: str,
        *,
        before: str | None,
        after: str | None,
        descending: bool,
        limit: int,
        offset: int,
    ) -> list[ActivityLog]:
        """Logs starting before (or after) a local ``yyyy-MM-ddTHH:mm:ss`` instant, newest (oldest) first."""
        start = activity_logs.c.day + "T" + activity_logs.c.start_time
        query = select(activity_logs).where(activity_logs.c.user_id == user_id)
        if before is not None:
            query = query.where(start < before)
        if after is not None:
            query = query.where(start > after)
        order = (
            (start.desc(), activity_logs.c.log_id.desc()) if descending else (start, activity_logs.c.log_id)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(*order).limit(limit).offset(offset)).all()
        return [_log(r) for r in rows]

    def activity_counts(self, user_id: str) -> list[tuple[int, int, str]]:
        """(activity id, logs of it, latest day) for every catalogue activity the user logged."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(activity_logs.c.activity_id, func.count(), func.max(activity_logs.c.day))
                .where(activity_logs.c.user_id == user_id, activity_logs.c.activity_id.is_not(None))
                .group_by(activity_logs.c.activity_id)
            ).all()
        return [(r[0], r[1], r[2]) for r in rows]

    def latest_of_each(self, user_id: str) -> list[ActivityLog]:
        """The newest log of each activity, newest first (recent activities)."""
        newest: dict[object, ActivityLog] = {}
        for log in self.page(user_id, before=None, after=None, descending=True, limit=1000, offset=0):
            newest.setdefault(log.activity_id or log.activity_name, log)
        return list(newest.values())

    # --- favorites ---------------------------------------------------------------------------------------------
    def favorites(self, user_id: str) -> list[int]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(favorite_activities.c.activity_id)
                .where(favorite_activities.c.user_id == user_id)
                .order_by(favorite_activities.c.created_at, favorite_activities.c.activity_id)
            ).all()
        return [r[0] for r in rows]

    def set_favorite(self, user_id: str, activity_id: int, favorite: bool, *, client_id: str | None) -> None:
        """Add or remove a favorite (adding one twice, or removing one that is not, changes nothing)."""
        key = and_(favorite_activities.c.user_id == user_id, favorite_activities.c.activity_id == activity_id)
        with write(self._engine) as tx:
            present = (
                tx.conn.execute(select(favorite_activities.c.activity_id).where(key)).first() is not None
            )
            if favorite and not present:
                tx.conn.execute(
                    insert(favorite_activities).values(
                        user_id=user_id, activity_id=activity_id, created_at=tx.now
                    )
                )
            elif not favorite and present:
                tx.conn.execute(delete(favorite_activities).where(key))
            else:
                return
            tx.record("activities", "updated", user_id=user_id, client_id=client_id)


def replace_detected(
    tx: WriteTransaction, user_id: str, day_keys: list[str], logs: list[NewActivityLog]
) -> None:
    """Replace the auto-detected logs of the days `day_keys` with `logs`, inside a write already open (the synthetic
    loader's batch transaction, sources/exercises.py)."""
    tx.conn.execute(
        delete(activity_logs).where(
            activity_logs.c.user_id == user_id,
            activity_logs.c.log_type == "auto_detected",
            activity_logs.c.day.in_(day_keys),
        )
    )
    if logs:
        tx.conn.execute(insert(activity_logs), [{**n.row(user_id), "created_at": tx.now} for n in logs])
    tx.record("activities", "updated", user_id=user_id, days=sorted({n.day for n in logs}))
