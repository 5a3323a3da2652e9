"""Detected exercises stored as ``auto_detected`` activity logs: what the loader calls once a user's days are stored
(sources/load.py). The days are read back from the store, so the logs come from exactly the stored minutes, and
re-running it (a resumed creation, a regenerated range) replaces the range's detected logs instead of adding more."""

from __future__ import annotations

from datetime import date, timedelta

from fitbit_local.physiology.exercise_detection import detect_exercises
from fitbit_local.store import Store
from fitbit_local.store.activity_logs import ActivityLogRepository, NewActivityLog

SERIES = ("steps", "mets", "calories", "distance")


def store_detected_exercises(store: Store, user_id: str, start: date, end: date) -> int:
    """Detect the exercises of the stored days start…end and store them as logs; returns how many."""
    logs: list[NewActivityLog] = []
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    for day in days:
        arrays = [store.series.get_series(user_id, name, day) for name in SERIES]
        if any(a is None for a in arrays):
            continue
        steps, mets, calories, distance = arrays
        for found in detect_exercises(steps, mets, calories, distance):  # type: ignore[arg-type]
            logs.append(
                NewActivityLog(
                    day=day,
                    start_time=f"{found.start_minute // 60:02d}:{found.start_minute % 60:02d}:00",
                    duration_ms=found.minutes * 60_000,
                    activity_id=found.activity_id,
                    activity_name=found.name,
                    calories=found.calories,
                    distance_km=round(found.distance_km, 5),
                    steps=found.steps,
                    log_type="auto_detected",
                )
            )
    ActivityLogRepository(store.engine).store_detected(user_id, days, logs)
    return len(logs)
