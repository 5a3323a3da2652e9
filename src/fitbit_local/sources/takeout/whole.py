"""The families read whole before the day windows: the profile, one value per day (resting heart rate, activity
minutes), the sleep logs (de-duplicated by ``logId``), and the record kinds handed to the `ImportSink`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import numpy as np

from fitbit_local.sources.takeout import parsers
from fitbit_local.sources.takeout.archive import Archive
from fitbit_local.sources.takeout.classify import Inventory
from fitbit_local.sources.takeout.records import (
    BodyFatRecord,
    BreathingRateRecord,
    ProfileRecord,
    SleepLogRecord,
    SpO2DailyRecord,
    SpO2Reading,
)
from fitbit_local.sources.takeout.report import ImportReport
from fitbit_local.sources.takeout.sink import ImportSink

ACTIVITY_FAMILIES = {
    "sedentary_minutes": "sedentary_minutes",
    "lightly_active_minutes": "lightly_active_minutes",
    "moderately_active_minutes": "fairly_active_minutes",
    "very_active_minutes": "very_active_minutes",
}


@dataclass
class Whole:
    """The families read whole before the windows: one value per day, or a few records."""

    profile: ProfileRecord | None = None
    resting: dict[date, float] = field(default_factory=dict)
    activity: dict[str, dict[date, float]] = field(default_factory=dict)
    sleeps: list[SleepLogRecord] = field(default_factory=list)


def read_whole(archive: Archive, found: Inventory, report: ImportReport) -> Whole:
    small = Whole()
    for c in found.of("profile"):
        small.profile = report.parsed(archive, c.entry, parsers.profile_csv, text=True) or small.profile
    heights = [
        h for c in found.of("height") for h in report.parsed(archive, c.entry, parsers.height_json) or []
    ]
    if heights:
        latest = max(heights)[1]
        small.profile = _with(small.profile or ProfileRecord(), height_cm=latest)
    for c in found.of("resting_heart_rate"):
        small.resting.update(report.parsed(archive, c.entry, parsers.resting_json) or {})
    for c in found.of("gd_resting_heart_rate"):  # the CSV twin fills only days the JSON lacks, one source
        by_source = report.parsed(
            archive, c.entry, partial(parsers.google_daily, column="beats per minute"), text=True
        )
        for day, bpm in one_source_per_day(by_source or {}).items():
            small.resting.setdefault(day, bpm)
    for family in ACTIVITY_FAMILIES:
        values: dict[date, float] = {}
        for c in found.of(family):
            values.update(report.parsed(archive, c.entry, parsers.daily_json) or {})
        small.activity[family] = values
    seen: dict[int, SleepLogRecord] = {}
    for c in found.of("sleep"):
        for log in report.parsed(archive, c.entry, parsers.sleep_json) or []:
            if log.log_id in seen:  # the boundary night of two 30-day chunks: first writer wins
                report.duplicate_sleep_logs += 1
                if (
                    log != seen[log.log_id]
                ):  # never seen in real exports [VER 13 of 13]: reported, not guessed
                    report.conflicting_sleep_logs += 1
                continue
            seen[log.log_id] = log
    small.sleeps = sorted(seen.values(), key=lambda log: log.start_time)
    return small


def _with(profile: ProfileRecord, **values: Any) -> ProfileRecord:
    return ProfileRecord(**{**profile.__dict__, **values})


def one_source_per_day(by_source: dict[str, dict[date, float]]) -> dict[date, float]:
    """One data source per day, never a sum: the first non-round-trip source (by name) that has the day."""
    out: dict[date, float] = {}
    for source in sorted(by_source, key=lambda s: (s.endswith("Health Connect"), s)):
        for day, value in by_source[source].items():
            out.setdefault(day, value)
    return out


def put_records(
    archive: Archive, found: Inventory, small: Whole, sink: ImportSink, user_id: str, report: ImportReport
) -> None:
    """The record families, parsed and handed to the sink (stored there once their stores exist)."""
    sink.put("sleep_logs", user_id, small.sleeps)
    profile = small.profile or ProfileRecord()
    pounds = parsers._is_pounds(profile.weight_unit)

    def records_of(family: str, parse: Callable[[Any], list[Any]], *, text: bool = False) -> list[Any]:
        return [r for c in found.of(family) for r in report.parsed(archive, c.entry, parse, text=text) or []]

    weights = records_of("weight", partial(parsers.weight_json, pounds=pounds, height_cm=profile.height_cm))
    weights += records_of("gd_weight", parsers.google_weight, text=True)
    sink.put("weights", user_id, _dedupe(weights, lambda w: (w.log_id, w.when)))
    exercises = records_of("exercise", parsers.exercise_json)
    sink.put("exercises", user_id, _dedupe(exercises, lambda e: e.log_id))
    for kind, family, parse in (
        ("spo2_minutes", "spo2_minute", parsers.spo2_minutes),
        ("spo2_daily", "spo2_daily", parsers.spo2_daily),
        ("hrv_daily", "hrv_daily", parsers.hrv_daily),
        ("breathing_daily", "breathing_daily", parsers.breathing_daily),
        ("skin_temperature", "temperature_nightly", parsers.temperature_nightly),
        ("devices", "devices", parsers.devices_csv),
    ):
        records: list[object] = records_of(family, parse, text=True)
        records += _google_records(archive, found, kind, report)
        sink.put(kind, user_id, records)
    sink.put("body_fat", user_id, _google_records(archive, found, "body_fat", report))


def _google_records(archive: Archive, found: Inventory, kind: str, report: ImportReport) -> list[object]:
    """The GoogleData CSV families that hold records: one data source (the one with the most rows, round trips
    through Health Connect last), never a mix."""
    if kind in ("breathing_daily", "spo2_daily"):
        family, column = {
            "breathing_daily": ("gd_daily_respiratory_rate", "breaths per minute"),
            "spo2_daily": ("gd_daily_oxygen_saturation", "average percentage"),
        }[kind]
        daily: dict[str, dict[date, float]] = {}
        for c in found.of(family):
            by_source = report.parsed(
                archive, c.entry, partial(parsers.google_daily, column=column), text=True
            )
            for source, values in (by_source or {}).items():
                daily.setdefault(source, {}).update(values)
        chosen = one_source_per_day(daily)
        if kind == "breathing_daily":
            return [BreathingRateRecord(day, value) for day, value in sorted(chosen.items())]
        return [
            SpO2DailyRecord(day, value, None, None)
            for day, value in sorted(chosen.items())
            if value != parsers.SPO2_SENTINEL
        ]
    if kind in ("spo2_minutes", "body_fat"):
        family, column = {
            "spo2_minutes": ("gd_oxygen_saturation", "oxygen saturation percentage"),
            "body_fat": ("gd_body_fat", "body fat percentage"),
        }[kind]
        series: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        for c in found.of(family):
            pairs = report.parsed(archive, c.entry, partial(parsers.google_series, column=column), text=True)
            for source, pair in (pairs or {}).items():
                series.setdefault(source, []).append(pair)
        if not series:
            return []
        source = max(
            series, key=lambda s: (not s.endswith("Health Connect"), sum(p[0].size for p in series[s]))
        )
        out: list[object] = []
        for stamps, readings in series[source]:
            for stamp, value in zip(stamps.tolist(), readings.tolist(), strict=True):
                when = datetime.fromtimestamp(stamp, UTC)
                if kind == "body_fat":
                    out.append(BodyFatRecord(when, value, source))
                elif value != parsers.SPO2_SENTINEL:
                    out.append(SpO2Reading(when, value))
        return out
    return []


def _dedupe(records: Iterable[Any], key: Callable[[Any], object]) -> list[Any]:
    seen: dict[object, Any] = {}
    for record in records:
        seen.setdefault(key(record), record)
    return list(seen.values())


def is_placeholder(small: Whole, day: date) -> bool:
    """A day whose only data is Fitbit's padding: 1440 sedentary minutes and no other activity."""
    values = [small.activity.get(f, {}).get(day) for f in ACTIVITY_FAMILIES]
    return values[0] == 1440 and not any(values[1:])
