"""Synthetic nights over a generated year, checked as a sleep researcher would (takeout-and-data §4.4): the logs add
up, the architecture is believable, the metrics exist exactly on qualifying nights, and resting heart rate comes
from the sleeping heart rate."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from fitbit_local.physiology.day import SLEEP_AWAKE, SLEEP_DEEP, SLEEP_REM
from fitbit_local.physiology.resting_hr import SLEEP_TO_REST
from fitbit_local.physiology.sleep import CLASSIC, STAGES, SleepLog, SleepTotals
from fitbit_local.physiology.summaries import DailySummary, derive_daily_summary
from fitbit_local.physiology.zones import minute_heart_rate, round_half_up
from fitbit_local.sources.synthetic import Person, generate
from fitbit_local.sources.synthetic.health import SleepRecorder, night_logs, qualifying_main_sleep
from fitbit_local.sources.synthetic.nights import day_sleep, night

SEED = 11
START = dt.date(2023, 1, 1)
DAYS = 365


@dataclass
class Year:
    person: Person
    days: list[Any]  # SyntheticDay
    logs: list[SleepLog]
    metrics: list[tuple[str, dt.date, dict[str, Any]]]
    summaries: dict[dt.date, DailySummary]


@pytest.fixture(scope="module")
def year() -> Year:
    person = Person.draw(SEED)
    days = list(generate(person, START, DAYS, SEED))
    logs, metrics = SleepRecorder("U", person, SEED).records(days)
    summaries = {
        d.day: derive_daily_summary(
            d.arrays, age=person.age_on(d.day), resting_hr_fallback=None, bmr_kcal_per_day=1500.0
        )
        for d in days
    }
    return Year(person, days, logs, metrics, summaries)


def test_every_log_adds_up(year: Year) -> None:
    for log in year.logs:
        levels = log.level_minutes()
        assert sum(levels.values()) == log.time_in_bed == log.duration_ms // 60_000
        assert (
            log.minutes_asleep + log.minutes_awake + log.minutes_to_fall_asleep + log.minutes_after_wakeup
            == log.time_in_bed
        )
        if log.kind == STAGES:
            assert levels["deep"] + levels["light"] + levels["rem"] == log.minutes_asleep
            assert levels["wake"] == log.minutes_awake
        data, short = log.data()
        assert sum(n for _, n, _ in data) == log.time_in_bed
        assert all(n <= 3 for _, n, _ in short)
        assert 0 <= log.efficiency <= 100


def test_the_daily_summary_is_the_sum_of_its_logs(year: Year) -> None:
    by_day: dict[str, list[SleepLog]] = {}
    for log in year.logs:
        by_day.setdefault(log.date_of_sleep, []).append(log)
    several = 0
    for day_logs in by_day.values():
        totals = SleepTotals.of(day_logs)
        assert totals.time_in_bed == sum(log.time_in_bed for log in day_logs)
        assert totals.minutes_asleep == sum(log.minutes_asleep for log in day_logs)
        assert sum(1 for log in day_logs if log.is_main_sleep) == 1
        if totals.stages is not None:
            staged = [log for log in day_logs if log.kind == STAGES]
            assert sum(totals.stages.values()) == sum(log.time_in_bed for log in staged)
        several += len(day_logs) > 1
    assert several >= 10, "split nights and naps give several sessions on some days"


def test_the_day_arrays_hold_exactly_the_logs_minutes(year: Year) -> None:
    """Every minute a log covers is in bed in the day arrays and no other minute is: sedentary minutes exclude
    sleep, and sedentary + active + in bed = 1440."""
    for d in year.days:
        midnight = dt.datetime.combine(d.day, dt.time(0))
        covered = np.zeros(1440, bool)
        for log in night_logs(d.plan.night_in) + night_logs(d.plan.night_out):
            first = int((log.start - midnight).total_seconds() // 60)
            lo, hi = max(first, 0), min(first + log.time_in_bed, 1440)
            if lo < hi:
                covered[lo:hi] = True
        if d.plan.worn:
            assert np.array_equal(covered, d.arrays.sleep != SLEEP_AWAKE), d.day
            s = year.summaries[d.day]
            assert s.minutes_in_bed == int(covered.sum())
            awake = (
                s.sedentary_minutes
                + s.lightly_active_minutes
                + s.fairly_active_minutes
                + s.very_active_minutes
            )
            assert awake + s.minutes_in_bed == 1440


def test_sleep_architecture(year: Year) -> None:
    mains = [log for log in year.logs if log.is_main_sleep and log.kind == STAGES]
    assert len(mains) > 250
    asleep = np.array([log.minutes_asleep for log in mains])
    assert 330 < np.median(asleep) < 470  # fitport's real user: 401
    share = {
        name: np.mean([log.level_minutes()[name] / log.minutes_asleep for log in mains])
        for name in ("light", "deep", "rem")
    }
    assert 0.45 < share["light"] < 0.7 and 0.1 < share["deep"] < 0.25 and 0.12 < share["rem"] < 0.3
    for log in mains[:50]:
        third = log.time_in_bed // 3
        deep = log.levels == SLEEP_DEEP
        rem = log.levels == SLEEP_REM
        assert deep[:third].sum() >= deep[-third:].sum()  # deep early
        assert rem[-third:].sum() >= rem[:third].sum()  # REM late
    wakes = [log.level_counts()["wake"] for log in mains]
    assert 8 < np.median(wakes) < 40
    durations = np.array([log.time_in_bed for log in mains])
    assert 25 < durations.std() < 90  # a person's night-to-night spread


def test_naps_splits_classic_and_missing_nights_occur(year: Year) -> None:
    kinds = Counter((log.kind, log.is_main_sleep) for log in year.logs)
    assert kinds[(CLASSIC, False)] > 0  # naps and split parts
    assert kinds[(CLASSIC, True)] > 0  # loose-band nights
    nights_with_logs = {log.date_of_sleep for log in year.logs}
    missing = [d.day for d in year.days if d.day.isoformat() not in nights_with_logs]
    assert 5 <= len(missing) <= 60
    assert all(not d.plan.night_in.recorded for d in year.days if d.day in missing)


def test_metrics_exist_exactly_on_nights_with_a_qualifying_main_sleep(year: Year) -> None:
    by_day: dict[str, list[SleepLog]] = {}
    for log in year.logs:
        by_day.setdefault(log.date_of_sleep, []).append(log)
    qualifying = {dt.date.fromisoformat(d) for d, logs in by_day.items() if qualifying_main_sleep(logs)}
    for metric in ("hrv", "br", "spo2", "skin_temp"):
        assert {day for m, day, _ in year.metrics if m == metric} == qualifying, metric
    hrv = {day: r for m, day, r in year.metrics if m == "hrv"}
    rmssd = np.array([r["dailyRmssd"] for r in hrv.values()])
    assert 0.4 * year.person.hrv0 < np.median(rmssd) < 1.6 * year.person.hrv0
    spo2 = [r for m, _, r in year.metrics if m == "spo2"]
    assert all(90 <= r["min"] <= r["avg"] <= r["max"] <= 100 for r in spo2)
    br = [r for m, _, r in year.metrics if m == "br"]
    assert all(r["deepSleepSummary"] < r["fullSleepSummary"] < r["remSleepSummary"] for r in br)
    skin = np.array([r["nightlyRelative"] for m, _, r in year.metrics if m == "skin_temp"])
    assert abs(skin.mean()) < 0.15 and 0.15 < skin.std() < 0.5


def test_resting_heart_rate_comes_from_the_sleeping_heart_rate(year: Year) -> None:
    checked = 0
    for d in year.days:
        hr = minute_heart_rate(d.arrays.heart)
        asleep = (d.arrays.sleep != SLEEP_AWAKE) & (hr > 0)  # in bed with a reading
        if asleep.sum() >= 180:
            expected = round_half_up(float(np.median(hr[asleep].astype(np.float64))) * SLEEP_TO_REST)
            assert year.summaries[d.day].resting_heart_rate == expected
            checked += 1
    assert checked > 250


def test_night_and_day_sleep_are_pure_functions_of_the_date() -> None:
    person = Person.draw(SEED)
    a = night(person, SEED, dt.date(2023, 5, 5), worn=True)
    b = night(person, SEED, dt.date(2023, 5, 5), worn=True)
    assert a == b
    codes, in_bed = day_sleep(a, night(person, SEED, dt.date(2023, 5, 6), worn=True))
    assert np.array_equal(codes != SLEEP_AWAKE, in_bed)


def test_couplings_a_researcher_looks_for(year: Year) -> None:
    """RHR and HRV move against each other; an illness leaves RHR up, HRV down, skin warmer, breathing faster."""
    hrv = {day: r["dailyRmssd"] for m, day, r in year.metrics if m == "hrv"}
    days = [d for d in year.days if d.day in hrv and year.summaries[d.day].resting_heart_rate]
    rhr = np.array([year.summaries[d.day].resting_heart_rate for d in days], dtype=float)
    assert np.corrcoef(rhr, [hrv[d.day] for d in days])[0, 1] < -0.2
    skin = {day: r["nightlyRelative"] for m, day, r in year.metrics if m == "skin_temp"}
    br = {day: r["fullSleepSummary"] for m, day, r in year.metrics if m == "br"}
    ill = [d.day for d in year.days if d.plan.ill and d.day in hrv]
    well = [d.day for d in year.days if not d.plan.ill and d.day in hrv]
    assert ill, "an illness in the year"
    assert np.mean([hrv[d] for d in ill]) < 0.85 * np.mean([hrv[d] for d in well])
    assert np.mean([skin[d] for d in ill]) > np.mean([skin[d] for d in well]) + 0.4
    assert np.mean([br[d] for d in ill]) > np.mean([br[d] for d in well]) + 0.8
