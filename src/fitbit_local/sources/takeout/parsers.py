"""Parsers of each file family: bytes in, numpy arrays (intraday families) or typed records out.

Quirks handled here (reference §1.6): string values; ``NaN``, blank and ``no data`` cells are missing, never 0;
resting-HR placeholders ``{date: null, value: 0}``; the SpO2 ``50.0`` sentinel; weight in the account's display
unit; distance in centimetres (JSON) or metres (GoogleData CSV); height in millimetres.
"""

from __future__ import annotations

import csv
import functools
import gc
import math
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, ParamSpec, TypeVar

import numpy as np
import orjson

from fitbit_local.sources.takeout import scan
from fitbit_local.sources.takeout.records import (
    BreathingRateRecord,
    DeviceRecord,
    ExerciseRecord,
    HrvDailyRecord,
    ProfileRecord,
    SkinTemperatureRecord,
    SleepLogRecord,
    SleepStage,
    SpO2DailyRecord,
    SpO2Reading,
    WeightRecord,
)
from fitbit_local.sources.takeout.stamps import iso_seconds_many, mdy_date, mdy_seconds

POUND_KG = 0.45359237
MILE_KM = 1.609344
SPO2_SENTINEL = 50.0
_DATE_TIME, _VALUE, _BPM = itemgetter("dateTime"), itemgetter("value"), itemgetter("bpm")


def number(text: object) -> float | None:
    """A cell or JSON value as a float; blank, ``NaN`` and unparsable text are missing (None), never 0."""
    if text is None:
        return None
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


_P = ParamSpec("_P")
_R = TypeVar("_R")


