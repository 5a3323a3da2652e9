import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fitbit_local.physiology.day import MINUTES_PER_DAY, NO_ZONE, SECONDS_PER_DAY, DayArrays
from fitbit_local.physiology.summaries import DailySummary, derive_daily_summary
from fitbit_local.physiology.zones import minute_heart_rate


def _random_day(seed: int, hr_coverage: float, sleep_minutes: int, bed_start: int) -> DayArrays:
    """A DayArrays-ish day: arbitrary values in range, a contiguous sleep block, partial HR coverage."""
    rng = np.random.default_rng(seed)
    heart = rng.integers(35, 221, SECONDS_PER_DAY).astype(np.uint8)
    heart[rng.random(SECONDS_PER_DAY) > hr_coverage] = 0
    mets = rng.choice(np.array([0.0, 1.0, 1.1, 2.0, 3.5, 4.0, 7.0], np.float32), MINUTES_PER_DAY)
    mets[rng.integers(0, 1400) :][:40] = 5.0  # a bout
    sleep = np.zeros(MINUTES_PER_DAY, np.uint8)
    sleep[bed_start : bed_start + sleep_minutes] = rng.integers(1, 5, MINUTES_PER_DAY)[bed_start:][
        :sleep_minutes
    ]
    return DayArrays(
        heart=heart,
        steps=rng.integers(0, 200, MINUTES_PER_DAY),
        calories=rng.uniform(0.8, 15.0, MINUTES_PER_DAY),
        distance=rng.uniform(0.0, 0.2, MINUTES_PER_DAY),
        floors=rng.integers(0, 3, MINUTES_PER_DAY),
        elevation=rng.uniform(0.0, 9.0, MINUTES_PER_DAY),
        mets=mets,
        sleep=sleep,
    )


days = st.builds(
    _random_day,
    seed=st.integers(0, 2**32 - 1),
    hr_coverage=st.sampled_from([0.0, 0.002, 0.2, 1.0]),
    sleep_minutes=st.integers(0, 700),
    bed_start=st.integers(0, 1439),
)


def _summary(day: DayArrays, age: int = 35, fallback: int | None = 62) -> DailySummary:
    return derive_daily_summary(day, age=age, resting_hr_fallback=fallback, bmr_kcal_per_day=1650.4)


@settings(max_examples=40, deadline=None)
@given(day=days, age=st.integers(10, 100), fallback=st.one_of(st.none(), st.integers(40, 100)))
def test_daily_values_are_sums_and_invariants_hold(day: DayArrays, age: int, fallback: int | None) -> None:
    s = _summary(day, age, fallback)
    assert s.steps == int(day.steps.astype(np.int64).sum())
    assert s.floors == int(day.floors.astype(np.int64).sum())
    assert s.distance_km == float(day.distance.astype(np.float64).sum())
    assert s.elevation_m == float(day.elevation.astype(np.float64).sum())
    assert abs(s.calories_out - day.calories.astype(np.float64).sum()) <= 0.5
    assert s.activity_calories <= s.calories_out
    # AZM: credited fields, cardio and peak even
    assert s.azm_total == s.azm_fat_burn + s.azm_cardio + s.azm_peak
    assert s.azm_cardio % 2 == 0 and s.azm_peak % 2 == 0
    assert s.azm_total == s.zones[1].minutes + 2 * (s.zones[2].minutes + s.zones[3].minutes)
    # time in zones counts minutes with heart rate
    assert sum(z.minutes for z in s.zones) == s.minutes_with_hr
    assert s.minutes_with_hr == int(np.count_nonzero(minute_heart_rate(day.heart)))
    assert all(z.minutes <= s.minutes_with_hr for z in s.zones)
    assert s.minutes_with_hr == int(np.count_nonzero(s.minute_zones != NO_ZONE))
    assert abs(sum(z.calories_out for z in s.zones) - day.calories[s.minute_zones != NO_ZONE].sum()) < 1e-2
    # activity levels partition the day
    total = (
        s.sedentary_minutes
        + s.lightly_active_minutes
        + s.fairly_active_minutes
        + s.very_active_minutes
        + s.minutes_in_bed
    )
    assert total == MINUTES_PER_DAY
    # zone table shape of the classic API
    assert [z.name for z in s.zones] == ["Out of Range", "Fat Burn", "Cardio", "Peak"]
    assert s.zones[0].min == 30 and s.zones[3].max == 220
    assert all(a.max == b.min for a, b in zip(s.zones, s.zones[1:], strict=False))
    assert tuple(z.min for z in s.zones[1:]) == s.zone_bounds
    assert s.zone_bounds[0] < s.zone_bounds[1] < s.zone_bounds[2]
    # JSON round trip
    again = DailySummary.from_json(json.loads(json.dumps(s.to_json())))
    assert again == s
    assert np.array_equal(again.minute_zones, s.minute_zones)


def test_zone_bounds_follow_the_days_resting_hr_else_fallback() -> None:
    heart = np.zeros(SECONDS_PER_DAY, np.uint8)
    heart[::5] = 61
    still = DayArrays(heart=heart, mets=np.ones(MINUTES_PER_DAY, np.float32))
    s = derive_daily_summary(still, age=27, resting_hr_fallback=70, bmr_kcal_per_day=1700)
    assert s.resting_heart_rate == 61 and s.zone_bounds == (114, 140, 173)
    empty = derive_daily_summary(DayArrays(), age=27, resting_hr_fallback=61, bmr_kcal_per_day=1700)
    assert empty.resting_heart_rate is None and empty.zone_bounds == (114, 140, 173)
    assert empty.minutes_with_hr == 0 and empty.azm_total == 0
    assert empty.sedentary_minutes == MINUTES_PER_DAY  # an unworn day
    assert empty.calories_bmr == 1700


def test_activity_calories_are_the_calories_of_active_minutes() -> None:
    mets = np.ones(MINUTES_PER_DAY, np.float32)
    mets[600:630] = 4.0
    calories = mets * np.float32(1.2)
    s = derive_daily_summary(
        DayArrays(mets=mets, calories=calories), age=40, resting_hr_fallback=None, bmr_kcal_per_day=1728
    )
    assert s.activity_calories == round(30 * 4.8)
    assert s.calories_out == round(1410 * 1.2 + 30 * 4.8)
    assert (s.fairly_active_minutes, s.sedentary_minutes) == (30, 1410)


def test_exercise_minutes_in_zones() -> None:
    heart = np.zeros(SECONDS_PER_DAY, np.uint8)
    heart[::5] = 60
    heart[600 * 60 : 605 * 60] = 120  # fat burn for RHR 60, age 27: 113/140/173
    heart[605 * 60 : 615 * 60] = 150  # cardio
    heart[615 * 60 : 617 * 60] = 180  # peak
    s = derive_daily_summary(
        DayArrays(heart=heart, mets=np.ones(MINUTES_PER_DAY, np.float32)),
        age=27,
        resting_hr_fallback=None,
        bmr_kcal_per_day=1600,
    )
    assert s.zone_bounds == (113, 140, 173)
    assert (s.azm_fat_burn, s.azm_cardio, s.azm_peak, s.azm_total) == (5, 20, 4, 29)
    assert [z.minutes for z in s.zones] == [MINUTES_PER_DAY - 17, 5, 10, 2]
