"""The synthetic population against real-world figures (issue 9's table; bands and sources in docs/decisions.md,
"Issue 9").

Sampled so the run stays short: cross-day statistics (steps by age and sex, persistence, seasons, lowest days,
illness, charging) come from `day_states` over 360 person-years, which costs no minutes; minute- and second-level
statistics (AZM weeks, heart rate, sampling, running, calories) come from full day arrays of a smaller panel, and
`test_states_predict_the_arrays` checks that the two agree."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from fitbit_local.physiology.day import MINUTES_PER_DAY, SLEEP_AWAKE
from fitbit_local.physiology.summaries import DailySummary, derive_daily_summary
from fitbit_local.physiology.zones import minute_heart_rate
from fitbit_local.sources.synthetic import Person, generate
from fitbit_local.sources.synthetic.generate import DayStates, SyntheticDay, day_states
from fitbit_local.sources.synthetic.person import running_mets, walking_mets

YEAR = dt.date(2023, 1, 1)
ZONES = {"N": "America/New_York", "S": "Australia/Sydney"}
AGE_GROUPS = {25: (20, 34), 45: (38, 54), 65: (58, 75)}


def _age_group(person: Person, on: dt.date) -> int | None:
    age = person.age_on(on)
    return next((g for g, (lo, hi) in AGE_GROUPS.items() if lo <= age <= hi), None)


@dataclasses.dataclass
class Year:
    seed: int
    person: Person
    states: DayStates


@pytest.fixture(scope="module")
def years() -> list[Year]:
    """360 person-years of cross-day state, half in each hemisphere."""
    out = []
    for seed in range(360):
        person = Person.draw(seed, timezone=ZONES["S" if seed % 2 else "N"])
        out.append(Year(seed, person, day_states(person, seed, YEAR, 365)))
    return out


@dataclasses.dataclass
class Day:
    person: Person
    generated: SyntheticDay
    summary: DailySummary


def _summary(person: Person, g: SyntheticDay) -> DailySummary:
    return derive_daily_summary(
        g.arrays,
        age=person.age_on(g.day),
        resting_hr_fallback=None,
        bmr_kcal_per_day=person.bmr_kcal_per_day(g.day),
    )


@pytest.fixture(scope="module")
def panel() -> list[list[Day]]:
    """Full arrays: 10 people in each of the six age/sex groups, three weeks each (+ six runners)."""
    wanted = {(g, s): 10 for g in AGE_GROUPS for s in ("MALE", "FEMALE")}
    people: list[tuple[int, Person]] = []
    seed = 1000
    while any(wanted.values()):
        person = Person.draw(seed)
        key = (_age_group(person, YEAR), person.sex)
        if wanted.get(key, 0) > 0:  # type: ignore[call-overload]
            wanted[key] -= 1  # type: ignore[index]
            people.append((seed, person))
        seed += 1
    runners = [(s, p) for s, p in ((s, Person.draw(s)) for s in range(2000, 2400)) if p.sport == "run"][:6]
    people += [(s, dataclasses.replace(p, exercise_per_week=6.0)) for s, p in runners]
    return [[Day(p, g, _summary(p, g)) for g in generate(p, dt.date(2023, 5, 1), 21, s)] for s, p in people]


def _worn(days: list[Day]) -> list[Day]:
    return [d for d in days if d.generated.plan.worn and d.summary.resting_heart_rate is not None]


# --- cross-day figures --------------------------------------------------------------------------------------------


def test_steps_decline_with_age_and_are_lower_in_women(years: list[Year]) -> None:
    groups: dict[tuple[int, str], list[float]] = {}
    for y in years:
        g = _age_group(y.person, dt.date(2023, 7, 1))
        if g is not None:
            groups.setdefault((g, y.person.sex), []).append(
                float(y.states.expected_steps[y.states.worn].mean())
            )
    mean = {k: float(np.mean(v)) for k, v in groups.items()}
    assert 8000 < mean[25, "MALE"] < 11500 and 7000 < mean[25, "FEMALE"] < 10500
    assert 4500 < mean[65, "MALE"] < 8000 and 4000 < mean[65, "FEMALE"] < 7500
    for sex in ("MALE", "FEMALE"):
        assert mean[25, sex] > mean[45, sex] > mean[65, sex]
        assert mean[25, sex] / mean[65, sex] > 1.2
    for g in AGE_GROUPS:
        assert 0.8 < mean[g, "FEMALE"] / mean[g, "MALE"] < 0.99


def _lag1(x: np.ndarray) -> float:
    x = x - x.mean()
    return float((x[1:] * x[:-1]).mean() / x.var())


def test_habits_persist_from_day_to_day(years: list[Year]) -> None:
    acf = []
    for y in years:
        s = y.states.expected_steps.copy()
        s[~y.states.worn] = s[y.states.worn].mean()
        acf.append(_lag1(s))
    assert 0.3 <= np.median(acf) <= 0.5
    assert np.percentile(acf, 10) > 0.1


def test_seasons_follow_the_hemisphere(years: list[Year]) -> None:
    months = np.array([d.month for d in years[0].states.dates])
    june_aug, dec_feb = np.isin(months, [6, 7, 8]), np.isin(months, [12, 1, 2])
    swing: dict[str, list[float]] = {"N": [], "S": []}
    rhr_peak: dict[str, np.ndarray] = {"N": np.zeros(12), "S": np.zeros(12)}
    for y in years:
        s, worn = y.states.expected_steps, y.states.worn
        summer, winter = (june_aug, dec_feb) if y.person.hemisphere == "N" else (dec_feb, june_aug)
        swing[y.person.hemisphere].append(s[summer & worn].mean() / s[winter & worn].mean() - 1)
        rhr_peak[y.person.hemisphere] += [y.states.resting_hr[months == m].mean() for m in range(1, 13)]
    for h in ("N", "S"):
        assert 0.08 <= np.median(swing[h]) <= 0.2, (h, np.median(swing[h]))
    # resting HR: highest in the local winter, lowest in the local summer (Quer et al. 2020)
    north, south = rhr_peak["N"], rhr_peak["S"]
    assert int(np.argmax(north)) + 1 in (12, 1, 2) and int(np.argmin(north)) + 1 in (6, 7, 8)
    assert int(np.argmax(south)) + 1 in (6, 7, 8) and int(np.argmin(south)) + 1 in (12, 1, 2)


def test_some_worn_days_have_only_a_few_hundred_steps(years: list[Year]) -> None:
    lowest = [float(y.states.expected_steps[y.states.worn].min()) for y in years]
    assert np.median(lowest) < 1000
    assert np.mean(np.array(lowest) < 2500) >= 0.95  # the audit found a user never under 5,506 in a year
    share_low = np.mean([np.mean(y.states.expected_steps[y.states.worn] < 1000) for y in years])
    assert 0.002 < share_low < 0.05


def test_illness_rises_and_falls_over_days(years: list[Year]) -> None:
    episodes = 0
    for y in years:
        level = y.states.illness
        ill = level > 0
        edges = np.flatnonzero(np.diff(ill.astype(np.int8)) == 1) + 1
        for start in edges:
            end = start + int(np.argmin(ill[start:])) if not ill[start:].all() else len(ill)
            run = level[start:end]
            if end == len(ill) or len(run) < 2:
                continue
            episodes += 1
            peak = run.max()
            assert len(run) >= 3
            assert run[0] <= 0.7 * peak  # no jump to the worst on the first day
            assert np.abs(np.diff(run)).max() <= 0.6 * peak + 1e-9
            bump = 10.0 * run  # resting HR +4-10 bpm at the worst
            assert 4.0 <= bump.max() <= 10.0 + 1e-9
    # about one or two a year and person (Quer et al.: 20 % of people had a week varying >= 10 bpm)
    assert 0.8 * len(years) < episodes < 4 * len(years)


def test_the_tracker_is_charged_every_five_to_seven_days(years: list[Year]) -> None:
    for y in years[:50]:
        charges = np.flatnonzero(y.states.charge)
        assert set(np.diff(charges).tolist()) <= {5, 6, 7}
        assert 52 <= len(charges) <= 74


def test_unworn_days_burn_at_least_bmr(years: list[Year]) -> None:
    checked = 0
    for y in years[:60]:
        unworn = np.flatnonzero(~y.states.worn)[:2]
        for i in unworn:
            g = next(generate(y.person, YEAR + dt.timedelta(days=int(i)), 1, y.seed))
            s = _summary(y.person, g)
            assert s.calories_out >= s.calories_bmr and s.steps == 0
            checked += 1
    assert checked > 50


# --- minute and second figures ------------------------------------------------------------------------------------


def test_states_predict_the_arrays(panel: list[list[Day]]) -> None:
    pairs = [
        (d.summary.steps, d.generated.plan.expected_steps)
        for days in panel
        for d in _worn(days)
        if d.generated.plan.charging is None and d.generated.plan.off_wrist is None
    ]
    steps, expected = np.array(pairs, dtype=np.float64).T
    assert 0.9 < np.median(steps / expected) < 1.15
    assert np.corrcoef(steps, expected)[0, 1] > 0.9


def test_weeks_with_150_azm_fall_with_age(panel: list[list[Day]]) -> None:
    share: dict[tuple[int, str], list[float]] = {}
    for days in panel[:60]:
        person = days[0].person
        weekly = [sum(d.summary.azm_total for d in days[w * 7 : w * 7 + 7]) for w in range(3)]
        key = (_age_group(person, YEAR) or 0, person.sex)
        share.setdefault(key, []).extend(float(a >= 150) for a in weekly)
    by = {k: float(np.mean(v)) for k, v in share.items()}
    young = np.mean([by[25, "MALE"], by[25, "FEMALE"]])
    old = np.mean([by[65, "MALE"], by[65, "FEMALE"]])
    assert young > old, by
    assert by[25, "MALE"] > by[65, "MALE"] + 0.1, by
    assert by[25, "MALE"] > by[65, "FEMALE"], by  # the audit found 8 % vs 48 %
    assert by[25, "MALE"] > by[25, "FEMALE"], by
    assert 0.2 <= by[25, "MALE"] <= 0.8 and by[65, "FEMALE"] <= 0.5, by
    assert 0.1 <= np.mean([v for vs in share.values() for v in vs]) <= 0.6


def test_runners_get_cardio_and_peak_minutes(panel: list[list[Day]]) -> None:
    runs = [d.summary for days in panel[60:] for d in _worn(days) if d.generated.plan.exercise]
    assert len(runs) > 30
    assert np.mean([s.azm_cardio + s.azm_peak > 0 for s in runs]) > 0.8


def test_heart_rate_sits_well_above_resting_and_peaks_daily(panel: list[list[Day]]) -> None:
    mean_over, max_over, reserve = [], [], []
    for days in panel:
        for d in _worn(days):
            heart, rhr = d.generated.arrays.heart, d.summary.resting_heart_rate
            assert rhr is not None
            if np.count_nonzero(heart) < 5000:
                continue
            mean_over.append(heart[heart > 0].mean() - rhr)
            max_hr = d.person.max_heart_rate(d.generated.day)
            assert heart.max() < max_hr
            max_over.append(int(heart.max()) - rhr)
            reserve.append((int(heart.max()) - rhr) / (max_hr - rhr))
    # daily mean of the 1-s readings minus resting HR: usually >= 10 bpm
    assert 10.0 <= np.median(mean_over) <= 22.0 and np.percentile(mean_over, 25) >= 7.0
    # daily maximum: brisk walks, stairs and hurry reach half the heart-rate reserve on most days
    assert np.median(max_over) >= 45 and np.median(reserve) >= 0.5
    # ...and everyone gets there some days (the audit's 65-year-old never passed 109 bpm in a year)
    for days in panel:
        best = max(
            (int(d.generated.arrays.heart.max()) - r) / (d.person.max_heart_rate(d.generated.day) - r)
            for d in _worn(days)
            if (r := d.summary.resting_heart_rate) is not None
        )
        assert best >= 0.5, (days[0].person, best)


def test_sitting_heart_rate_moves(panel: list[list[Day]]) -> None:
    sds = []
    for days in panel[:30]:
        for d in _worn(days):
            a = d.generated.arrays
            hr = minute_heart_rate(a.heart).astype(np.float64)
            sitting = (a.sleep == SLEEP_AWAKE) & (hr > 0) & (a.steps == 0) & (a.mets < 1.5)
            sds.append(hr[sitting].std())
    assert 5.0 <= np.median(sds) <= 12.0


def test_running_pace_mets_calories_and_heart_rate_agree(panel: list[list[Day]]) -> None:
    checked = 0
    for days in panel[60:]:
        for d in _worn(days):
            ex, a, p = d.generated.plan.exercise, d.generated.arrays, d.person
            if ex is None or ex.kind != "run":
                continue
            m = np.arange(ex.start_minute, ex.start_minute + ex.duration_min)
            m = m[a.steps[m] > 0]
            speed = a.distance[m].astype(np.float64) * 1000.0  # m/min
            stride = speed / a.steps[m]
            running = np.isclose(stride, p.stride_run_m, rtol=1e-4)
            assert np.all(running | np.isclose(stride, p.stride_walk_m, rtol=1e-4))  # one stride each
            want = np.where(running, running_mets(speed), walking_mets(speed, ex.grade))
            assert np.abs(a.mets[m] - want).max() <= 0.06  # METs are reported in tenths
            bmr_min = p.bmr_kcal_per_day(d.generated.day) / MINUTES_PER_DAY
            assert np.allclose(a.calories[m], bmr_min * a.mets[m], rtol=1e-4)
            working = m[running]
            assert len(working) > 5
            assert 145 <= np.median(a.steps[working]) <= 190
            # a pace the person can sustain: 55-90 % of their aerobic capacity
            assert 0.55 * p.vo2max_mets <= np.median(a.mets[working]) <= 0.9 * p.vo2max_mets
            hr = minute_heart_rate(a.heart)[working[5:]].astype(np.float64)
            hrr = (hr.mean() - d.summary.resting_heart_rate) / (
                p.max_heart_rate(d.generated.day) - d.summary.resting_heart_rate
            )
            assert 0.5 <= hrr <= 0.95
            checked += 1
    assert checked >= 20


def test_heart_rate_sampling_is_irregular_and_denser_with_movement(panel: list[list[Day]]) -> None:
    gaps_seen: set[int] = set()
    moving_rate, rest_rate = [], []
    for days in panel[:20]:
        for d in _worn(days)[:5]:
            a, plan = d.generated.arrays, d.generated.plan
            per_minute = np.count_nonzero(a.heart.reshape(MINUTES_PER_DAY, 60), axis=1)
            in_session = np.zeros(MINUTES_PER_DAY, bool)
            if plan.exercise:
                in_session[
                    plan.exercise.start_minute : plan.exercise.start_minute + plan.exercise.duration_min
                ] = 1
            gaps = np.diff(np.flatnonzero(a.heart))
            gaps_seen |= set(np.unique(gaps[gaps <= 15]).tolist())
            awake = (a.sleep == SLEEP_AWAKE) & (per_minute > 0) & ~in_session
            moving_rate.append(per_minute[awake & (a.steps >= 60)].mean())
            rest_rate.append(per_minute[awake & (a.steps == 0) & (a.mets < 1.5)].mean())
            assert np.median(gaps[gaps <= 15]) <= 5
    assert gaps_seen == set(range(1, 16))
    assert 9 <= np.median(rest_rate) <= 14  # a reading every ~5 s at rest
    assert np.median(moving_rate) >= 1.8 * np.median(rest_rate)


def test_charging_gaps_come_every_five_to_seven_days(panel: list[list[Day]]) -> None:
    for days in panel[:30]:
        charged = [d.generated.plan.charging is not None for d in days]
        assert 2 <= sum(charged) <= 5  # 21 days
        for d in days:
            c = d.generated.plan.charging
            if c is None or not d.generated.plan.worn:
                continue
            assert 30 <= c[1] - c[0] <= 120
            assert not d.generated.arrays.heart[c[0] * 60 : c[1] * 60].any()


def test_calories_out_are_a_realistic_multiple_of_bmr(panel: list[list[Day]]) -> None:
    ratio = [d.summary.calories_out / d.summary.calories_bmr for days in panel[:60] for d in _worn(days)]
    assert 1.38 <= np.median(ratio) <= 1.7
    assert np.percentile(ratio, 10) >= 1.2 and np.percentile(ratio, 90) <= 2.0
