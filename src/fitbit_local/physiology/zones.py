"""Heart-rate zones: the day's zone boundaries and each minute's zone.

Two schemes (reference takeout-and-data §5.1):
- AZM era (Charge 4, March 2020 on; our default): Karvonen / heart-rate reserve, HRR = (220 - age) - RHR,
  fat burn >= RHR + 0.40 HRR, cardio >= RHR + 0.60 HRR, peak >= RHR + 0.85 HRR, rounded to the nearest integer
  (checked against real activity-log payloads: RHR 61, max 193 -> 114/140/173).
- Legacy (about 2015-2020): 50 / 70 / 85 % of max HR = 220 - age.
"""

from __future__ import annotations

import math

import numpy as np

from fitbit_local.physiology.day import MINUTES_PER_DAY, NO_ZONE, SECONDS_PER_DAY

ZoneBounds = tuple[int, int, int]  # lower bpm of fat burn, cardio, peak

# Classic Web API sentinels: "Out of Range" starts at 30 bpm and "Peak" ends at 220 bpm.
ZONE_FLOOR_BPM = 30
ZONE_CEILING_BPM = 220

_KARVONEN_FRACTIONS = (0.40, 0.60, 0.85)
_LEGACY_FRACTIONS = (0.50, 0.70, 0.85)


def round_half_up(x: float) -> int:
    """Nearest integer with halves rounded up (Python's round() is banker's rounding)."""
    return math.floor(x + 0.5)


def max_heart_rate(age: int) -> int:
    return 220 - age


def heart_rate_zones(age: int, resting_hr: int) -> ZoneBounds:
    """AZM-era (Karvonen) zone lower bounds for fat burn, cardio and peak."""
    max_hr = max_heart_rate(age)
    reserve = max_hr - resting_hr
    if reserve <= 0:
        raise ValueError(f"resting heart rate {resting_hr} is not below the maximum {max_hr} for age {age}")
    fat, cardio, peak = (round_half_up(resting_hr + f * reserve) for f in _KARVONEN_FRACTIONS)
    return fat, cardio, peak


def heart_rate_zones_legacy(age: int) -> ZoneBounds:
    """Pre-2020 zone lower bounds: 50 / 70 / 85 % of 220 - age."""
    max_hr = max_heart_rate(age)
    fat, cardio, peak = (round_half_up(f * max_hr) for f in _LEGACY_FRACTIONS)
    return fat, cardio, peak


def minute_heart_rate(heart: np.ndarray) -> np.ndarray:
    """Per-minute heart rate: the rounded mean of the minute's non-zero seconds, 0 where it has none.

    Any minute with at least one reading counts (Fitbit's own minute rule is undocumented; see
    docs/decisions.md).
    """
    sec = np.asarray(heart, dtype=np.uint8)
    if sec.shape != (SECONDS_PER_DAY,):
        raise ValueError(f"heart must have shape ({SECONDS_PER_DAY},), got {sec.shape}")
    per_minute = sec.reshape(MINUTES_PER_DAY, 60)
    totals = per_minute.sum(axis=1, dtype=np.int64)
    counts = np.count_nonzero(per_minute, axis=1)
    out = np.zeros(MINUTES_PER_DAY, dtype=np.uint8)
    has = counts > 0
    # round half up in exact integer arithmetic: floor((2*total + count) / (2*count))
    out[has] = (2 * totals[has] + counts[has]) // (2 * counts[has])
    return out


def minute_zones(minute_hr: np.ndarray, bounds: ZoneBounds) -> np.ndarray:
    """Zone code (ZONE_*) of each minute, NO_ZONE where the minute has no heart rate."""
    hr = np.asarray(minute_hr)
    edges = np.asarray(bounds, dtype=np.int64)
    zones = np.searchsorted(edges, hr.astype(np.int64), side="right").astype(np.uint8)
    zones[hr == 0] = NO_ZONE
    return zones
