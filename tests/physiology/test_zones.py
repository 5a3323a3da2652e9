import numpy as np
import pytest

from fitbit_local.physiology.day import (
    MINUTES_PER_DAY,
    NO_ZONE,
    SECONDS_PER_DAY,
    ZONE_CARDIO,
    ZONE_FAT_BURN,
    ZONE_OUT_OF_RANGE,
    ZONE_PEAK,
)
from fitbit_local.physiology.zones import (
    heart_rate_zones,
    heart_rate_zones_legacy,
    minute_heart_rate,
    minute_zones,
    round_half_up,
)


@pytest.mark.parametrize(
    ("age", "rhr", "expected"),
    [
        # reference §5.1, checked against real payloads (max HR = 220 - age)
        (27, 61, (114, 140, 173)),  # daefron/run-tracker, Inspire 3, 2024: max 193, RHR 61
        (26, 62, (115, 141, 174)),  # lkipke/fitness-api 2022-06-27: max 194, RHR 62
        (26, 60, (114, 140, 174)),  # 2022-06-28: max 194, RHR 60
        (27, 60, (113, 140, 173)),  # 2022-06-29/30: max 193, RHR 60
    ],
)
def test_karvonen_zones_match_real_payloads(age: int, rhr: int, expected: tuple[int, int, int]) -> None:
    assert heart_rate_zones(age, rhr) == expected


@pytest.mark.parametrize(
    ("max_hr", "expected"),
    [(152, (76, 106, 129)), (188, (94, 132, 160)), (194, (97, 136, 165))],
)
def test_legacy_zones_match_real_payloads(max_hr: int, expected: tuple[int, int, int]) -> None:
    assert heart_rate_zones_legacy(220 - max_hr) == expected


def test_rounding_is_half_up() -> None:
    assert round_half_up(2.5) == 3
    assert round_half_up(113.5) == 114
    assert round_half_up(113.49) == 113


def test_zones_reject_resting_hr_at_or_above_max() -> None:
    with pytest.raises(ValueError):
        heart_rate_zones(100, 120)


def test_minute_heart_rate_means_nonzero_seconds_and_rounds_half_up() -> None:
    heart = np.zeros(SECONDS_PER_DAY, np.uint8)
    heart[0], heart[5] = 60, 61  # minute 0: 60.5 -> 61
    heart[60:120:5] = 200  # minute 1: constant
    heart[125] = 255  # minute 2: a single reading at the dtype limit
    hr = minute_heart_rate(heart)
    assert hr.dtype == np.uint8 and hr.shape == (MINUTES_PER_DAY,)
    assert hr[:4].tolist() == [61, 200, 255, 0]
    assert np.count_nonzero(hr) == 3


def test_minute_heart_rate_rejects_wrong_shape() -> None:
    with pytest.raises(ValueError):
        minute_heart_rate(np.zeros(1440, np.uint8))


def test_minute_zones_boundaries_are_lower_inclusive() -> None:
    bounds = (114, 140, 173)
    hr = np.zeros(MINUTES_PER_DAY, np.uint8)
    hr[:8] = [0, 113, 114, 139, 140, 172, 173, 230]
    zones = minute_zones(hr, bounds)
    assert zones[:8].tolist() == [
        NO_ZONE,
        ZONE_OUT_OF_RANGE,
        ZONE_FAT_BURN,
        ZONE_FAT_BURN,
        ZONE_CARDIO,
        ZONE_CARDIO,
        ZONE_PEAK,
        ZONE_PEAK,
    ]
    assert (zones[8:] == NO_ZONE).all()
