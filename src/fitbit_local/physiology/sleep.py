"""Sleep log values from a log's minute levels: the one derivation every source (synthetic nights, manual logs,
later Takeout) and every sleep response (v1.2 logs and summaries, the v1 form with ``minuteData``, the sleep time
series) share, so a day's totals are always the sum of its logs and a log's level minutes add up to its time in bed.

A log is its start and one level per minute (reference §4.6):
- **stages** logs: wake, light, deep, rem (the SLEEP_* codes). Wakes of at most SHORT_WAKE_MINUTES between sleep are
  Fitbit's ``shortData``: in ``data`` the stage around them continues; ``summary`` counts them as wake.
- **classic** logs: asleep, restless, awake (the v1 ``minuteData`` values 1, 2, 3).

Rules Fitbit never published are in docs/decisions.md (issue 10): efficiency, minutesToFallAsleep/AfterWakeup of
automatic logs (0, as in the doc example), awakeningsCount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

import numpy as np

from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM, SLEEP_WAKE

STAGES = "stages"
CLASSIC = "classic"
SHORT_WAKE_MINUTES = 3  # "shortData: short wake periods (<= 3 min)" [reference §4.6, UNVERIFIED wording]
STAGES_MIN_MINUTES = 180  # Fitbit showed stages only for sleep of 3 hours or more [DOC sleep pages, §3.9]

ASLEEP, RESTLESS, AWAKE = 1, 2, 3  # classic minute levels (v1 minuteData values)
STAGE_NAMES = {SLEEP_WAKE: "wake", SLEEP_LIGHT: "light", SLEEP_DEEP: "deep", SLEEP_REM: "rem"}
CLASSIC_NAMES = {ASLEEP: "asleep", RESTLESS: "restless", AWAKE: "awake"}
STAGE_ORDER = ("deep", "light", "rem", "wake")
CLASSIC_ORDER = ("asleep", "awake", "restless")


def runs(levels: np.ndarray) -> list[tuple[int, int, int]]:
    """(first minute, length, level) of each run of equal levels."""
    if len(levels) == 0:
        return []
    edges = np.flatnonzero(np.diff(levels)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [len(levels)]))
    return [(int(s), int(e - s), int(levels[s])) for s, e in zip(starts, ends, strict=True)]


def short_wakes(levels: np.ndarray) -> list[tuple[int, int]]:
    """(first minute, length) of the wakes of a stages log short enough for ``shortData``: at most
    SHORT_WAKE_MINUTES, with sleep on both sides."""
    found = []
    all_runs = runs(levels)
    for i, (start, length, level) in enumerate(all_runs):
        if level == SLEEP_WAKE and length <= SHORT_WAKE_MINUTES and 0 < i < len(all_runs) - 1:
            found.append((start, length))
    return found


def classic_levels(stage_levels: np.ndarray) -> np.ndarray:
    """A stages hypnogram as the classic levels: sleep is asleep, a short wake restless, a longer wake awake (how the
    v1 form shows a stages log, and how a night without enough heart data is logged)."""
    out = np.where(stage_levels == SLEEP_WAKE, AWAKE, ASLEEP).astype(np.uint8)
    for start, length in short_wakes(stage_levels):
        out[start : start + length] = RESTLESS
    return out


def encode_levels(levels: np.ndarray) -> str:
    return bytes((np.asarray(levels, dtype=np.uint8) + ord("0")).tolist()).decode()


def decode_levels(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8) - ord("0")


def stamp(moment: datetime) -> str:
    """Fitbit's sleep timestamps: user-local, milliseconds, no zone (``2020-02-20T23:21:30.000``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000")


