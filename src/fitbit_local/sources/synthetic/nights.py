"""Synthetic nights: when the main sleep starts and ends, and its hypnogram (reference takeout-and-data §4.3).

Besides the main sleep a night may carry a split (the sleeper got up for 30-80 minutes after midnight: two logs), a
nap on the afternoon of its wake day, and a loose band (too little heart data for stages: a classic log).

The night that ends on the morning of D ("night D", Fitbit's dateOfSleep) has its own RNG stream keyed by D, so day
D-1 (which holds its pre-midnight minutes) and day D (the rest) place it identically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from fitbit_local.physiology.day import (
    MINUTES_PER_DAY,
    SLEEP_AWAKE,
    SLEEP_DEEP,
    SLEEP_LIGHT,
    SLEEP_REM,
    SLEEP_WAKE,
)
from fitbit_local.sources.synthetic.person import Person
from fitbit_local.sources.synthetic.streams import _rng

_S_NIGHT = 21
_S_EXTRAS = 40  # splits, naps, loose bands (streams 40-59 are the sleep issue's)
SPLIT_P = 0.04
NAP_P = 0.08
LOOSE_BAND_P = 0.05


@dataclass(frozen=True, eq=False)
class Night:
    """The main sleep that ends on the morning of `wake_day` (Fitbit's dateOfSleep)."""

    wake_day: dt.date
    bed_minute: int  # minutes from midnight starting wake_day; negative = the previous evening
    stages: np.ndarray  # SLEEP_* per minute in bed
    recorded: bool  # False: the tracker was off (no sleep codes, no heart rate)
    # (first minute of wake_day, stages) of a nap on the afternoon of wake_day
    naps: tuple[tuple[int, np.ndarray], ...] = ()
    stages_capable: bool = True  # False: the band sat loose, too little heart data for sleep stages

    @property
    def wake_minute(self) -> int:
        return self.bed_minute + len(self.stages)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Night):
            return NotImplemented
        return (
            (self.wake_day, self.bed_minute, self.recorded, self.stages_capable)
            == (other.wake_day, other.bed_minute, other.recorded, other.stages_capable)
            and np.array_equal(self.stages, other.stages)
            and len(self.naps) == len(other.naps)
            and all(
                a[0] == b[0] and np.array_equal(a[1], b[1])
                for a, b in zip(self.naps, other.naps, strict=True)
            )
        )

    __hash__ = None  # type: ignore[assignment]


def _hypnogram(rng: np.random.Generator, minutes: int) -> np.ndarray:
    """Cycles of about 90 min: light -> deep -> light -> REM, deep shrinking and REM growing over the night,
    with brief wakes; starts with sleep latency and ends awake in bed."""
    codes: list[int] = [SLEEP_WAKE]
    lengths: list[int] = [int(rng.integers(3, 20))]
    t = lengths[0]
    end_wake = int(rng.integers(1, 10))
    k = 0
    while t < minutes - end_wake:
        cycle = max(60.0, rng.normal(92.0, 12.0))
        deep = max(0.0, 34.0 * 0.5**k + rng.normal(0.0, 5.0)) if k < 4 else 0.0
        rem = float(np.clip(6.0 + 9.0 * k + rng.normal(0.0, 4.0), 2.0, 45.0))
        light = max(10.0, cycle - deep - rem)
        split = rng.uniform(0.4, 0.7)
        parts = [
            (SLEEP_LIGHT, light * split),
            (SLEEP_DEEP, deep),
            (SLEEP_LIGHT, light * (1 - split)),
            (SLEEP_REM, rem),
        ]
        for code, length in parts:
            n = round(length)
            if n <= 0:
                continue
            # brief wakes inside light sleep
            if code == SLEEP_LIGHT and n > 6 and rng.random() < 0.6:
                cut = int(rng.integers(2, n - 2))
                codes += [code, SLEEP_WAKE]
                lengths += [cut, int(rng.integers(1, 4))]
                n -= cut
            codes.append(code)
            lengths.append(n)
        if rng.random() < 0.7:
            codes.append(SLEEP_WAKE)
            lengths.append(int(rng.integers(1, 6)))
        t = sum(lengths)
        k += 1
    stages = np.repeat(np.array(codes, dtype=np.uint8), lengths)[: minutes - end_wake]
    return np.concatenate([stages, np.full(minutes - len(stages), SLEEP_WAKE, dtype=np.uint8)])


