"""SmartTrack-like detection: sustained moderate minutes become walks, runs and rides whose totals are the sums of
the minutes they span."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fitbit_local.physiology.exercise_detection import (
    BIKE,
    MIN_MINUTES,
    RUN,
    WALK,
    detect_exercises,
    elevated_spans,
)


def day(spans: list[tuple[int, int, float, int]]) -> tuple[np.ndarray, ...]:
    """(start, minutes, METs, steps per minute) → steps, mets, calories, distance arrays."""
    steps = np.zeros(1440, dtype=np.uint16)
    mets = np.ones(1440, dtype=np.float32)
    for start, minutes, m, spm in spans:
        mets[start : start + minutes] = m
        steps[start : start + minutes] = spm
    calories = (mets * 1.2).astype(np.float32)
    distance = (steps * 0.0007).astype(np.float32)
    return steps, mets, calories, distance


def test_walk_run_ride_and_too_short() -> None:
    found = detect_exercises(
        *day([(60, 20, 3.5, 100), (300, 30, 9.0, 160), (600, 25, 7.0, 10), (900, 14, 5, 110)])
    )
    assert [(e.activity_id, e.start_minute, e.minutes) for e in found] == [
        (WALK, 60, 20),
        (RUN, 300, 30),
        (BIKE, 600, 25),
    ]


def test_short_pauses_are_bridged() -> None:
    steps, mets, calories, distance = day([(100, 10, 4.0, 100), (112, 10, 4.0, 100)])
    assert elevated_spans(mets) == [(100, 122)]
    mets[110:112] = 1.0
    assert detect_exercises(steps, mets, calories, distance)[0].steps == 20 * 100


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1400), st.integers(1, 40), st.floats(1, 12), st.integers(0, 200)), max_size=6
    )
)
def test_totals_are_the_sums_of_the_minutes(spans: list[tuple[int, int, float, int]]) -> None:
    steps, mets, calories, distance = day(spans)
    for e in detect_exercises(steps, mets, calories, distance):
        window = slice(e.start_minute, e.start_minute + e.minutes)
        assert e.minutes >= MIN_MINUTES
        assert e.steps == int(steps[window].astype(np.int64).sum())
        assert e.calories == round(float(calories[window].astype(np.float64).sum()))
        assert abs(e.distance_km - float(distance[window].astype(np.float64).sum())) < 1e-9
