"""Weight and body-fat logs and body goals.

Every write goes through the change seam (`store.changes.write`) and records a ``body`` change on the log's local
date. A weight log that is the user's newest moves the profile's weight in the same transaction, as a weigh-in on
an Aria moved the account's weight, so the profile never shows a weight the logs do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, and_, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.schema import body_goals, body_logs, users

KINDS = ("weight", "fat")


@dataclass(frozen=True)
class BodyLog:
    kind: str  # weight | fat
    log_id: int
    day: date
    time: str  # HH:MM:SS
    value: float  # kilograms or percent
    bmi: float | None
    source: str


@dataclass(frozen=True)
class BodyGoals:
    weight_kg: float | None = None
    start_weight_kg: float | None = None
    start_date: str | None = None
    fat: float | None = None


def log_id_for(day: date, time: str) -> int:
    """The log's local date and time as milliseconds since 1970 (Fitbit's weight and fat logIds [DOC examples])."""
    hours, minutes, seconds = (int(part) for part in time.split(":"))
    moment = datetime(day.year, day.month, day.day, hours, minutes, seconds, tzinfo=UTC)
    return int(moment.timestamp()) * 1000


def bmi_of(weight_kg: float, height_cm: float) -> float:
    metres = height_cm / 100
    return weight_kg / (metres * metres)


def _row(r: object) -> BodyLog:
    return BodyLog(
        r.kind,  # type: ignore[attr-defined]
        int(r.log_id),  # type: ignore[attr-defined]
        date.fromisoformat(r.day),  # type: ignore[attr-defined]
        r.time,  # type: ignore[attr-defined]
        float(r.value),  # type: ignore[attr-defined]
        r.bmi,  # type: ignore[attr-defined]
        r.source,  # type: ignore[attr-defined]
    )


def _upsert(conn: Connection, table: object, keys: list[str], values: list[dict[str, object]]) -> None:
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(table)  # type: ignore[arg-type]
    columns = [c for c in values[0] if c not in keys]
    conn.execute(
        stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in columns}),
        values,
    )


def _sync_profile_weight(conn: Connection, user_id: str) -> None:
    """The profile's weight is the newest weight log's (kept as it is when the user has none)."""
    newest = conn.execute(
        select(body_logs.c.value)
        .where(body_logs.c.user_id == user_id, body_logs.c.kind == "weight")
        .order_by(body_logs.c.log_id.desc())
        .limit(1)
    ).scalar()
    if newest is not None:
        conn.execute(update(users).where(users.c.id == user_id).values(weight_kg=float(newest)))


class BodyRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- reads ----------------------------------------------------------------------------------------------
    def logs(self, user_id: str, kind: str, start: date, end: date) -> list[BodyLog]:
        """The logs of `kind` from `start` to `end` (local dates, inclusive), oldest first."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(body_logs)
                .where(
                    body_logs.c.user_id == user_id,
                    body_logs.c.kind == kind,
                    body_logs.c.day >= start.isoformat(),
                    body_logs.c.day <= end.isoformat(),
                )
                .order_by(body_logs.c.log_id)
            ).all()
        return [_row(r) for r in rows]

    def last_before(self, user_id: str, kind: str, day: date) -> BodyLog | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(body_logs)
                .where(
                    body_logs.c.user_id == user_id,
                    body_logs.c.kind == kind,
                    body_logs.c.day < day.isoformat(),
                )
                .order_by(body_logs.c.log_id.desc())
                .limit(1)
            ).first()
        return _row(row) if row is not None else None

    def goals(self, user_id: str) -> BodyGoals:
        with self._engine.connect() as conn:
            row = conn.execute(select(body_goals).where(body_goals.c.user_id == user_id)).first()
        if row is None:
            return BodyGoals()
        return BodyGoals(row.weight_kg, row.start_weight_kg, row.start_date, row.fat)

    # --- writes ---------------------------------------------------------------------------------------------
    def add_logs(
        self,
        user_id: str,
        logs: Iterable[BodyLog],
        *,
        client_id: str | None = None,
        sync_profile: bool = True,
    ) -> None:
        """Store logs in one transaction; a log at the same second as an existing one of its kind replaces it.
        `sync_profile`: the newest weight becomes the profile's (synthetic history, which drifts around the profile's
        weight, leaves it alone)."""
        logs = list(logs)
        if not logs:
            return
        with write(self._engine) as tx:
            add_body_logs(tx, user_id, logs, client_id=client_id, sync_profile=sync_profile)

    def delete_log(self, user_id: str, kind: str, log_id: int, *, client_id: str | None = None) -> bool:
        """Delete one of the user's logs; False when the user has no such log (someone else's included)."""
        with write(self._engine) as tx:
            key = and_(body_logs.c.user_id == user_id, body_logs.c.kind == kind, body_logs.c.log_id == log_id)
            day = tx.conn.execute(select(body_logs.c.day).where(key)).scalar()
            if day is None:
                return False
            tx.conn.execute(delete(body_logs).where(key))
            if kind == "weight":
                _sync_profile_weight(tx.conn, user_id)
            tx.record("body", "deleted", user_id=user_id, day=date.fromisoformat(day), client_id=client_id)
        return True

    def set_goals(
        self, user_id: str, changes: dict[str, object], *, day: date, client_id: str | None
    ) -> None:
        """Set some goal columns (weight_kg, start_weight_kg, start_date, fat), keeping the others."""
        with write(self._engine) as tx:
            _upsert(tx.conn, body_goals, ["user_id"], [{"user_id": user_id, **changes}])
            tx.record("body", "updated", user_id=user_id, day=day, client_id=client_id)


def add_body_logs(
    tx: WriteTransaction,
    user_id: str,
    logs: list[BodyLog],
    *,
    client_id: str | None = None,
    sync_profile: bool = True,
) -> None:
    """`BodyRepository.add_logs` inside a write already open (the synthetic loader's batch transaction)."""
    existing = {
        (r.kind, r.log_id)
        for r in tx.conn.execute(
            select(body_logs.c.kind, body_logs.c.log_id).where(
                body_logs.c.user_id == user_id,
                body_logs.c.log_id.in_({log.log_id for log in logs}),
            )
        )
    }
    _upsert(
        tx.conn,
        body_logs,
        ["user_id", "kind", "log_id"],
        [
            {
                "user_id": user_id,
                "kind": log.kind,
                "log_id": log.log_id,
                "day": log.day.isoformat(),
                "time": log.time,
                "value": log.value,
                "bmi": log.bmi,
                "source": log.source,
            }
            for log in logs
        ],
    )
    if sync_profile and any(log.kind == "weight" for log in logs):
        _sync_profile_weight(tx.conn, user_id)
    for day in sorted({log.day for log in logs}):
        replaced = any((log.kind, log.log_id) in existing for log in logs if log.day == day)
        tx.record(
            "body",
            "updated" if replaced else "created",
            user_id=user_id,
            day=day,
            client_id=client_id,
        )
