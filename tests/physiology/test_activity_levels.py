import numpy as np

from fitbit_local.physiology.activity_levels import activity_level, activity_minutes, in_bouts
from fitbit_local.physiology.day import MINUTES_PER_DAY, SLEEP_DEEP, SLEEP_LIGHT, SLEEP_WAKE


def _mets(*runs: tuple[int, int, float]) -> np.ndarray:
    m = np.ones(MINUTES_PER_DAY, np.float32)
    for start, length, value in runs:
        m[start : start + length] = value
    return m


NO_SLEEP = np.zeros(MINUTES_PER_DAY, np.uint8)


def test_per_minute_level_cuts() -> None:
    levels = activity_level(np.array([0.0, 1.0, 1.49, 1.5, 2.99, 3.0, 5.99, 6.0, 12.0], np.float32))
    assert levels.tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3]


def test_nine_minutes_of_moderate_activity_are_only_light() -> None:
    got = activity_minutes(_mets((600, 9, 4.0)), NO_SLEEP)
    assert (got.lightly, got.fairly, got.very) == (9, 0, 0)


def test_ten_continuous_minutes_count_as_fairly_and_very() -> None:
    got = activity_minutes(_mets((600, 6, 4.0), (606, 4, 7.0), (700, 20, 2.0)), NO_SLEEP)
    assert (got.lightly, got.fairly, got.very) == (20, 6, 4)
    assert got.sedentary == MINUTES_PER_DAY - 30


def test_sleep_minutes_are_in_bed_not_sedentary() -> None:
    sleep = NO_SLEEP.copy()
    sleep[:400] = SLEEP_LIGHT
    sleep[100:160] = SLEEP_DEEP
    sleep[400:420] = SLEEP_WAKE
    got = activity_minutes(_mets((10, 30, 5.0)), sleep)  # movement in bed does not count as activity
    assert got.in_bed == 420 and got.fairly == 0
    assert got.sedentary + got.lightly + got.fairly + got.very + got.in_bed == MINUTES_PER_DAY


def test_unworn_day_is_all_sedentary() -> None:
    got = activity_minutes(np.zeros(MINUTES_PER_DAY, np.float32), NO_SLEEP)
    assert got.sedentary == MINUTES_PER_DAY


def test_in_bouts_marks_long_runs_only() -> None:
    flag = np.array([1, 1, 0, 1, 1, 1, 0, 1], bool)
    assert in_bouts(flag, 3).tolist() == [False, False, False, True, True, True, False, False]
    assert in_bouts(np.ones(5, bool), 5).all()