@dataclass(frozen=True)
class SleepLog:
    """One sleep log as stored (store/sleep.py), with every value a response shows derived from its levels."""

    log_id: int
    date_of_sleep: str  # yyyy-MM-dd
    start: datetime  # user-local, naive
    kind: str  # STAGES | CLASSIC
    log_type: str  # auto_detected | manual
    is_main_sleep: bool
    levels: np.ndarray  # one level per minute from `start`
    source: str = "synthetic"

    @property
    def time_in_bed(self) -> int:
        return len(self.levels)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.time_in_bed)

    @property
    def duration_ms(self) -> int:
        return self.time_in_bed * 60_000

    @cached_property
    def classic(self) -> np.ndarray:
        """The minute levels in the classic scheme (the log's own for a classic log)."""
        return classic_levels(self.levels) if self.kind == STAGES else self.levels

    @property
    def minutes_asleep(self) -> int:
        if self.kind == STAGES:
            return int(np.count_nonzero(self.levels != SLEEP_WAKE))
        return int(np.count_nonzero(self.levels == ASLEEP))

    @property
    def minutes_awake(self) -> int:
        return (
            self.time_in_bed - self.minutes_asleep - self.minutes_to_fall_asleep - self.minutes_after_wakeup
        )

    @property
    def minutes_to_fall_asleep(self) -> int:
        """0 for automatic logs, as in every documented example; a manual log counts its leading awake minutes."""
        if self.log_type != "manual":
            return 0
        return _leading(self.classic, AWAKE)

    @property
    def minutes_after_wakeup(self) -> int:
        if self.log_type != "manual":
            return 0
        return _leading(self.classic[::-1], AWAKE) if self.minutes_asleep else 0

    @property
    def efficiency(self) -> int:
        """[UNVERIFIED] 100 × the minutes not spent in long wakes (awake in the classic scheme) / time in bed:
        brief arousals (restless, shortData) do not lower it, as Fitbit said efficiency is not a share of asleep."""
        if not self.time_in_bed:
            return 0
        awake = int(np.count_nonzero(self.classic == AWAKE))
        return int(round(100 * (self.time_in_bed - awake) / self.time_in_bed))

    def _count(self, level: int) -> int:
        return sum(1 for _, _, lv in runs(self.classic) if lv == level)

    @property
    def awake_count(self) -> int:
        return self._count(AWAKE)

    @property
    def restless_count(self) -> int:
        return self._count(RESTLESS)

    @property
    def awakenings_count(self) -> int:
        """[UNVERIFIED] awake and restless periods together (v1 awakeningsCount)."""
        return self.awake_count + self.restless_count

    def level_minutes(self) -> dict[str, int]:
        """Minutes at each level name of the log's own scheme (every name present, zeros included)."""
        return dict(self._level_minutes)

    @cached_property
    def _level_minutes(self) -> dict[str, int]:
        names, order = (STAGE_NAMES, STAGE_ORDER) if self.kind == STAGES else (CLASSIC_NAMES, CLASSIC_ORDER)
        counts = np.bincount(self.levels, minlength=5)
        by_name = {name: int(counts[code]) for code, name in names.items()}
        return {name: by_name[name] for name in order}

    def level_counts(self) -> dict[str, int]:
        names = STAGE_NAMES if self.kind == STAGES else CLASSIC_NAMES
        counts = dict.fromkeys(names.values(), 0)
        for _, _, level in runs(self.levels):
            counts[names[level]] += 1
        return counts

    def data(self) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """(data, shortData) as (first minute, minutes, level name): for a stages log the short wakes move to
        shortData and the stage before each runs on over it in data."""
        if self.kind != STAGES:
            return [(s, n, CLASSIC_NAMES[lv]) for s, n, lv in runs(self.levels)], []
        shorts = short_wakes(self.levels)
        covered = self.levels.copy()
        for start, length in shorts:
            covered[start : start + length] = covered[start - 1]
        data = [(s, n, STAGE_NAMES[lv]) for s, n, lv in runs(covered)]
        return data, [(s, n, "wake") for s, n in shorts]


def _leading(levels: np.ndarray, level: int) -> int:
    other = np.flatnonzero(levels != level)
    return int(other[0]) if len(other) else len(levels)


@dataclass(frozen=True)
class SleepTotals:
    """A day's sleep: the sum over its logs (``summary`` of the by-date response, the sleep time series)."""

    minutes_asleep: int
    time_in_bed: int
    minutes_awake: int
    minutes_to_fall_asleep: int
    minutes_after_wakeup: int
    awakenings_count: int
    records: int
    stages: dict[str, int] | None  # the stages logs' level minutes, when the day has one
    main: SleepLog | None

    @classmethod
    def of(cls, logs: list[SleepLog]) -> SleepTotals:
        stage_logs = [log for log in logs if log.kind == STAGES]
        stages = None
        if stage_logs:
            stages = dict.fromkeys(STAGE_ORDER, 0)
            for log in stage_logs:
                for name, minutes in log.level_minutes().items():
                    stages[name] += minutes
        return cls(
            minutes_asleep=sum(log.minutes_asleep for log in logs),
            time_in_bed=sum(log.time_in_bed for log in logs),
            minutes_awake=sum(log.minutes_awake for log in logs),
            minutes_to_fall_asleep=sum(log.minutes_to_fall_asleep for log in logs),
            minutes_after_wakeup=sum(log.minutes_after_wakeup for log in logs),
            awakenings_count=sum(log.awakenings_count for log in logs),
            records=len(logs),
            stages=stages,
            main=next((log for log in logs if log.is_main_sleep), None),
        )


def in_bed_minutes(logs: list[SleepLog], day_start: datetime) -> np.ndarray:
    """The minutes of the local day starting at `day_start` that some log covers (1440 booleans)."""
    mask = np.zeros(1440, dtype=bool)
    for log in logs:
        first = int((log.start - day_start).total_seconds() // 60)
        lo, hi = max(first, 0), min(first + log.time_in_bed, 1440)
        if lo < hi:
            mask[lo:hi] = True
    return mask
