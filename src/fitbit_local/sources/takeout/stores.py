"""The export's records stored through their families' own store code, idempotently.

- **Sleep logs**: per import window, in the window's transaction (`sleep_writer`, the `also` of `put_days`, or its
  own write when the days are unchanged): the window's takeout logs are replaced when they differ from the
  export's, keeping the export's ``logId``; synthetic logs and metrics of those days are dropped (an imported day
  has the export's nights only).
- **Weight and fat**: `BodyRepository.add_logs`, keyed by the export's ``logId`` (the local date-time in ms);
  logs equal to the stored ones are not written; the profile's weight is left as it is.
- **Exercises**: `ActivityLogRepository.create_many` (one transaction), which keeps the existing log for an
  identical create, so an exercise already stored is neither doubled nor recorded as a change.
- **SpO2, HRV, breathing rate, skin temperature**: one `health_metrics` record per (metric, local day), replaced
  per day when it differs.
- **Devices**: `DeviceRepository.replace`: the user's devices become the export's (the trackers and scales lists;
  ``Devices.csv`` only when the export has neither), the last sync in local time; equal rows are not written.

Every write goes through the change seam (`sleep`, `body`, `activities` changes), each kind in one transaction; a
kill between them leaves whole kinds stored, and the rerun stores the rest (equal records are skipped).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import orjson
from sqlalchemy import Connection, delete, insert, select

from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM, SLEEP_WAKE
from fitbit_local.physiology.sleep import ASLEEP, AWAKE, CLASSIC, RESTLESS, STAGES, SleepLog
from fitbit_local.sources.takeout.records import (
    BodyFatRecord,
    BreathingRateRecord,
    DeviceRecord,
    ExerciseRecord,
    HrvDailyRecord,
    SkinTemperatureRecord,
    SleepLogRecord,
    SpO2DailyRecord,
    SpO2Reading,
    WeightRecord,
)
from fitbit_local.sources.takeout.zones import LocalClock
from fitbit_local.store import Store
from fitbit_local.store.activity_logs import ActivityLogRepository, NewActivityLog
from fitbit_local.store.body import BodyLog, BodyRepository, log_id_for
from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.devices import Device, DeviceRepository, battery_word
from fitbit_local.store.schema import health_metrics, sleep_logs
from fitbit_local.store.sleep import _log as stored_log
from fitbit_local.store.sleep import log_row

SOURCE = "takeout"
STAGE_CODES = {"wake": SLEEP_WAKE, "light": SLEEP_LIGHT, "deep": SLEEP_DEEP, "rem": SLEEP_REM}
CLASSIC_CODES = {"asleep": ASLEEP, "restless": RESTLESS, "awake": AWAKE}
LOG_TYPES = ("manual", "auto_detected", "tracker", "mobile_run")  # the API's logType values


# --- sleep logs -------------------------------------------------------------------------------------------------


def sleep_log(record: SleepLogRecord) -> SleepLog:
    """The store's log of an export log: one level per minute of its time in bed, each minute the level of its first
    30 s (``levels.data`` with ``shortData`` laid over it); minutes no level covers are light (stages) or asleep
    (classic)."""
    stages = record.type == STAGES
    codes = STAGE_CODES if stages else CLASSIC_CODES
    default = SLEEP_LIGHT if stages else ASLEEP
    minutes = record.time_in_bed or max(1, -(-record.duration_ms // 60_000))
    epochs = np.full(minutes * 2, default, dtype=np.uint8)
    for stage in (*record.data, *record.short_data):
        begin = int((stage.start - record.start_time).total_seconds()) // 30
        end = begin + stage.seconds // 30
        epochs[max(0, begin) : max(0, end)] = codes.get(stage.level, SLEEP_WAKE if stages else AWAKE)
    return SleepLog(
        log_id=record.log_id,
        date_of_sleep=record.date_of_sleep.isoformat(),
        start=record.start_time,
        kind=STAGES if stages else CLASSIC,
        log_type=record.log_type or "auto_detected",
        is_main_sleep=record.is_main_sleep,
        levels=epochs[::2].copy(),
        source=SOURCE,
    )


def _content(log: SleepLog) -> tuple[object, ...]:
    return (
        log.date_of_sleep,
        log.start.isoformat(timespec="seconds"),
        log.kind,
        log.log_type,
        log.is_main_sleep,
        log.levels.tobytes(),
    )


def sleep_writer(
    conn: Connection,
    user_id: str,
    window: Sequence[date],
    logs: list[SleepLog],
    imported_days: Iterable[date],
) -> Callable[[WriteTransaction], None] | None:
    """What storing the window's logs needs, as a function of the window's transaction; None when the store
    already holds exactly these takeout logs and no synthetic log or metric on an imported day."""
    keys = [d.isoformat() for d in window]
    stored = conn.execute(
        select(sleep_logs).where(sleep_logs.c.user_id == user_id, sleep_logs.c.date_of_sleep.in_(keys))
    ).all()
    days = sorted({d.isoformat() for d in imported_days} | {log.date_of_sleep for log in logs})
    mine = sorted(_content(stored_log(r)) for r in stored if r.source == SOURCE)
    synthetic_logs = any(r.source == "synthetic" and r.date_of_sleep in days for r in stored)
    synthetic_metrics = conn.execute(
        select(health_metrics.c.day).where(
            health_metrics.c.user_id == user_id,
            health_metrics.c.source == "synthetic",
            health_metrics.c.day.in_(days),
        )
    ).first()
    if mine == sorted(_content(log) for log in logs) and not synthetic_logs and synthetic_metrics is None:
        return None

    def store(tx: WriteTransaction) -> None:
        for source, on in ((SOURCE, keys), ("synthetic", days)):
            tx.conn.execute(
                delete(sleep_logs).where(
                    sleep_logs.c.user_id == user_id,
                    sleep_logs.c.source == source,
                    sleep_logs.c.date_of_sleep.in_(on),
                )
            )
        tx.conn.execute(
            delete(health_metrics).where(
                health_metrics.c.user_id == user_id,
                health_metrics.c.source == "synthetic",
                health_metrics.c.day.in_(days),
            )
        )
        if logs:
            taken = set(
                tx.conn.execute(
                    select(sleep_logs.c.log_id).where(sleep_logs.c.log_id.in_([log.log_id for log in logs]))
                ).scalars()
            )
            rows = []
            for log in logs:
                row = log_row(user_id, log, tx.now)
                if log.log_id not in taken:  # the export's id, unless another user's import holds it
                    row["log_id"] = log.log_id
                rows.append(row)
            for row in rows:  # one by one: a row without an id takes the next one
                tx.conn.execute(insert(sleep_logs).values(**row))
        for day in sorted({*days, *(r.date_of_sleep for r in stored if r.source == SOURCE)}):
            tx.record("sleep", "updated", user_id=user_id, day=date.fromisoformat(day))

    return store


# --- body -----------------------------------------------------------------------------------------------------


def body_logs(
    weights: Sequence[WeightRecord], fats: Sequence[BodyFatRecord], clock: LocalClock
) -> list[BodyLog]:
    """Weight logs (kg) and fat logs (%) of the export: a weight record's ``fat`` is a fat log with the same id
    (Fitbit's Aria logged both at once); GoogleData fat readings (UTC) at their local time."""
    out: dict[tuple[str, int], BodyLog] = {}
    json_days = {(kind, w.when.date()) for w in weights if w.log_id is not None for kind in ("weight", "fat")}
    for w in sorted(
        weights, key=lambda w: w.log_id is None
    ):  # the JSON's are local with a logId; the GoogleData CSV's UTC (naive) without one
        when = w.when if w.log_id is not None else _local(clock, w.when.replace(tzinfo=UTC))
        if w.log_id is None and ("weight", when.date()) in json_days:
            continue  # the GoogleData twin fills only days the JSON lacks: one source per day
        time = when.strftime("%H:%M:%S")
        log_id = w.log_id if w.log_id is not None else log_id_for(when.date(), time)
        source = w.source or "API"
        out.setdefault(
            ("weight", log_id),
            BodyLog("weight", log_id, when.date(), time, round(w.weight_kg, 3), w.bmi, source),
        )
        if w.fat_percent is not None:
            out.setdefault(
                ("fat", log_id), BodyLog("fat", log_id, when.date(), time, w.fat_percent, None, source)
            )
    for f in fats:
        local = _local(clock, f.when_utc)
        if ("fat", local.date()) in json_days:
            continue
        time = local.strftime("%H:%M:%S")
        log_id = log_id_for(local.date(), time)
        out.setdefault(
            ("fat", log_id), BodyLog("fat", log_id, local.date(), time, f.percent, None, f.source or "API")
        )
    return list(out.values())


def store_body(store: Store, user_id: str, logs: list[BodyLog]) -> int:
    """Store the logs the store does not hold as they are; returns how many the store now holds."""
    if not logs:
        return 0
    first, last = min(log.day for log in logs), max(log.day for log in logs)
    body = BodyRepository(store.engine)
    held = {log for kind in ("weight", "fat") for log in body.logs(user_id, kind, first, last)}
    # the profile's weight stays the export profile's (or, with --user, the user's own): the windows' BMR and
    # METs are computed from it, so an import run again after a kill derives the same days
    body.add_logs(user_id, [log for log in logs if log not in held], sync_profile=False)
    return len(logs)


# --- exercises --------------------------------------------------------------------------------------------------


def activity_log(record: ExerciseRecord, clock: LocalClock) -> NewActivityLog:
    """An exercise as an activity log at its local start (the export's start is UTC)."""
    local = _local(clock, record.start_utc)
    return NewActivityLog(
        day=local.date(),
        start_time=local.strftime("%H:%M:%S"),
        duration_ms=record.duration_ms,
        activity_id=record.activity_type_id,
        activity_name=record.activity_name[:200],
        calories=int(record.calories or 0),
        distance_km=round(record.distance_km, 6) if record.distance_km is not None else None,
        steps=record.steps,
        log_type=record.log_type if record.log_type in LOG_TYPES else "manual",
    )


def store_exercises(store: Store, user_id: str, records: Sequence[ExerciseRecord], clock: LocalClock) -> int:
    # one transaction; an identical create is the stored log: nothing doubled, no change recorded
    ActivityLogRepository(store.engine).create_many(user_id, (activity_log(r, clock) for r in records))
    return len(records)


# --- nightly metrics --------------------------------------------------------------------------------------------


def metric_records(
    spo2_minutes: Sequence[SpO2Reading],
    spo2_daily: Sequence[SpO2DailyRecord],
    hrv: Sequence[HrvDailyRecord],
    breathing: Sequence[BreathingRateRecord],
    skin: Sequence[SkinTemperatureRecord],
    *,
    clock: LocalClock,
) -> dict[tuple[str, date], dict[str, Any]]:
    """The `health_metrics` records (the shapes api/spo2.py, hrv.py, breathing.py, temperature.py read) by
    (metric, local day)."""
    out: dict[tuple[str, date], dict[str, Any]] = {}
    minutes: dict[date, list[tuple[datetime, float]]] = {}
    for reading in spo2_minutes:  # a night's readings belong to the day it ends on: local time + 12 h
        local = _local(clock, reading.when_utc)
        minutes.setdefault((local + timedelta(hours=12)).date(), []).append((local, reading.percent))
    daily: dict[date, SpO2DailyRecord] = {}
    for r in spo2_daily:  # the legacy CSV first, the GoogleData twin for days it lacks: one source per day
        daily.setdefault(r.day, r)
    for day in sorted(set(daily) | set(minutes)):
        readings = sorted(minutes.get(day, []))
        values = [v for _, v in readings]
        record = daily.get(day)
        avg = record.average if record is not None else float(np.mean(values))
        low = record.lower if record is not None and record.lower is not None else min(values, default=avg)
        high = record.upper if record is not None and record.upper is not None else max(values, default=avg)
        out["spo2", day] = {
            "avg": round(avg, 1),
            "min": round(low, 1),
            "max": round(high, 1),
            "minutes": [{"value": v, "minute": t.strftime("%Y-%m-%dT%H:%M:%S")} for t, v in readings],
        }
    for h in hrv:  # the daily summary has no deep-sleep RMSSD: the night's is served for both
        out.setdefault(("hrv", h.day), {"dailyRmssd": h.rmssd, "deepRmssd": h.rmssd, "minutes": []})
    for b in breathing:
        out.setdefault(("br", b.day), {"fullSleepSummary": b.breaths_per_minute})
    for s in skin:
        if s.baseline_relative is not None:
            out.setdefault(("skin_temp", s.day), {"nightlyRelative": round(s.baseline_relative, 2)})
    return out


def store_metrics(store: Store, user_id: str, records: dict[tuple[str, date], dict[str, Any]]) -> int:
    """Replace per (metric, day) the records that differ from the stored ones (any source's: the export's night
    replaces a synthetic one), in one transaction recording ``sleep`` changes."""
    if not records:
        return 0
    first, last = min(d for _, d in records), max(d for _, d in records)
    changed = []
    for metric in sorted({m for m, _ in records}):
        held = store.metrics.by_dates(user_id, metric, first, last)
        changed += [(m, d) for m, d in records if m == metric and held.get(d) != records[m, d]]
    if changed:
        with write(store.engine) as tx:
            for metric, day in changed:
                tx.conn.execute(
                    delete(health_metrics).where(
                        health_metrics.c.user_id == user_id,
                        health_metrics.c.metric == metric,
                        health_metrics.c.day == day.isoformat(),
                    )
                )
            tx.conn.execute(
                insert(health_metrics),
                [
                    {
                        "user_id": user_id,
                        "metric": m,
                        "day": d.isoformat(),
                        "source": SOURCE,
                        "data": orjson.dumps(records[m, d]).decode(),
                    }
                    for m, d in changed
                ],
            )
            for day in sorted({d for _, d in changed}):
                tx.record("sleep", "updated", user_id=user_id, day=day)
    return len(records)


# --- devices ------------------------------------------------------------------------------------------------------

# A word's level where the export gives only the word (docs/decisions.md); a level's word is the API's (battery_word)
_BATTERY_LEVELS = {"FULL": 100, "HIGH": 75, "MEDIUM": 50, "LOW": 20, "EMPTY": 0}


def _battery(text: str | None) -> tuple[str | None, int | None]:
    if text is None or not text.strip():
        return None, None
    word = text.strip().upper()
    if word in _BATTERY_LEVELS:
        return ("High" if word == "FULL" else word.title()), _BATTERY_LEVELS[word]
    try:
        level = max(0, min(100, round(float(word))))
    except (ValueError, OverflowError):  # not a number, NaN, infinity
        return None, None
    return battery_word(level), level


def device(user_id: str, record: DeviceRecord, clock: LocalClock) -> Device:
    """A device row from an export row: SCALE for the scales list (or a scale's type), else TRACKER; the last sync,
    a UTC instant in the export, as local wall time; a MAC derived from the ids (the export has none)."""
    kind = (record.device_type or "").upper()
    is_scale = record.listed_in == "Scales" or "SCALE" in kind or "ARIA" in kind
    synced = None
    if record.last_sync:
        try:
            moment = datetime.fromisoformat(record.last_sync.strip().replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None:
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            synced = _local(clock, moment).strftime("%Y-%m-%dT%H:%M:%S.000")
    name = record.name or (record.device_type if kind not in ("", "TRACKER", "SCALE") else None)
    battery, level = _battery(record.battery)
    return Device(
        device_id=record.device_id[:32],
        type="SCALE" if is_scale else "TRACKER",
        device_version=(name or ("Aria" if is_scale else "Tracker"))[:64],
        last_sync_time=synced,
        battery=battery,
        battery_level=level,
        mac=hashlib.sha256(f"mac:{user_id}:{record.device_id}".encode()).hexdigest()[:12].upper(),
    )


def store_devices(store: Store, user_id: str, records: Sequence[DeviceRecord], clock: LocalClock) -> int:
    """The export's trackers and scales (``Devices.csv`` rows only when it lists neither: the same device appears
    there under another id); the last row for an id wins. How many rows were used."""
    listed = [r for r in records if r.listed_in != "Devices"] or list(records)
    found = {r.device_id: device(user_id, r, clock) for r in listed}
    DeviceRepository(store.engine).replace(user_id, list(found.values()))
    return len(listed)


def _local(clock: LocalClock, moment: datetime) -> datetime:
    utc = int(moment.astimezone(UTC).timestamp())
    face = int(clock.to_local(np.array([utc], dtype=np.int64))[0])
    return datetime(1970, 1, 1) + timedelta(seconds=face)
