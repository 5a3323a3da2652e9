"""Import an export: classify its files, read the small families whole, then walk the days in 30-day windows,
building each local day's arrays from every family and storing the window through `SeriesRepository.put_days`.

- Each window is assembled completely before it is written (one transaction), so no day is ever served with some
  families and not others; a user created by the import stays invisible (unfinished creation) until the last window.
- The job record (jobs.py) holds the last day stored: a killed import run again skips the windows already stored;
  re-storing one is harmless anyway (put_days replaces days), and a day whose arrays and summary equal what is stored
  is not written at all, so importing the same export twice records no change the second time.
- The records (stores.py): a window's sleep logs are stored in its transaction; weight, fat, exercises and the
  nightly metrics after the last window (their local times use the per-day offsets the windows found), each kind
  in one transaction writing only what differs, before the job is finished.
- Time zones per family (`window.FAMILY_ZONES`): heart rate, steps, distance (and exercise starts) are UTC instants,
  calories and the daily series local; `zones.LocalClock` maps instants to the local day. The days whose offset the
  data corrected go into the user's zone history in their window's transaction (`zones.corrected_history`).
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from fitbit_local.physiology.day import DayArrays
from fitbit_local.physiology.energy import bmr_mifflin_st_jeor
from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.physiology.zones import round_half_up
from fitbit_local.sources.takeout import stores
from fitbit_local.sources.takeout.archive import Archive, fingerprint
from fitbit_local.sources.takeout.classify import Inventory, inventory
from fitbit_local.sources.takeout.jobs import JobRepository
from fitbit_local.sources.takeout.records import ProfileRecord
from fitbit_local.sources.takeout.report import ImportReport, Progress, TakeoutError
from fitbit_local.sources.takeout.sink import ImportSink
from fitbit_local.sources.takeout.whole import (
    ACTIVITY_FAMILIES,
    Whole,
    is_placeholder,
    put_records,
    read_whole,
)
from fitbit_local.sources.takeout.window import (
    CHUNK_SPAN_DAYS,
    GOOGLE_TWINS,
    MINUTE_FAMILIES,
    ParsedFiles,
    WindowDays,
    assemble_window,
)
from fitbit_local.sources.takeout.zones import LocalClock, corrected_history, fixed_zone
from fitbit_local.store import Store
from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.users import User, change_timezone_history, check_timezone

WINDOW_DAYS = 30
EARLIEST = date(
    2008, 1, 1
)  # before any Fitbit tracker: rows dated earlier (12/31/99 placeholders) are dropped


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
            raise TakeoutError("no Fitbit export files found (looked for the layouts of 2016 to 2026)")
        classified = [c.entry for files in found.files.values() for c in files]
        export_id = fingerprint(classified, found.relative)
        small = read_whole(archive, found, report)
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
        # an unfinished job resumes after its last stored window; a finished one is checked again from the start
        # (days equal to what is stored are not rewritten, so this changes nothing unless something is missing)
        done_until = None if job.finished else job.state.get("done_until")
        if done_until:
            report.resumed_from = done_until
        windows = _windows(days, window_days)
        progress.start(len(days))
        clock = LocalClock(zone)
        cache = ParsedFiles(archive, (low, today), report)
        history = list(user.timezones)
        for window in windows:
            if done_until and window[-1].isoformat() <= done_until:
                progress.advance(len(window), 0)
                continue
            assembled, samples = assemble_window(
                archive, found, small.sleeps, clock, window, (low, today), report, cache
            )
            # the window's corrected days into the zone history, in the window's transaction
            corrected = {d: fixed_zone(clock.overrides[d], d) for d in window if d in clock.overrides}
            wanted = corrected_history(history, corrected)
            _store_window(
                store,
                small,
                user,
                assembled,
                window,
                report,
                sink,
                (history, wanted) if wanted != history else None,
            )
            history = wanted
            jobs.save(job, {"done_until": window[-1].isoformat()})
            progress.advance(len(window), samples)
        report.offset_corrected_days = len(clock.overrides)
        # the records, after the days: their local times use the per-day offsets the windows found
        put_records(archive, found, small, sink, user.id, report)
        _store_records(store, user.id, sink, clock)
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
            raise TakeoutError(f"no user {user_id!r}")
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


# --- the days ----------------------------------------------------------------------------------------------------


def _candidate_days(found: Inventory, small: Whole, low: date, high: date) -> list[date]:
    days: set[date] = set()
    for family in ("heart_rate", "gd_heart_rate"):
        days.update(c.day for c in found.of(family) if c.day)
    for family in (*MINUTE_FAMILIES, *(f"gd_{f}" for f in GOOGLE_TWINS)):
        for c in found.of(family):
            if c.day:
                days.update(c.day + timedelta(days=i) for i in range(-1, CHUNK_SPAN_DAYS))
    days.update(small.resting)
    for values in small.activity.values():
        days.update(day for day in values if not is_placeholder(small, day))
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


def _bmr(user: User, day: date) -> float:
    age = user.age_on(day)
    if user.sex in ("MALE", "FEMALE"):
        return bmr_mifflin_st_jeor(user.sex, user.weight_kg, user.height_cm, age)
    return (
        bmr_mifflin_st_jeor("MALE", user.weight_kg, user.height_cm, age)
        + bmr_mifflin_st_jeor("FEMALE", user.weight_kg, user.height_cm, age)
    ) / 2


def _store_window(
    store: Store,
    small: Whole,
    user: User,
    days: WindowDays,
    window: list[date],
    report: ImportReport,
    sink: ImportSink,
    history: tuple[list[tuple[str, str]], list[tuple[str, str]]] | None,
) -> None:
    stored = store.series.get_summaries(user.id, window[0], window[-1])
    fallback = store.series.latest_resting_hr(user.id, before=window[0])
    batch: list[tuple[date, DayArrays, dict[str, object]]] = []
    imported: list[date] = []
    for day in window:
        arrays = days.arrays.get(day)
        measured_rest = small.resting.get(day)
        activity = {f: small.activity.get(f, {}).get(day) for f in ACTIVITY_FAMILIES}
        if is_placeholder(small, day) and arrays is None and measured_rest is None:
            report.placeholder_days += 1
            continue
        if arrays is None:
            if measured_rest is None and not any(v is not None for v in activity.values()):
                continue
            arrays = DayArrays()
        bmr = _bmr(user, day)
        if days.has(
            day, "gd_calories"
        ):  # the GoogleData calories leave out minutes; each burnt at least the BMR
            arrays.calories[arrays.calories == 0] = np.float32(bmr / 1440)
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
        imported.append(day)
        key = day.isoformat()
        report.first_day = min(report.first_day or key, key)
        report.last_day = max(report.last_day or key, key)
        if stored.get(key) == summary and _same_arrays(store.series.get_day(user.id, day), arrays):
            report.days_unchanged += 1
            continue
        batch.append((day, arrays, summary))
    # the window's sleep logs (dateOfSleep in it) and zone history in the same transaction as its days
    writers: list[Callable[[WriteTransaction], None]] = []
    if "sleep_logs" not in sink.handlers:
        in_window = set(window)
        logs = [stores.sleep_log(r) for r in small.sleeps if r.date_of_sleep in in_window]
        with store.engine.connect() as conn:
            sleep = stores.sleep_writer(conn, user.id, window, logs, imported)
        if sleep is not None:
            writers.append(sleep)
        sink.stored["sleep_logs"] += len(logs)
    if history is not None:
        old, new = history

        def zones(tx: WriteTransaction) -> None:
            change_timezone_history(tx.conn, user.id, old, new)

        writers.append(zones)

    def also(tx: WriteTransaction) -> None:
        for writer in writers:
            writer(tx)

    if batch:
        report.days_stored += store.series.put_days(user.id, batch, source="takeout", also=also)
    elif writers:
        with write(store.engine) as tx:
            also(tx)


def _store_records(store: Store, user_id: str, sink: ImportSink, clock: LocalClock) -> None:
    """The kinds no handler took, through their families' stores (stores.py); each kind in one transaction,
    writing only what differs from the store."""
    kept = sink.kept
    sink.kept = {}
    kept.pop("sleep_logs", None)  # stored with their windows
    weights, fats = kept.pop("weights", []), kept.pop("body_fat", [])
    logs = stores.body_logs(weights, fats, clock)  # type: ignore[arg-type]
    stores.store_body(store, user_id, logs)
    sink.stored["weights"] += sum(1 for log in logs if log.kind == "weight")
    gd_fat = {log.log_id for log in logs if log.kind == "fat"} - {
        log.log_id for log in logs if log.kind == "weight"
    }
    sink.stored["body_fat"] += len(gd_fat)
    exercises = kept.pop("exercises", [])
    sink.stored["exercises"] += stores.store_exercises(store, user_id, exercises, clock)  # type: ignore[arg-type]
    metric_kinds = ("spo2_minutes", "spo2_daily", "hrv_daily", "breathing_daily", "skin_temperature")
    lists = [kept.pop(kind, []) for kind in metric_kinds]
    records = stores.metric_records(*lists, clock=clock)  # type: ignore[arg-type]
    stores.store_metrics(store, user_id, records)
    # what is held now: a day's record per metric (a twin row of a day another source gave is not stored)
    held = Counter(metric for metric, _ in records)
    sink.stored["spo2_daily"] += min(len(lists[1]), held["spo2"])
    sink.stored["spo2_minutes"] += sum(len(r["minutes"]) for (m, _), r in records.items() if m == "spo2")
    sink.stored["hrv_daily"] += held["hrv"]
    sink.stored["breathing_daily"] += held["br"]
    sink.stored["skin_temperature"] += held["skin_temp"]
    devices = kept.pop("devices", [])
    if devices:  # rows used (a Devices.csv row beside a trackers list is reported as not stored)
        sink.stored["devices"] += stores.store_devices(store, user_id, devices, clock)  # type: ignore[arg-type]


def _same_arrays(stored: DayArrays | None, arrays: DayArrays) -> bool:
    if stored is None:
        return False
    return all(np.array_equal(a, b) for (_, a), (_, b) in zip(stored.items(), arrays.items(), strict=True))
