"""Import an export: classify its files, read the small families whole, then walk the days in 30-day windows,
building each local day's arrays from every family and storing the window through `SeriesRepository.put_days`.

- Each window is assembled completely before it is written (one transaction), so no day is ever served with some
  families and not others; a user created by the import stays invisible (unfinished creation) until the last window.
- The job record (jobs.py) holds the last day stored: a killed import run again skips the windows already stored;
  re-storing one is harmless anyway (put_days replaces days), and a day whose arrays and summary equal what is stored
  is not written at all, so importing the same export twice records no change the second time.
- Time zones per family (`FAMILY_ZONES`): heart rate, steps, distance (and exercise starts) are UTC instants,
  calories and the daily series local; `zones.LocalClock` maps instants to the local day.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM, SLEEP_WAKE, DayArrays
from fitbit_local.physiology.energy import bmr_mifflin_st_jeor
from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.physiology.zones import round_half_up
from fitbit_local.sources.takeout import parsers
from fitbit_local.sources.takeout.archive import Archive, fingerprint
from fitbit_local.sources.takeout.classify import Classified, Inventory, inventory
from fitbit_local.sources.takeout.jobs import JobRepository
from fitbit_local.sources.takeout.records import (
    BodyFatRecord,
    BreathingRateRecord,
    ProfileRecord,
    SleepLogRecord,
    SpO2DailyRecord,
    SpO2Reading,
)
from fitbit_local.sources.takeout.sink import ImportSink
from fitbit_local.sources.takeout.stamps import seconds_of
from fitbit_local.sources.takeout.zones import LocalClock
from fitbit_local.store import Store
from fitbit_local.store.users import User, check_timezone

WINDOW_DAYS = 30
CHUNK_SPAN_DAYS = 31  # a chunk file named D covers D .. D+29; one more day for the UTC spill
EARLIEST = date(
    2008, 1, 1
)  # before any Fitbit tracker: rows dated earlier (12/31/99 placeholders) are dropped
MINUTE_FAMILIES = ("steps", "distance", "calories", "altitude")
ACTIVITY_FAMILIES = {
    "sedentary_minutes": "sedentary_minutes",
    "lightly_active_minutes": "lightly_active_minutes",
    "moderately_active_minutes": "fairly_active_minutes",
    "very_active_minutes": "very_active_minutes",
}
# How each family's stamps are read (reference §1.4): "utc" instants, "local" wall time, "label" a local date.
# calories and altitude are checked per chunk file against its name's local midnight ("local?"/"utc?": the
# default when the file's first stamp decides nothing).
FAMILY_ZONES = {
    "heart_rate": "utc",
    "steps": "utc",
    "distance": "utc",
    "calories": "local?",
    "altitude": "utc?",
    "exercise": "utc",
    "sleep": "local",
    "daily": "label",
    "gd_series": "utc",
    "gd_daily": "label",
}
SLEEP_CODES = {
    "wake": SLEEP_WAKE,
    "awake": SLEEP_WAKE,
    "restless": SLEEP_WAKE,
    "light": SLEEP_LIGHT,
    "asleep": SLEEP_LIGHT,
    "deep": SLEEP_DEEP,
    "rem": SLEEP_REM,
}
FEET_M = 0.3048
# GoogleData per-sample CSV twins of the JSON minute families: family -> (value column, factor to our unit)
GOOGLE_TWINS = {
    "heart_rate": ("beats per minute", 1.0),
    "steps": ("steps", 1.0),
    "distance": ("distance", 1 / 1000),  # metres -> km
    "calories": ("calories", 1.0),
}
_SERIES_OF = {"steps": "steps", "distance": "distance", "calories": "calories"}


class ImportError_(ValueError):
    """An export that cannot be imported (nothing recognisable, unknown user)."""


@dataclass
class Progress:
    """Callbacks the CLI draws its progress bar from (all optional)."""

    start: Callable[[int], None] = lambda total_days: None
    advance: Callable[[int, int], None] = lambda days, heart_samples: None


@dataclass
class ImportReport:
    user_id: str = ""
    created_user: bool = False
    password: str | None = None
    resumed_from: str | None = None
    layouts: dict[str, int] = field(default_factory=dict)
    days_stored: int = 0
    days_unchanged: int = 0
    days_per_series: Counter[str] = field(default_factory=Counter)
    heart_samples: int = 0
    first_day: str | None = None
    last_day: str | None = None
    placeholder_days: int = 0
    rows_outside_account: int = 0
    duplicate_sleep_logs: int = 0
    offset_corrected_days: int = 0
    skipped_files: dict[str, int] = field(default_factory=dict)
    unclassified_files: list[str] = field(default_factory=list)
    records_parsed: dict[str, int] = field(default_factory=dict)
    records_not_stored: dict[str, int] = field(default_factory=dict)
    dropped_by_file: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "dropped_by_file"}
        out["days_per_series"] = dict(sorted(self.days_per_series.items()))
        if self.password is None:
            del out["password"]
        return out


@dataclass
class _Small:
    """The families read whole before the windows: one value per day, or a few records."""

    profile: ProfileRecord | None = None
    resting: dict[date, float] = field(default_factory=dict)
    activity: dict[str, dict[date, float]] = field(default_factory=dict)
    sleeps: list[SleepLogRecord] = field(default_factory=list)


def import_takeout(
    store: Store,
    paths: Sequence[str | Path],
    *,
    today: date,
    user_id: str | None = None,
    sink: ImportSink | None = None,
    progress: Progress | None = None,
    window_days: int = WINDOW_DAYS,
) -> ImportReport:
    """Import the export at `paths` (zips and/or folders) into `user_id`, or into a new user made from the
    export's profile. `today` (the user's local date by the sandbox clock) bounds the days kept: placeholder days
    padded into the future are dropped."""
    sink = sink or ImportSink()
    progress = progress or Progress()
    report = ImportReport()
    with Archive(paths) as archive:
        found = inventory(archive.entries)
        report.layouts = dict(found.layouts)
        report.skipped_files = dict(found.skipped)
        report.unclassified_files = sorted(found.unclassified)
        if not found.files:
            raise ImportError_("no Fitbit export files found (looked for the layouts of 2016 to 2026)")
        classified = [c.entry for files in found.files.values() for c in files]
        export_id = fingerprint(classified, found.relative)
        small = _read_small(archive, found, report)
        profile = small.profile or ProfileRecord()
        low = max(EARLIEST, profile.member_since or EARLIEST)
        days = _candidate_days(found, small, low, today)
        user = _user_for(store, profile, days[0] if days else today, export_id, user_id, report)
        jobs = JobRepository(store.engine)
        job = jobs.start(user.id, export_id)
        zone = profile.timezone or user.current_timezone
        try:
            check_timezone(zone)
        except ValueError:
            zone = user.current_timezone
        _records(archive, found, small, sink, user.id)
        # an unfinished job resumes after its last stored window; a finished one is checked again from the start
        # (days equal to what is stored are not rewritten, so this changes nothing unless something is missing)
        done_until = None if job.finished else job.state.get("done_until")
        if done_until:
            report.resumed_from = done_until
        windows = _windows(days, window_days)
        progress.start(len(days))
        clock = LocalClock(zone)
        cache = _Parsed(archive, (low, today), report)
        for window in windows:
            if done_until and window[-1].isoformat() <= done_until:
                progress.advance(len(window), 0)
                continue
            samples = _import_window(
                store, archive, found, small, user, clock, window, (low, today), report, cache
            )
            jobs.save(job, {"done_until": window[-1].isoformat()})
            progress.advance(len(window), samples)
        report.offset_corrected_days = len(clock.overrides)
        if report.created_user:
            store.users.finish_creation(user.id)
        jobs.save(job, {"done_until": today.isoformat(), "report": _summary_of(report)}, finished=True)
    report.records_parsed = dict(sink.parsed)
    report.records_not_stored = sink.not_stored
    return report


def _summary_of(report: ImportReport) -> dict[str, Any]:
    return {"days_stored": report.days_stored, "last_day": report.last_day}


# --- the user ------------------------------------------------------------------------------------------------


def _user_for(
    store: Store,
    profile: ProfileRecord,
    first_day: date,
    export_id: str,
    user_id: str | None,
    report: ImportReport,
) -> User:
    if user_id is not None:
        user = store.users.find(user_id)
        if user is None:
            raise ImportError_(f"no user {user_id!r}")
        report.user_id = user.id
        return user
    done = JobRepository(store.engine).find(export_id)
    existing = store.users.get(done.user_id) if done is not None else None
    if existing is not None:  # the same export again (or killed after its user was finished): into that user
        report.user_id = existing.id
        return existing
    name = _login_name(profile, export_id)
    unfinished = store.users.unfinished(name)
    if unfinished is not None and unfinished.job.get("takeout") == export_id:
        report.user_id, report.created_user = unfinished.user.id, True
        return unfinished.user
    if store.users.find(name) is not None:
        name = f"{name}-{export_id[:6]}"
    password = secrets.token_urlsafe(12)
    timezone = profile.timezone or "UTC"
    try:
        check_timezone(timezone)
    except ValueError:
        timezone = "UTC"
    user = store.users.create(
        name=name,
        password=password,
        timezone=timezone,
        locale=profile.locale if profile.locale in _LOCALES else "en_US",
        birth_date=profile.birth_date or date(1990, 1, 1),
        sex=profile.sex or "NA",
        height_cm=profile.height_cm or 170.0,
        weight_kg=profile.weight_kg or 70.0,
        member_since=profile.member_since or first_day,
        display_name=(profile.full_name or profile.display_name or name)[:200],
        creation_job={"takeout": export_id},
    )
    report.user_id, report.created_user, report.password = user.id, True, password
    return user


_LOCALES = ("en_US", "fr_FR", "de_DE", "es_ES", "en_GB", "en_AU", "en_NZ", "ja_JP")


def _login_name(profile: ProfileRecord, export_id: str) -> str:
    base = profile.username or profile.display_name or profile.full_name
    if not base:
        return f"takeout-{export_id[:8]}"
    return "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in base.strip().lower())[:60]


# --- small families --------------------------------------------------------------------------------------------


def _read_small(archive: Archive, found: Inventory, report: ImportReport) -> _Small:
    small = _Small()
    for c in found.of("profile"):
        small.profile = parsers.profile_csv(archive.lines(c.entry)) or small.profile
    heights = [h for c in found.of("height") for h in parsers.height_json(archive.read(c.entry))]
    if heights:
        latest = max(heights)[1]
        small.profile = _with(small.profile or ProfileRecord(), height_cm=latest)
    for c in found.of("resting_heart_rate"):
        small.resting.update(parsers.resting_json(archive.read(c.entry)))
    for c in found.of("gd_resting_heart_rate"):  # the CSV twin fills only days the JSON lacks, one source
        by_source = parsers.google_daily(archive.lines(c.entry), "beats per minute")
        for day, bpm in _one_source_per_day(by_source).items():
            small.resting.setdefault(day, bpm)
    for family in ACTIVITY_FAMILIES:
        values: dict[date, float] = {}
        for c in found.of(family):
            values.update(parsers.daily_json(archive.read(c.entry)))
        small.activity[family] = values
    seen: dict[int, SleepLogRecord] = {}
    for c in found.of("sleep"):
        for log in parsers.sleep_json(archive.read(c.entry)):
            if log.log_id in seen:  # the boundary night of two 30-day chunks: first writer wins
                report.duplicate_sleep_logs += 1
                continue
            seen[log.log_id] = log
    small.sleeps = sorted(seen.values(), key=lambda log: log.start_time)
    return small


def _with(profile: ProfileRecord, **values: Any) -> ProfileRecord:
    return ProfileRecord(**{**profile.__dict__, **values})


def _one_source_per_day(by_source: dict[str, dict[date, float]]) -> dict[date, float]:
    """One data source per day, never a sum: the first non-round-trip source (by name) that has the day."""
    out: dict[date, float] = {}
    for source in sorted(by_source, key=lambda s: (s.endswith("Health Connect"), s)):
        for day, value in by_source[source].items():
            out.setdefault(day, value)
    return out


def _records(archive: Archive, found: Inventory, small: _Small, sink: ImportSink, user_id: str) -> None:
    """The record families, parsed and handed to the sink (stored there once their stores exist)."""
    sink.put("sleep_logs", user_id, small.sleeps)
    profile = small.profile or ProfileRecord()
    pounds = parsers._is_pounds(profile.weight_unit)
    weights = [
        w
        for c in found.of("weight")
        for w in parsers.weight_json(archive.read(c.entry), pounds=pounds, height_cm=profile.height_cm)
    ]
    weights += [w for c in found.of("gd_weight") for w in parsers.google_weight(archive.lines(c.entry))]
    sink.put("weights", user_id, _dedupe(weights, lambda w: (w.log_id, w.when)))
    exercises = [e for c in found.of("exercise") for e in parsers.exercise_json(archive.read(c.entry))]
    sink.put("exercises", user_id, _dedupe(exercises, lambda e: e.log_id))
    for kind, family, parse in (
        ("spo2_minutes", "spo2_minute", parsers.spo2_minutes),
        ("spo2_daily", "spo2_daily", parsers.spo2_daily),
        ("hrv_daily", "hrv_daily", parsers.hrv_daily),
        ("breathing_daily", "breathing_daily", parsers.breathing_daily),
        ("skin_temperature", "temperature_nightly", parsers.temperature_nightly),
        ("devices", "devices", parsers.devices_csv),
    ):
        records: list[object] = [r for c in found.of(family) for r in parse(archive.lines(c.entry))]
        records += _google_records(archive, found, kind)
        sink.put(kind, user_id, records)
    sink.put("body_fat", user_id, _google_records(archive, found, "body_fat"))


def _google_records(archive: Archive, found: Inventory, kind: str) -> list[object]:
    """The GoogleData CSV families that hold records: one data source (the one with the most rows, round trips
    through Health Connect last), never a mix."""
    if kind in ("breathing_daily", "spo2_daily"):
        family, column = {
            "breathing_daily": ("gd_daily_respiratory_rate", "breaths per minute"),
            "spo2_daily": ("gd_daily_oxygen_saturation", "average percentage"),
        }[kind]
        daily: dict[str, dict[date, float]] = {}
        for c in found.of(family):
            for source, values in parsers.google_daily(archive.lines(c.entry), column).items():
                daily.setdefault(source, {}).update(values)
        chosen = _one_source_per_day(daily)
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
            for source, pair in parsers.google_series(archive.lines(c.entry), column).items():
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


# --- the days ----------------------------------------------------------------------------------------------------


def _is_placeholder(small: _Small, day: date) -> bool:
    """A day whose only data is Fitbit's padding: 1440 sedentary minutes and no other activity."""
    values = [small.activity.get(f, {}).get(day) for f in ACTIVITY_FAMILIES]
    return values[0] == 1440 and not any(values[1:])


