"""The day's resting heart rate, derived from the day arrays.

Rule (Fitbit never published its own; Google Health labels its values WITH_SLEEP or ONLY_WITH_AWAKE_DATA):
0. *Sleep first* (WITH_SLEEP): with at least MIN_MAIN_SLEEP_MINUTES minutes asleep with a heart rate, the median
   sleeping minute HR raised by SLEEP_TO_REST (sleep runs ~11 % below the awake resting rate, dip and circadian low together [UNVERIFIED
   calibration, docs/decisions.md issue 10]), rounded half up: a night's sleep is the steadiest rest of the day.
1. *Still awake minutes*: not in bed, a heart rate, METs <= 1.2, no steps, and the same held for the
   STILL_RUN - 1 minutes before (so recovery after activity does not count).
2. With at least MIN_STILL_MINUTES of them, the resting HR is the 10th percentile of their minute HR, rounded
   half up. A low percentile rather than the minimum resists single noisy minutes; rather than the mean it
   discounts the day's sitting-but-alert time.
3. Otherwise, with at least MIN_SLEEP_MINUTES minutes in bed with a heart rate, the median sleeping minute HR
   (it reads a few bpm low, like a WITH_SLEEP value on a day without awake rest).
4. Otherwise None (the API omits restingHeartRate on such days).
"""

from __future__ import annotations

import numpy as np

from fitbit_local.physiology.day import SLEEP_AWAKE
from fitbit_local.physiology.zones import round_half_up

STILL_METS = 1.2
STILL_RUN = 3
STILL_PERCENTILE = 10.0
MIN_STILL_MINUTES = 30
MIN_SLEEP_MINUTES = 60
MIN_MAIN_SLEEP_MINUTES = 180
SLEEP_TO_REST = 1.12


def still_minutes(
    minute_hr: np.ndarray, steps: np.ndarray, mets: np.ndarray, sleep: np.ndarray
) -> np.ndarray:
    """Boolean mask of awake, still minutes with a heart rate, preceded by STILL_RUN - 1 still minutes."""
    still = (np.asarray(sleep) == SLEEP_AWAKE) & (np.asarray(mets) <= STILL_METS) & (np.asarray(steps) == 0)
    run = still.copy()
    for lag in range(1, STILL_RUN):
        run[lag:] &= still[:-lag]
        run[:lag] = False
    return run & (np.asarray(minute_hr) > 0)


def resting_heart_rate(
    minute_hr: np.ndarray, steps: np.ndarray, mets: np.ndarray, sleep: np.ndarray
) -> int | None:
    hr = np.asarray(minute_hr)
    asleep = (np.asarray(sleep) != SLEEP_AWAKE) & (hr > 0)
    if np.count_nonzero(asleep) >= MIN_MAIN_SLEEP_MINUTES:
        return round_half_up(float(np.median(hr[asleep].astype(np.float64))) * SLEEP_TO_REST)
    mask = still_minutes(hr, steps, mets, sleep)
    if np.count_nonzero(mask) >= MIN_STILL_MINUTES:
        return round_half_up(float(np.percentile(hr[mask].astype(np.float64), STILL_PERCENTILE)))
    if np.count_nonzero(asleep) >= MIN_SLEEP_MINUTES:
        return round_half_up(float(np.median(hr[asleep].astype(np.float64))))
    return None
