import numpy as np

from fitbit_local.physiology.day import MINUTES_PER_DAY, SLEEP_LIGHT
from fitbit_local.physiology.resting_hr import SLEEP_TO_REST, resting_heart_rate
from fitbit_local.physiology.zones import round_half_up


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


def test_a_nights_sleep_comes_first() -> None:
    """Three hours or more asleep with a heart rate: the sleeping median raised by SLEEP_TO_REST, whatever the
    awake minutes say."""
    hr, steps, mets, sleep = _still_day(70)
    sleep[:420] = SLEEP_LIGHT
    hr[:420] = 55
    assert resting_heart_rate(hr, steps, mets, sleep) == round_half_up(55 * SLEEP_TO_REST)
    hr[:300] = 0  # two hours of readings asleep: not a night's sleep, the still awake minutes decide
    assert resting_heart_rate(hr, steps, mets, sleep) == 70


def test_falls_back_to_a_short_sleep_then_none() -> None:
    hr, steps, mets, sleep = _still_day(0)
    sleep[:100] = SLEEP_LIGHT
    hr[:100] = 55
    hr[600:610] = 70  # too few still awake minutes
    assert resting_heart_rate(hr, steps, mets, sleep) == 55
    hr[:100] = 0
    assert resting_heart_rate(hr, steps, mets, sleep) is None
