"""Paired devices and tracker alarms. A user's devices are rows when an import found them (Takeout `Paired
Devices/`), else the one tracker api/devices.py derives from the user's data. Writes go through the change seam (the
epoch moves) but record no change: no subscription collection covers devices."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from fitbit_local.store.changes import write
from fitbit_local.store.schema import devices, tracker_alarms


def battery_word(level: int) -> str:
    """A battery level's word: ``High``, ``Medium``, ``Low`` or ``Empty`` [DOC get-devices]."""
    if level >= 70:
        return "High"
    if level >= 35:
        return "Medium"
    return "Low" if level > 5 else "Empty"


@dataclass(frozen=True)
class Device:
    device_id: str
    type: str  # TRACKER | SCALE
    device_version: str
    last_sync_time: str | None  # local wall time, 2019-11-07T12:00:58.000
    battery: str | None  # High | Medium | Low | Empty
    battery_level: int | None
    mac: str


class DeviceRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def devices(self, user_id: str) -> list[Device]:
        with self._engine.connect() as conn:
            return self.devices_in(conn, user_id)

    @staticmethod
    def devices_in(conn: Connection, user_id: str) -> list[Device]:
        rows = conn.execute(
            select(devices).where(devices.c.user_id == user_id).order_by(devices.c.type, devices.c.device_id)
        ).all()
        return [Device(**{f.name: getattr(r, f.name) for f in fields(Device)}) for r in rows]

    def replace(self, user_id: str, found: list[Device]) -> int:
        """Make the user's devices exactly `found` (an export's list: a device it no longer lists is no longer
        paired); how many rows changed. Nothing is written when the store holds exactly these."""
        with self._engine.connect() as conn:
            held = {d.device_id: d for d in self.devices_in(conn, user_id)}
        wanted = {d.device_id: d for d in found}
        gone = [device_id for device_id in held if device_id not in wanted]
        changed = [d for d in wanted.values() if held.get(d.device_id) != d]
        if not gone and not changed:
            return 0
        with write(self._engine) as tx:
            ids = gone + [d.device_id for d in changed]
            tx.conn.execute(delete(devices).where(devices.c.user_id == user_id, devices.c.device_id.in_(ids)))
            if changed:
                tx.conn.execute(
                    insert(devices),
                    [
                        {"user_id": user_id, **{f.name: getattr(d, f.name) for f in fields(Device)}}
                        for d in changed
                    ],
                )
        return len(gone) + len(changed)


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
