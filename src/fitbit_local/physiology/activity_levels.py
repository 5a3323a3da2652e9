"""The classic MET-based activity levels (reference takeout-and-data §5.4).

- lightly: awake minutes of 1.5-3 METs, plus awake minutes >= 3 METs that are not part of a bout;
- fairly / very: awake minutes >= 3 METs inside a bout of >= BOUT_MINUTES continuous such minutes (Fitbit help
  article 1379: "only after 10 continuous minutes"), very when the minute is >= 6 METs;
- sedentary: every other awake (not in bed) minute, *including minutes the tracker was not worn* - Fitbit counted
  unworn time as sedentary (an unworn day is 1440 sedentary minutes), so on every day
  sedentary + lightly + fairly + very + minutes in bed = 1440.

"Minutes in bed" are the minutes of this local day whose sleep code is not SLEEP_AWAKE. (Fitbit's own identity sums
timeInBed of the sleep logs with dateOfSleep = D, which moves the pre-midnight part of a night to the next day;
over the day arrays the identity holds minute by minute.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitbit_local.physiology.day import SLEEP_AWAKE

LIGHT_METS = 1.5
MODERATE_METS = 3.0
VIGOROUS_METS = 6.0
BOUT_MINUTES = 10

LEVEL_SEDENTARY = 0
LEVEL_LIGHTLY = 1
LEVEL_FAIRLY = 2
LEVEL_VERY = 3
LEVEL_IN_BED = 255  # minute_activity_levels: a minute in bed, kept apart from the awake levels


@dataclass(frozen=True)
class ActivityMinutes:
    sedentary: int
    lightly: int
    fairly: int
    very: int
    in_bed: int


def activity_level(mets: np.ndarray) -> np.ndarray:
    """Per-minute level 0..3 from METs alone (the calories intraday `level`; no bout rule, no sleep)."""
    m = np.asarray(mets, dtype=np.float32)
    cuts = np.array([LIGHT_METS, MODERATE_METS, VIGOROUS_METS], dtype=np.float32)
    return np.searchsorted(cuts, m, side="right").astype(np.uint8)


def in_bouts(flag: np.ndarray, min_length: int) -> np.ndarray:
    """Mask of the True entries that belong to a run of at least min_length consecutive True entries."""
    f = np.asarray(flag, dtype=bool)
    padded = np.concatenate(([False], f, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    starts, ends = edges[0::2], edges[1::2]
    keep = (ends - starts) >= min_length
    marks = np.zeros(len(f) + 1, dtype=np.int64)
    np.add.at(marks, starts[keep], 1)
    np.add.at(marks, ends[keep], -1)
    return np.cumsum(marks[:-1]) > 0


def minute_activity_levels(mets: np.ndarray, sleep: np.ndarray) -> np.ndarray:
    """Per-minute level for the daily totals: the bout rule applied, minutes in bed marked LEVEL_IN_BED."""
    m = np.asarray(mets, dtype=np.float32)
    awake = np.asarray(sleep) == SLEEP_AWAKE
    raw = activity_level(m)
    moderate = awake & (raw >= LEVEL_FAIRLY)
    bout = in_bouts(moderate, BOUT_MINUTES)
    levels = np.where(raw >= LEVEL_FAIRLY, np.where(bout, raw, LEVEL_LIGHTLY), raw).astype(np.uint8)
    levels[~awake] = LEVEL_IN_BED
    return levels


def activity_minutes(mets: np.ndarray, sleep: np.ndarray) -> ActivityMinutes:
    levels = minute_activity_levels(mets, sleep)
    counts = np.bincount(levels, minlength=256)
    return ActivityMinutes(
        sedentary=int(counts[LEVEL_SEDENTARY]),
        lightly=int(counts[LEVEL_LIGHTLY]),
        fairly=int(counts[LEVEL_FAIRLY]),
        very=int(counts[LEVEL_VERY]),
        in_bed=int(counts[LEVEL_IN_BED]),
    )