def night(person: Person, seed: int, wake_day: dt.date, *, worn: bool) -> Night:
    """The main sleep ending on the morning of `wake_day`; `worn`: the tracker was on through it (the wear model,
    generate.py, decides that)."""
    o = wake_day.toordinal()
    rng = _rng(seed, o, _S_NIGHT)
    weekend = wake_day.weekday() >= 5  # Friday and Saturday nights
    mid = person.sleep_midpoint_min + (person.weekend_shift_min if weekend else 0.0) + rng.normal(0.0, 35.0)
    duration = person.sleep_duration_min + (20.0 if weekend else 0.0) + rng.normal(0.0, 50.0)
    minutes = int(np.clip(round(duration), 240, 660))
    bed = int(round(mid - minutes / 2))
    stages = _hypnogram(rng, minutes)
    extras = _rng(seed, o, _S_EXTRAS)
    if extras.random() < SPLIT_P:
        stages = _split(extras, stages, bed)
    naps: tuple[tuple[int, np.ndarray], ...] = ()
    if extras.random() < NAP_P:
        length = int(extras.integers(20, 91))
        start = int(extras.integers(13 * 60, 16 * 60 + 30))
        if start >= bed + len(stages) + 120:  # an afternoon nap, not a lie-in
            naps = ((start, _hypnogram(extras, length)),)
    capable = bool(extras.random() >= LOOSE_BAND_P)
    return Night(
        wake_day=wake_day,
        bed_minute=bed,
        stages=stages,
        recorded=worn,
        naps=naps,
        stages_capable=capable,
    )


def _split(rng: np.random.Generator, stages: np.ndarray, bed: int) -> np.ndarray:
    """The night with the sleeper up (out of bed) for 30-80 minutes after midnight, between two sleeps of at least an
    hour each: Fitbit logs two sessions. Unchanged when the night leaves no room for that."""
    gap = int(rng.integers(30, 81))
    lo = max(60, -bed + 1)  # the first sleep ends after midnight, so both logs have the night's dateOfSleep
    hi = len(stages) - gap - 60
    if lo >= hi:
        return stages
    at = int(rng.integers(lo, hi))
    out = stages.copy()
    out[at : at + gap] = SLEEP_AWAKE
    return out


def sessions(n: Night) -> list[tuple[int, np.ndarray, bool]]:
    """(first minute relative to midnight starting wake_day, stages, is main sleep) of each sleep of the night:
    the main sleep (or the parts of a split night, the longest the main one) and the naps. Empty when unrecorded."""
    if not n.recorded:
        return []
    parts: list[tuple[int, np.ndarray, bool]] = []
    in_bed = n.stages != SLEEP_AWAKE
    edges = np.flatnonzero(np.diff(np.concatenate(([0], in_bed.astype(np.int8), [0]))))
    for start, end in zip(edges[0::2], edges[1::2], strict=True):
        parts.append((n.bed_minute + int(start), n.stages[start:end], False))
    longest = max(range(len(parts)), key=lambda i: len(parts[i][1]))
    parts[longest] = (parts[longest][0], parts[longest][1], True)
    return parts + [(start, stages, False) for start, stages in n.naps]


def day_sleep(night_in: Night, night_out: Night) -> tuple[np.ndarray, np.ndarray]:
    """The local day's sleep codes (SLEEP_* per minute, SLEEP_AWAKE where nothing was recorded) and its in-bed mask,
    from the tail of the night ending this morning and the head of the one starting this evening."""
    sleep = np.zeros(MINUTES_PER_DAY, np.uint8)
    in_bed = np.zeros(MINUTES_PER_DAY, bool)
    for n, offset in ((night_in, 0), (night_out, MINUTES_PER_DAY)):
        spans = [(n.bed_minute, n.stages)] + (list(n.naps) if offset == 0 else [])
        for first, stages in spans:
            lo, hi = first + offset, first + len(stages) + offset
            a, b = max(lo, 0), min(hi, MINUTES_PER_DAY)
            if a < b:
                in_bed[a:b] |= stages[a - lo : b - lo] != SLEEP_AWAKE  # a split night's hour up is out of bed
                if n.recorded:
                    sleep[a:b] = np.maximum(sleep[a:b], stages[a - lo : b - lo])
    return sleep, in_bed
