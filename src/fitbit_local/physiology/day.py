"""The day arrays: one user's raw series for one *local* calendar day.

Every source (synthetic generator, Takeout importer, later the Google Health bridge) produces these, the store
keeps them compressed (one blob per user, series and local day), and `physiology.summaries` derives every daily
value from them, so intraday sums always equal daily totals.

Indexing is by local wall-clock time: second ``s`` of the day is ``hh*3600 + mm*60 + ss`` and minute ``m`` is
``hh*60 + mm``. (On a day with a DST change the skipped hour stays empty and the repeated hour holds its last
reading; see docs/decisions.md.)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

SECONDS_PER_DAY = 86_400
MINUTES_PER_DAY = 1_440

# Sleep state per minute (the sleep issue renders logs from these runs).
SLEEP_AWAKE = 0  # not in bed
SLEEP_WAKE = 1  # in bed, awake
SLEEP_LIGHT = 2
SLEEP_DEEP = 3
SLEEP_REM = 4

# Heart-rate zone per minute (index into the day's zone boundaries); NO_ZONE where the minute has no heart rate.
ZONE_OUT_OF_RANGE = 0
ZONE_FAT_BURN = 1
ZONE_CARDIO = 2
ZONE_PEAK = 3
NO_ZONE = 255

# name -> (dtype, length); the store and every source use this one table.
SERIES: dict[str, tuple[type, int]] = {
    "heart": (np.uint8, SECONDS_PER_DAY),  # bpm at each second, 0 = no reading
    "steps": (np.uint16, MINUTES_PER_DAY),
    "calories": (np.float32, MINUTES_PER_DAY),  # kcal burned in the minute (BMR share included)
    "distance": (np.float32, MINUTES_PER_DAY),  # kilometres
    "floors": (np.uint8, MINUTES_PER_DAY),
    "elevation": (np.float32, MINUTES_PER_DAY),  # metres climbed
    "mets": (np.float32, MINUTES_PER_DAY),  # metabolic equivalents; 1.0 at rest
    "sleep": (np.uint8, MINUTES_PER_DAY),  # SLEEP_* codes
}


def empty_series(name: str) -> np.ndarray:
    dtype, length = SERIES[name]
    return np.zeros(length, dtype=dtype)


@dataclass
class DayArrays:
    """Raw series of one local day. Arrays not supplied by a source stay zero (no data)."""

    heart: np.ndarray = field(default_factory=lambda: empty_series("heart"))
    steps: np.ndarray = field(default_factory=lambda: empty_series("steps"))
    calories: np.ndarray = field(default_factory=lambda: empty_series("calories"))
    distance: np.ndarray = field(default_factory=lambda: empty_series("distance"))
    floors: np.ndarray = field(default_factory=lambda: empty_series("floors"))
    elevation: np.ndarray = field(default_factory=lambda: empty_series("elevation"))
    mets: np.ndarray = field(default_factory=lambda: empty_series("mets"))
    sleep: np.ndarray = field(default_factory=lambda: empty_series("sleep"))

    def __post_init__(self) -> None:
        for f in fields(self):
            dtype, length = SERIES[f.name]
            arr: np.ndarray = np.asarray(getattr(self, f.name), dtype=dtype)
            if arr.shape != (length,):
                raise ValueError(f"series {f.name!r} must have shape ({length},), got {arr.shape}")
            setattr(self, f.name, arr)

    def items(self) -> list[tuple[str, np.ndarray]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)]
