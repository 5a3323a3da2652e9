"""Tracker alarms (rows; the devices themselves are derived from the user's data, api/devices.py). Alarm writes
go through the change seam (the epoch moves) but record no change: no subscription collection covers devices."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Engine, and_, delete, insert, select, update

from fitbit_local.store.changes import write
from fitbit_local.store.schema import tracker_alarms


@dataclass(frozen=True)
class AlarmSettings:
    time: str
    enabled: bool
    recurring: bool
    week_days: str  # MONDAY,TUESDAY
    snooze_length: int = 9
    snooze_count: int = 3
    label: str | None = None
    vibe: str = "DEFAULT"

    def row(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Alarm:
    alarm_id: int
    tracker_id: str
    settings: AlarmSettings


def _alarm(row: Any) -> Alarm:
    values = dict(row._mapping)
    return Alarm(
        values.pop("alarm_id"),
        values.pop("tracker_id"),
        AlarmSettings(**{k: values[k] for k in AlarmSettings.__dataclass_fields__}),
    )


class AlarmRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def alarms(self, user_id: str, tracker_id: str) -> list[Alarm]:
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(tracker_alarms)
                .where(tracker_alarms.c.user_id == user_id, tracker_alarms.c.tracker_id == tracker_id)
                .order_by(tracker_alarms.c.alarm_id)
            ).all()
        return [_alarm(r) for r in rows]

    def create(self, user_id: str, tracker_id: str, settings: AlarmSettings) -> Alarm:
        """A new alarm; one the tracker already has at the same time, days and switches (what a create states) is
        that alarm, so a retried POST sets one alarm."""
        values = {"user_id": user_id, "tracker_id": tracker_id, **settings.row()}
        stated = ("user_id", "tracker_id", "time", "enabled", "recurring", "week_days")
        with write(self._engine) as tx:
            same = and_(*(tracker_alarms.c[k] == values[k] for k in stated))
            found = tx.conn.execute(select(tracker_alarms).where(same).limit(1)).first()
            if found is not None:
                return _alarm(found)
            key = tx.conn.execute(insert(tracker_alarms).values(**values)).inserted_primary_key
            assert key is not None
        return Alarm(int(key[0]), tracker_id, settings)

    def update(self, user_id: str, tracker_id: str, alarm_id: int, settings: AlarmSettings) -> Alarm | None:
        with write(self._engine) as tx:
            changed = tx.conn.execute(
                update(tracker_alarms)
                .where(
                    tracker_alarms.c.alarm_id == alarm_id,
                    tracker_alarms.c.user_id == user_id,
                    tracker_alarms.c.tracker_id == tracker_id,
                )
                .values(**settings.row())
            ).rowcount
            if not changed:
                return None
        return Alarm(alarm_id, tracker_id, settings)

    def delete(self, user_id: str, tracker_id: str, alarm_id: int) -> bool:
        with write(self._engine) as tx:
            gone = tx.conn.execute(
                delete(tracker_alarms).where(
                    tracker_alarms.c.alarm_id == alarm_id,
                    tracker_alarms.c.user_id == user_id,
                    tracker_alarms.c.tracker_id == tracker_id,
                )
            ).rowcount
        return bool(gone)
