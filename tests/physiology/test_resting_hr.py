import numpy as np

from fitbit_local.physiology.day import MINUTES_PER_DAY, SLEEP_LIGHT
from fitbit_local.physiology.resting_hr import resting_heart_rate


def _still_day(hr_value: int) -> tuple[np.ndarray, ...]:
    hr = np.full(MINUTES_PER_DAY, hr_value, np.uint8)
    steps = np.zeros(MINUTES_PER_DAY, np.uint16)
    mets = np.ones(MINUTES_PER_DAY, np.float32)
    sleep = np.zeros(MINUTES_PER_DAY, np.uint8)
    return hr, steps, mets, sleep


def test_low_percentile_of_still_awake_minutes() -> None:
    hr, steps, mets, sleep = _still_day(70)
    hr[:200] = 60  # 200 / 1440 ~ 14 % of the still minutes: the 10th percentile lands on them
    assert resting_heart_rate(hr, steps, mets, sleep) == 60


def test_active_and_recovering_minutes_are_ignored() -> None:
    hr, steps, mets, sleep = _still_day(0)
    hr[600:700] = 62
    hr[700:720] = 40  # would drag the value down, but...
    steps[700] = 50  # ...the minute moves
    mets[701:720] = 1.3  # ...and the rest is not still
    hr[720:722] = 40  # the two minutes after movement are recovery, not rest
    assert resting_heart_rate(hr, steps, mets, sleep) == 62


def test_falls_back_to_sleep_then_none() -> None:
    hr, steps, mets, sleep = _still_day(0)
    sleep[:420] = SLEEP_LIGHT
    hr[:420] = 55
    hr[600:610] = 70  # too few still awake minutes
    assert resting_heart_rate(hr, steps, mets, sleep) == 55
    hr[:420] = 0
    assert resting_heart_rate(hr, steps, mets, sleep) is None