def without_gc(parse: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run a parser with the cyclic garbage collector paused. A heart-rate day is tens of thousands of small
    dicts, all acyclic and freed by reference counting as soon as the parser returns; the collector, triggered by
    their allocation, would otherwise traverse them (and everything else alive) over and over: measured 2.6x
    slower with it on (docs/import.md, Performance)."""

    @functools.wraps(parse)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return parse(*args, **kwargs)
        gc.disable()
        try:
            return parse(*args, **kwargs)
        finally:
            gc.enable()

    return run


# --- intraday JSON --------------------------------------------------------------------------------------------


@without_gc
def heart_json(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """``heart_rate-DATE.json``: (face-value seconds, bpm). Read in place by `scan.heart` when the file is in
    Fitbit's usual form, else record by record here."""
    scanned = scan.heart(raw)
    if scanned is not None:
        return scanned
    records = orjson.loads(raw)
    stamps = list(map(_DATE_TIME, records))
    bpm = np.array(list(map(_BPM, map(_VALUE, records))), dtype=np.int64)
    return mdy_seconds(stamps), bpm


@without_gc
def minute_json(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """``steps-``/``distance-``/``calories-``/``altitude-DATE.json``: (face-value seconds, values); string values,
    missing ones dropped. Read in place by `scan.minutes` when the file is in Fitbit's usual form (no missing
    values), else record by record here."""
    scanned = scan.minutes(raw)
    if scanned is not None:
        return scanned
    records = orjson.loads(raw)
    stamps = list(map(_DATE_TIME, records))
    values = list(map(_VALUE, records))
    try:
        array = np.array(values, dtype=np.float64)
    except ValueError:
        array = np.array([number(v) if number(v) is not None else np.nan for v in values], dtype=np.float64)
    seconds = mdy_seconds(stamps)
    keep = ~np.isnan(array)
    return seconds[keep], array[keep]


def daily_json(raw: bytes) -> dict[date, float]:
    """The per-day JSON series (active minutes): local date label -> value."""
    out: dict[date, float] = {}
    for record in orjson.loads(raw):
        value = number(record.get("value"))
        if value is not None:
            out[mdy_date(record["dateTime"])] = value
    return out


def resting_json(raw: bytes) -> dict[date, float]:
    """``resting_heart_rate-DATE.json`` (365 days per file); ``{date: null, value: 0}`` is a missing day."""
    out: dict[date, float] = {}
    for record in orjson.loads(raw):
        value = record.get("value") or {}
        bpm = number(value.get("value"))
        if value.get("date") is None or not bpm:
            continue
        out[mdy_date(value["date"])] = bpm
    return out


def height_json(raw: bytes) -> list[tuple[date, float]]:
    """``height-DATE.json``: (date, centimetres); values are millimetres."""
    out = []
    for record in orjson.loads(raw):
        mm = number(record.get("value"))
        if mm:
            out.append((mdy_date(record["dateTime"]), mm / 10))
    return out


def _stage(item: dict[str, Any]) -> SleepStage:
    return SleepStage(datetime.fromisoformat(item["dateTime"]), str(item["level"]), int(item["seconds"]))


@without_gc
def sleep_json(raw: bytes) -> list[SleepLogRecord]:
    """``sleep-DATE.json`` (30-day chunks, newest first): one record per log, times local."""
    logs = []
    for record in orjson.loads(raw):
        levels = record.get("levels") or {}
        logs.append(
            SleepLogRecord(
                log_id=int(record["logId"]),
                date_of_sleep=date.fromisoformat(record["dateOfSleep"]),
                start_time=datetime.fromisoformat(record["startTime"]),
                end_time=datetime.fromisoformat(record["endTime"]),
                duration_ms=int(record["duration"]),
                minutes_asleep=int(record.get("minutesAsleep", 0)),
                minutes_awake=int(record.get("minutesAwake", 0)),
                minutes_to_fall_asleep=int(record.get("minutesToFallAsleep", 0)),
                minutes_after_wakeup=int(record.get("minutesAfterWakeup", 0)),
                time_in_bed=int(record.get("timeInBed", 0)),
                efficiency=int(record.get("efficiency", 0)),
                type=str(record.get("type", "classic")),
                info_code=int(record.get("infoCode", 0)),
                log_type=record.get("logType"),
                is_main_sleep=bool(record.get("mainSleep", record.get("isMainSleep", True))),
                data=tuple(_stage(i) for i in levels.get("data") or ()),
                short_data=tuple(_stage(i) for i in levels.get("shortData") or ()),
                summary=levels.get("summary") or {},
            )
        )
    return logs


def weight_json(raw: bytes, *, pounds: bool | None, height_cm: float | None) -> list[WeightRecord]:
    """``weight-DATE.json``: weight is in the account's display unit. `pounds` says which when the profile tells;
    otherwise the unit whose BMI (with the profile height) matches the record's ``bmi`` is taken, else kg."""
    out = []
    for record in orjson.loads(raw):
        value = number(record.get("weight"))
        if value is None:
            continue
        bmi = number(record.get("bmi"))
        is_lb = pounds
        if is_lb is None and bmi and height_cm:
            metres = height_cm / 100
            is_lb = abs(value * POUND_KG / metres**2 - bmi) < abs(value / metres**2 - bmi)
        when = datetime.combine(
            mdy_date(record["date"]), datetime.strptime(record.get("time", "00:00:00"), "%H:%M:%S").time()
        )
        out.append(
            WeightRecord(
                log_id=int(record["logId"]) if record.get("logId") is not None else None,
                when=when,
                weight_kg=round(value * POUND_KG, 3) if is_lb else value,
                bmi=bmi,
                fat_percent=number(record.get("fat")),
                source=record.get("source"),
            )
        )
    return out


def exercise_json(raw: bytes) -> list[ExerciseRecord]:
    """``exercise-N.json`` (pages of 100): ``startTime`` is a UTC instant; distance honours ``distanceUnit``."""
    out = []
    for record in orjson.loads(raw):
        distance = number(record.get("distance"))
        if distance is not None and str(record.get("distanceUnit", "Kilometer")).lower().startswith("mile"):
            distance *= MILE_KM
        start = datetime.strptime(record["startTime"], "%m/%d/%y %H:%M:%S").replace(tzinfo=UTC)
        out.append(
            ExerciseRecord(
                log_id=int(record["logId"]),
                activity_name=str(record.get("activityName", "")),
                activity_type_id=record.get("activityTypeId"),
                start_utc=start,
                duration_ms=int(record.get("duration", 0)),
                active_duration_ms=record.get("activeDuration"),
                calories=record.get("calories"),
                steps=record.get("steps"),
                distance_km=distance,
                average_heart_rate=record.get("averageHeartRate"),
                log_type=record.get("logType"),
                elevation_gain_m=number(record.get("elevationGain")),
                heart_rate_zones=tuple(record.get("heartRateZones") or ()),
            )
        )
    return out


# --- CSV ------------------------------------------------------------------------------------------------------


def csv_rows(lines: Iterable[str]) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts; ``no data`` files and header-only files give no rows."""
    rows = list(csv.DictReader(lines))
    return [r for r in rows if any(v not in (None, "") for v in r.values())]


def _date_label(text: str) -> date:
    """A daily row's key: a bare date or ``…T00:00:00Z``/``…T12:00:00Z``, a *local date label*, never converted."""
    return date.fromisoformat(text.strip()[:10])


def profile_csv(lines: Iterable[str]) -> ProfileRecord | None:
    rows = csv_rows(lines)
    if not rows:
        return None
    row = rows[0]

    def text(name: str) -> str | None:
        value = (row.get(name) or "").strip()
        return value or None

    height = number(text("height"))
    height_unit = (text("height_unit") or "").upper()
    if height is not None:
        if "INCH" in height_unit or height_unit in ("US", "EN_US"):
            height *= 2.54
        elif height >= 1000:
            height /= 10  # millimetres
    weight = number(text("weight"))
    weight_unit = text("weight_unit")
    if weight is not None and _is_pounds(weight_unit):
        weight = round(weight * POUND_KG, 3)
    sex = (text("gender") or "NA").upper()
    born = text("date_of_birth")
    since = text("member_since")
    first, last = text("first_name"), text("last_name")
    return ProfileRecord(
        full_name=text("full_name") or " ".join(p for p in (first, last) if p) or None,
        display_name=text("display_name") or first,
        username=text("username"),
        timezone=text("timezone"),
        birth_date=date.fromisoformat(born[:10]) if born else None,
        sex=sex if sex in ("MALE", "FEMALE") else "NA",
        height_cm=height,
        weight_kg=weight,
        member_since=date.fromisoformat(since[:10]) if since else None,
        locale=text("locale"),
        weight_unit=weight_unit,
    )


def _is_pounds(unit: str | None) -> bool | None:
    if not unit:
        return None
    unit = unit.upper()
    return "POUND" in unit or unit in ("LB", "LBS", "US", "EN_US", "STONE")


def google_series(lines: Iterable[str], column: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """A ``Physical Activity_GoogleData`` per-sample CSV (UTC ``Z`` stamps): per ``data source``, (UTC seconds,
    values). Sources are kept apart: the caller picks one per day and never sums them."""
    by_source: dict[str, tuple[list[str], list[float]]] = {}
    for row in csv_rows(lines):
        value = number(row.get(column))
        if value is None:
            continue
        stamps, values = by_source.setdefault(row.get("data source") or "", ([], []))
        stamps.append(row["timestamp"])
        values.append(value)
    return {
        source: (iso_seconds_many(stamps), np.array(values, dtype=np.float64))
        for source, (stamps, values) in by_source.items()
    }


def google_daily(lines: Iterable[str], column: str) -> dict[str, dict[date, float]]:
    """A GoogleData daily CSV (``daily_resting_heart_rate.csv`` …): per source, local date label -> value."""
    out: dict[str, dict[date, float]] = {}
    for row in csv_rows(lines):
        value = number(row.get(column))
        if value is not None and not row["timestamp"].startswith("1970-"):
            out.setdefault(row.get("data source") or "", {})[_date_label(row["timestamp"])] = value
    return out


def google_weight(lines: Iterable[str]) -> list[WeightRecord]:
    """``weight.csv``: grams, UTC stamps (the local time is the caller's to derive; kept as the UTC wall time)."""
    out = []
    for row in csv_rows(lines):
        grams = number(row.get("weight grams"))
        if grams:
            when = datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00")).astimezone(UTC)
            out.append(
                WeightRecord(
                    None, when.replace(tzinfo=None), grams / 1000, None, None, row.get("data source")
                )
            )
    return out


def spo2_minutes(lines: Iterable[str]) -> list[SpO2Reading]:
    """``Minute SpO2 - DATE.csv``: UTC stamps; exactly ``50.0`` is the invalid-reading sentinel (dropped; no other
    cut, real desaturations stay)."""
    out = []
    for row in csv_rows(lines):
        value = number(row.get("value"))
        if value is None or value == SPO2_SENTINEL:
            continue
        when = datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00"))
        out.append(SpO2Reading(when if when.tzinfo else when.replace(tzinfo=UTC), value))
    return out


def spo2_daily(lines: Iterable[str]) -> list[SpO2DailyRecord]:
    out = []
    for row in csv_rows(lines):
        average = number(row.get("average_value"))
        if average is not None and average != SPO2_SENTINEL:
            out.append(
                SpO2DailyRecord(
                    _date_label(row["timestamp"]),
                    average,
                    number(row.get("lower_bound")),
                    number(row.get("upper_bound")),
                )
            )
    return out


def hrv_daily(lines: Iterable[str]) -> list[HrvDailyRecord]:
    """``Daily Heart Rate Variability Summary - …csv``; the date comes from the rows, never the (quirky) name."""
    out = []
    for row in csv_rows(lines):
        rmssd = number(row.get("rmssd"))
        if rmssd is not None:
            out.append(
                HrvDailyRecord(
                    _date_label(row["timestamp"]),
                    rmssd,
                    number(row.get("nremhr")),
                    number(row.get("entropy")),
                )
            )
    return out


def breathing_daily(lines: Iterable[str]) -> list[BreathingRateRecord]:
    out = []
    for row in csv_rows(lines):
        rate = number(row.get("daily_respiratory_rate"))
        if rate is not None:
            out.append(BreathingRateRecord(_date_label(row["timestamp"]), rate))
    return out


def temperature_nightly(lines: Iterable[str]) -> list[SkinTemperatureRecord]:
    """``Computed Temperature - …csv``: one row per night, dated by the local date its sleep ends on. The night
    relative to the baseline is the mean of its samples' deviations from it (``baseline_relative_sample_sum`` ÷
    ``temperature_samples``); ``NaN`` before a baseline exists."""
    out = []
    for row in csv_rows(lines):
        nightly = number(row.get("nightly_temperature"))
        end = (row.get("sleep_end") or "").strip()
        total, samples = (
            number(row.get("baseline_relative_sample_sum")),
            number(row.get("temperature_samples")),
        )
        if nightly is not None and end:
            relative = total / samples if total is not None and samples else None
            out.append(SkinTemperatureRecord(date.fromisoformat(end[:10]), nightly, relative))
    return out


_DEVICE_ID_COLUMNS = {"tracker_id": "Trackers", "scale_id": "Scales", "wire_id": "Devices"}


def devices_csv(lines: Iterable[str]) -> list[DeviceRecord]:
    """``Paired Devices/Trackers.csv`` (``tracker_id``), ``Scales.csv`` (``scale_id``) or ``Devices.csv``
    (``wire_id``): the id column says which."""
    out = []
    for row in csv_rows(lines):
        ids = [(row.get(column) or "").strip() for column in _DEVICE_ID_COLUMNS]
        which = next((i for i, value in enumerate(ids) if value), None)
        if which is None:
            continue
        device_id, listed_in = ids[which], list(_DEVICE_ID_COLUMNS.values())[which]
        out.append(
            DeviceRecord(
                device_id=device_id,
                device_type=row.get("device_type") or None,
                name=row.get("tracker_name") or row.get("scale_name") or row.get("device_name") or None,
                last_sync=row.get("last_sync_date_time") or None,
                battery=row.get("batt_level") or row.get("battery_level") or None,
                listed_in=listed_in,
            )
        )
    return out
