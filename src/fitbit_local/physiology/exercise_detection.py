"""Exercises detected in a day's minutes, as Fitbit's SmartTrack did: sustained elevated activity becomes an
``auto_detected`` activity log [community post "Breaking change to Get Activity Logs List", 2016: "auto_detected
activity logs are those created by Fitbit's SmartTrack feature"; Fitbit help: SmartTrack recognises walks, runs and
rides of at least 15 minutes by default].

A pure function of the stored minute arrays, so a detected log always agrees with the intraday series it came from:
its steps, distance and calories are the sums of those series over its minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitbit_local.physiology.activity_levels import MODERATE_METS

MIN_MINUTES = 15  # SmartTrack's default minimum duration
MAX_GAP_MINUTES = 2  # a pause this short (a traffic light) does not end the exercise
RUN_CADENCE = 130  # steps per minute: a run above it [Tudor-Locke et al., cadence thresholds]
WALK_CADENCE = 60  # below it with elevated METs: a ride (the wrist sees no steps)
RUN_METS = 6.0

WALK, RUN, BIKE = 90013, 90009, 90001
NAMES = {WALK: "Walk", RUN: "Run", BIKE: "Bike"}


@dataclass(frozen=True)
class DetectedExercise:
    activity_id: int
    start_minute: int
    minutes: int
    steps: int
    distance_km: float
    calories: int

    @property
    def name(self) -> str:
        return NAMES[self.activity_id]


def elevated_spans(mets: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) minute spans of moderate-or-harder activity, pauses of up to MAX_GAP_MINUTES bridged, at
    least MIN_MINUTES long."""
    active = np.asarray(mets, dtype=np.float64) >= MODERATE_METS
    spans: list[tuple[int, int]] = []
    start = None
    last = -MAX_GAP_MINUTES - 2
    for minute in np.flatnonzero(active).tolist():
        if start is None:
            start = minute
        elif minute - last > MAX_GAP_MINUTES + 1:
            spans.append((start, last + 1))
            start = minute
        last = minute
    if start is not None:
        spans.append((start, last + 1))
    return [(a, b) for a, b in spans if b - a >= MIN_MINUTES]


def detect_exercises(
    steps: np.ndarray, mets: np.ndarray, calories: np.ndarray, distance: np.ndarray
) -> list[DetectedExercise]:
    """The day's walks, runs and rides, in time order."""
    out = []
    for a, b in elevated_spans(mets):
        minutes = b - a
        step_count = int(np.asarray(steps[a:b], dtype=np.int64).sum())
        cadence = step_count / minutes
        mean_mets = float(np.asarray(mets[a:b], dtype=np.float64).mean())
        if cadence >= RUN_CADENCE and mean_mets >= RUN_METS:
            kind = RUN
        elif cadence >= WALK_CADENCE:
            kind = WALK
        else:
            kind = BIKE
        out.append(
            DetectedExercise(
                activity_id=kind,
                start_minute=a,
                minutes=minutes,
                steps=step_count,
                distance_km=float(np.asarray(distance[a:b], dtype=np.float64).sum()),
                calories=int(round(float(np.asarray(calories[a:b], dtype=np.float64).sum()))),
            )
        )
    return out