def _candidate_days(found: Inventory, small: _Small, low: date, high: date) -> list[date]:
    days: set[date] = set()
    for family in ("heart_rate", "gd_heart_rate"):
        days.update(c.day for c in found.of(family) if c.day)
    for family in (*MINUTE_FAMILIES, *(f"gd_{f}" for f in GOOGLE_TWINS)):
        for c in found.of(family):
            if c.day:
                days.update(c.day + timedelta(days=i) for i in range(-1, CHUNK_SPAN_DAYS))
    days.update(small.resting)
    for values in small.activity.values():
        days.update(day for day in values if not _is_placeholder(small, day))
    for log in small.sleeps:
        days.update({log.start_time.date(), log.end_time.date()})
    return sorted(d for d in days if low <= d <= high)


def _windows(days: list[date], size: int) -> list[list[date]]:
    windows: dict[int, list[date]] = {}
    if not days:
        return []
    for day in days:
        windows.setdefault((day - days[0]).days // size, []).append(day)
    return list(windows.values())


class _Days:
    """The arrays being assembled for one window's days (created on first write to a day)."""

    def __init__(self, days: Iterable[date]) -> None:
        self.wanted = set(days)
        self.arrays: dict[date, DayArrays] = {}
        self.families: dict[date, set[str]] = {}

    def day(self, day: date, family: str) -> DayArrays | None:
        if day not in self.wanted:
            return None
        self.families.setdefault(day, set()).add(family)
        return self.arrays.setdefault(day, DayArrays())

    def put(self, family: str, series: str, local: np.ndarray, values: np.ndarray, *, seconds: bool) -> None:
        """Assign values at face-value local seconds into each day's array (per second or per minute)."""
        if local.size == 0:
            return
        day_numbers = local // 86_400
        for number in np.unique(day_numbers):
            day = date.fromordinal(int(number) + date(1970, 1, 1).toordinal())
            target = self.day(day, family)
            if target is None:
                continue
            inside = day_numbers == number
            offset = local[inside] - int(number) * 86_400
            index = offset if seconds else offset // 60
            array = getattr(target, series)
            array[index] = values[inside].astype(array.dtype)

    def has(self, day: date, family: str) -> bool:
        return family in self.families.get(day, ())


class _Parsed:
    """Parsed files kept while later windows still need them (a chunk file spans two or three windows, a day file
    its neighbours' windows), so no file is parsed twice; dropped once the windows have passed them."""

    def __init__(self, archive: Archive, bounds: tuple[date, date], report: ImportReport) -> None:
        self._archive, self._bounds, self._report = archive, bounds, report
        self._kept: dict[str, tuple[date, tuple[np.ndarray, np.ndarray]]] = {}

    def get(
        self, c: Classified, span: int, parse: Callable[[bytes], tuple[np.ndarray, np.ndarray]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(stamps, values) of a file, rows outside the account's life dropped."""
        found = self._kept.get(c.entry.path)
        if found is None:
            assert c.day is not None
            rows = _life(*parse(self._archive.read(c.entry)), self._bounds, self._report, c.entry.path)
            found = (c.day + timedelta(days=span), rows)
            self._kept[c.entry.path] = found
        return found[1]

    def drop_before(self, first: date) -> None:
        for path in [p for p, (end, _) in self._kept.items() if end < first - timedelta(days=1)]:
            del self._kept[path]


def _files_near(files: list[Classified], first: date, last: date, span: int) -> list[Classified]:
    return [
        c
        for c in files
        if c.day
        and c.day <= last + timedelta(days=1)
        and c.day + timedelta(days=span) >= first - timedelta(days=1)
    ]


def _life(
    face: np.ndarray, values: np.ndarray, bounds: tuple[date, date], report: ImportReport, source: str
) -> tuple[np.ndarray, np.ndarray]:
    """Drop rows dated outside the account's life (2-digit-year placeholders such as 12/31/99); counted once per
    file (a chunk is read by each window it touches)."""
    low, high = seconds_of(bounds[0] - timedelta(days=1)), seconds_of(bounds[1] + timedelta(days=2))
    keep = (face >= low) & (face < high)
    dropped = int(face.size - np.count_nonzero(keep))
    if not dropped:
        return face, values
    if source not in report.dropped_by_file:
        report.dropped_by_file[source] = dropped
        report.rows_outside_account += dropped
    return face[keep], values[keep]


def _import_window(
    store: Store,
    archive: Archive,
    found: Inventory,
    small: _Small,
    user: User,
    clock: LocalClock,
    window: list[date],
    bounds: tuple[date, date],
    report: ImportReport,
    cache: _Parsed,
) -> int:
    first, last = window[0], window[-1]
    cache.drop_before(first)
    days = _Days(window)
    before = report.heart_samples
    heart_samples = 0
    # heart rate: one file per local day; its boundary checks the day's offset before any instant is placed
    parsed = []
    for c in _files_near(found.of("heart_rate"), first, last, 1):
        utc, bpm = cache.get(c, 1, parsers.heart_json)
        assert c.day is not None
        clock.detect(c.day, utc)
        parsed.append((utc, bpm))
    for utc, bpm in parsed:
        local = clock.to_local(utc)
        heart_samples += int(
            np.count_nonzero(
                (local // 86_400 >= first.toordinal() - 719_163)
                & (local // 86_400 <= last.toordinal() - 719_163)
            )
        )
        days.put("heart_rate", "heart", local, np.clip(bpm, 0, 255), seconds=True)
    del parsed
    for family in MINUTE_FAMILIES:
        for c in _files_near(found.of(family), first, last, CHUNK_SPAN_DAYS):
            face, values = cache.get(c, CHUNK_SPAN_DAYS, parsers.minute_json)
            local = _to_local(family, face, c, clock)
            if family == "altitude":
                days.put(family, "floors", local, np.floor(values / 10), seconds=False)
                days.put(family, "elevation", local, values * FEET_M, seconds=False)
            elif family == "distance":
                days.put(family, "distance", local, values / 100_000, seconds=False)  # cm -> km
            else:
                days.put(family, family, local, values, seconds=False)
    _google_twins(archive, found, days, clock, first, last, bounds, report)
    _sleep_codes(small.sleeps, days, first, last)
    report.heart_samples += heart_samples
    _store_window(store, small, user, days, window, report)
    return report.heart_samples - before  # the JSON's and the CSV twins'


def _to_local(family: str, face: np.ndarray, c: Classified, clock: LocalClock) -> np.ndarray:
    rule = FAMILY_ZONES[family]
    if rule.endswith("?") and face.size and c.day is not None:
        if int(face.min()) == seconds_of(c.day):
            rule = "local"  # the chunk starts at its name's local midnight on the face of it
        elif int(face.min()) == clock.midnight(c.day):
            rule = "utc"
        else:
            rule = rule[:-1]
    return face if rule == "local" else clock.to_local(face)


def _google_twins(
    archive: Archive,
    found: Inventory,
    days: _Days,
    clock: LocalClock,
    first: date,
    last: date,
    bounds: tuple[date, date],
    report: ImportReport,
) -> None:
    """The GoogleData CSV twins fill the days the JSON family lacks (one data source per day, never a sum)."""
    for family, (column, factor) in GOOGLE_TWINS.items():
        files = _files_near(
            found.of(f"gd_{family}"), first, last, 1 if family == "heart_rate" else CHUNK_SPAN_DAYS
        )
        if not files:
            continue
        per_source: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        for c in files:
            for source, (utc, values) in parsers.google_series(archive.lines(c.entry), column).items():
                per_source.setdefault(source, []).append(_life(utc, values, bounds, report, c.entry.path))
        # the day's source: the non-round-trip one with the most rows that day
        chosen: dict[date, tuple[str, int]] = {}
        located: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for source, parts in per_source.items():
            utc = np.concatenate([p[0] for p in parts])
            values = np.concatenate([p[1] for p in parts]) * factor
            local = clock.to_local(utc)
            located[source] = (local, values)
            numbers, counts = np.unique(local // 86_400, return_counts=True)
            for number, count in zip(numbers.tolist(), counts.tolist(), strict=True):
                day = date.fromordinal(number + 719_163)
                rank = (0 if source.endswith("Health Connect") else 1, count)
                if day not in chosen or rank > (
                    0 if chosen[day][0].endswith("Health Connect") else 1,
                    chosen[day][1],
                ):
                    chosen[day] = (source, count)
        series = "heart" if family == "heart_rate" else _SERIES_OF[family]
        for day, (source, _count) in chosen.items():
            if day not in days.wanted or days.has(day, family):
                continue  # the JSON has this day: it is the one source
            local, values = located[source]
            inside = local // 86_400 == day.toordinal() - 719_163
            if family == "heart_rate":
                report.heart_samples += int(np.count_nonzero(inside))
                days.put(
                    family, series, local[inside], np.clip(np.rint(values[inside]), 0, 255), seconds=True
                )
            else:
                days.put(family, series, local[inside], values[inside], seconds=False)


def _sleep_codes(sleeps: list[SleepLogRecord], days: _Days, first: date, last: date) -> None:
    """Each log's per-minute sleep codes: ``levels.data`` laid out at 30-s resolution, then ``shortData`` over it
    (the short wakes sit inside long runs); a log without levels is asleep (light) throughout."""
    for log in sleeps:
        if log.end_time.date() < first - timedelta(days=1) or log.start_time.date() > last + timedelta(
            days=1
        ):
            continue
        start = _face(log.start_time)
        epochs = max(1, -(-log.duration_ms // 30_000))
        codes = np.full(epochs, SLEEP_LIGHT, dtype=np.uint8)
        for stage in (*log.data, *log.short_data):
            begin = (_face(stage.start) - start) // 30
            codes[max(0, begin) : max(0, begin + stage.seconds // 30)] = SLEEP_CODES.get(
                stage.level, SLEEP_LIGHT
            )
        first_minute = start // 60
        minutes = np.arange(first_minute, -(-(start + epochs * 30) // 60))
        index = np.clip((minutes * 60 - start) // 30, 0, epochs - 1)
        days.put("sleep", "sleep", minutes * 60, codes[index], seconds=False)


def _face(moment: Any) -> int:
    return seconds_of(moment.date()) + moment.hour * 3600 + moment.minute * 60 + moment.second


def _bmr(user: User, day: date) -> float:
    age = user.age_on(day)
    if user.sex in ("MALE", "FEMALE"):
        return bmr_mifflin_st_jeor(user.sex, user.weight_kg, user.height_cm, age)
    return (
        bmr_mifflin_st_jeor("MALE", user.weight_kg, user.height_cm, age)
        + bmr_mifflin_st_jeor("FEMALE", user.weight_kg, user.height_cm, age)
    ) / 2


def _store_window(
    store: Store, small: _Small, user: User, days: _Days, window: list[date], report: ImportReport
) -> None:
    stored = store.series.get_summaries(user.id, window[0], window[-1])
    fallback = store.series.latest_resting_hr(user.id, before=window[0])
    batch: list[tuple[date, DayArrays, dict[str, object]]] = []
    for day in window:
        arrays = days.arrays.get(day)
        measured_rest = small.resting.get(day)
        activity = {f: small.activity.get(f, {}).get(day) for f in ACTIVITY_FAMILIES}
        if _is_placeholder(small, day) and arrays is None and measured_rest is None:
            report.placeholder_days += 1
            continue
        if arrays is None:
            if measured_rest is None and not any(v is not None for v in activity.values()):
                continue
            arrays = DayArrays()
        bmr = _bmr(user, day)
        arrays.mets = (arrays.calories / np.float32(bmr / 1440)).astype(np.float32)
        summary = derive_daily_summary(
            arrays,
            age=user.age_on(day),
            resting_hr_fallback=fallback,
            bmr_kcal_per_day=bmr,
            resting_hr=round_half_up(measured_rest) if measured_rest else None,
        ).to_json()
        for family, key in ACTIVITY_FAMILIES.items():  # the export's own daily values win over the derived
            value = activity[family]
            if value is not None:
                summary[key] = int(value)
        if summary["resting_heart_rate"] is not None:
            fallback = summary["resting_heart_rate"]
        for family in days.families.get(day, ()):
            report.days_per_series[family] += 1
        if measured_rest is not None:
            report.days_per_series["resting_heart_rate"] += 1
        for family, value in activity.items():
            if value is not None:
                report.days_per_series[family] += 1
        key = day.isoformat()
        report.first_day = min(report.first_day or key, key)
        report.last_day = max(report.last_day or key, key)
        if stored.get(key) == summary and _same_arrays(store.series.get_day(user.id, day), arrays):
            report.days_unchanged += 1
            continue
        batch.append((day, arrays, summary))
    if batch:
        report.days_stored += store.series.put_days(user.id, batch, source="takeout")


def _same_arrays(stored: DayArrays | None, arrays: DayArrays) -> bool:
    if stored is None:
        return False
    return all(np.array_equal(a, b) for (_, a), (_, b) in zip(stored.items(), arrays.items(), strict=True))
