import numpy as np
import pytest

from fitbit_local.physiology.azm import azm_buckets, azm_credits, azm_minutes, azm_totals
from fitbit_local.physiology.day import MINUTES_PER_DAY, NO_ZONE, ZONE_CARDIO, ZONE_FAT_BURN, ZONE_PEAK


def _zones(*runs: tuple[int, int, int]) -> np.ndarray:
    z = np.full(MINUTES_PER_DAY, NO_ZONE, np.uint8)
    for start, length, code in runs:
        z[start : start + length] = code
    return z


def test_worked_example_from_fitbit_help() -> None:
    # support.google.com/fitbit/answer/14236509: 5-min warm-up + 10-min run + 5-min cool-down = 30 AZM
    zones = _zones((600, 5, ZONE_FAT_BURN), (605, 10, ZONE_CARDIO), (615, 5, ZONE_FAT_BURN))
    totals = azm_totals(zones)
    assert (totals.fat_burn, totals.cardio, totals.peak, totals.total) == (10, 20, 0, 30)


def test_credits_per_zone() -> None:
    zones = _zones((0, 1, 0), (1, 1, ZONE_FAT_BURN), (2, 1, ZONE_CARDIO), (3, 1, ZONE_PEAK))
    assert azm_credits(zones)[:5].tolist() == [0, 1, 2, 2, 0]


def test_intraday_lists_credited_minutes_only() -> None:
    zones = _zones((10, 1, ZONE_FAT_BURN), (11, 1, 0), (12, 1, ZONE_PEAK))
    assert azm_minutes(zones) == [
        (10, {"activeZoneMinutes": 1, "fatBurnActiveZoneMinutes": 1}),
        (12, {"activeZoneMinutes": 2, "peakActiveZoneMinutes": 2}),
    ]


@pytest.mark.parametrize("size", [1, 5, 15])
def test_buckets_sum_to_daily_total(size: int) -> None:
    rng = np.random.default_rng(size)
    zones = rng.choice(np.array([0, 1, 2, 3, NO_ZONE], np.uint8), MINUTES_PER_DAY)
    buckets = azm_buckets(zones, size)
    totals = azm_totals(zones)
    assert sum(f["activeZoneMinutes"] for _, f in buckets) == totals.total
    assert sum(f.get("cardioActiveZoneMinutes", 0) for _, f in buckets) == totals.cardio
    assert all(start % size == 0 for start, _ in buckets)
    for _, fields in buckets:
        assert fields["activeZoneMinutes"] == sum(v for k, v in fields.items() if k != "activeZoneMinutes")


def test_fifteen_minute_bucket_mixes_zones() -> None:
    zones = _zones((30, 3, ZONE_FAT_BURN), (33, 2, ZONE_CARDIO))
    assert azm_buckets(zones, 15) == [
        (30, {"activeZoneMinutes": 7, "fatBurnActiveZoneMinutes": 3, "cardioActiveZoneMinutes": 4})
    ]


def test_bucket_size_is_checked() -> None:
    with pytest.raises(ValueError):
        azm_buckets(_zones(), 10)
