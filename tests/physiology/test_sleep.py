"""The sleep log derivations (physiology/sleep.py) on hand-made hypnograms."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM, SLEEP_WAKE
from fitbit_local.physiology.sleep import (
    ASLEEP,
    AWAKE,
    CLASSIC,
    RESTLESS,
    STAGES,
    SleepLog,
    SleepTotals,
    classic_levels,
    decode_levels,
    encode_levels,
    short_wakes,
)

W, L, D, R = SLEEP_WAKE, SLEEP_LIGHT, SLEEP_DEEP, SLEEP_REM


def _levels(*runs: tuple[int, int]) -> np.ndarray:
    return np.concatenate([np.full(n, code, np.uint8) for code, n in runs])


def _log(
    levels: np.ndarray, kind: str = STAGES, log_type: str = "auto_detected", main: bool = True
) -> SleepLog:
    return SleepLog(1, "2024-03-09", datetime(2024, 3, 8, 23, 0), kind, log_type, main, levels)


NIGHT = _levels((W, 10), (L, 30), (D, 40), (L, 5), (W, 2), (L, 20), (R, 15), (W, 8), (L, 30), (R, 25), (W, 5))


def test_short_wakes_are_the_brief_ones_between_sleep() -> None:
    assert short_wakes(NIGHT) == [(85, 2)]  # not the first, the 8-minute one, nor the last
    classic = classic_levels(NIGHT)
    assert classic[85:87].tolist() == [RESTLESS, RESTLESS]
    assert classic[:10].tolist() == [AWAKE] * 10 and set(classic[10:85].tolist()) == {ASLEEP}


def test_a_stages_log_adds_up_and_overlays() -> None:
    log = _log(NIGHT)
    minutes = log.level_minutes()
    assert minutes == {"deep": 40, "light": 85, "rem": 40, "wake": 25}
    assert log.minutes_asleep == 165 and log.minutes_awake == 25 and log.time_in_bed == 190
    assert log.minutes_to_fall_asleep == log.minutes_after_wakeup == 0  # automatic logs [DOC example]
    data, short = log.data()
    assert short == [(85, 2, "wake")]
    assert (80, 27, "light") in data  # the light runs on over the short wake and joins the light after it
    assert sum(n for _, n, _ in data) == 190
    assert log.level_counts() == {"wake": 4, "light": 4, "deep": 1, "rem": 2}
    assert log.efficiency == round(100 * (190 - 23) / 190)  # the 2-minute wake does not count against it
    assert log.awake_count == 3 and log.restless_count == 1 and log.awakenings_count == 4


def test_a_manual_classic_log_counts_its_edges() -> None:
    levels = np.array([AWAKE] * 5 + [ASLEEP] * 50 + [RESTLESS] * 3 + [ASLEEP] * 30 + [AWAKE] * 4, np.uint8)
    log = _log(levels, kind=CLASSIC, log_type="manual")
    assert log.minutes_to_fall_asleep == 5 and log.minutes_after_wakeup == 4
    assert log.minutes_asleep == 80 and log.minutes_awake == 3
    assert (
        log.minutes_to_fall_asleep + log.minutes_asleep + log.minutes_awake + log.minutes_after_wakeup
        == log.time_in_bed
    )
    assert log.level_minutes() == {"asleep": 80, "awake": 9, "restless": 3}
    assert log.data()[1] == []


def test_totals_are_sums_and_stages_only_from_stages_logs() -> None:
    night, nap = _log(NIGHT), _log(np.full(30, ASLEEP, np.uint8), kind=CLASSIC, main=False)
    totals = SleepTotals.of([night, nap])
    assert totals.time_in_bed == 220 and totals.minutes_asleep == 195 and totals.records == 2
    assert totals.stages == night.level_minutes() and totals.main is night
    assert SleepTotals.of([nap]).stages is None


def test_levels_round_trip_as_text() -> None:
    assert np.array_equal(decode_levels(encode_levels(NIGHT)), NIGHT)
