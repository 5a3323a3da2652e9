"""Detected exercises stored as ``auto_detected`` activity logs: the synthetic loader (sources/load.py) writes them in
each batch's transaction, from the very arrays that batch stores, so the logs come from exactly the stored minutes, and
a resumed creation or a regenerated range replaces its days' detected logs instead of adding more."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from fitbit_local.physiology.day import DayArrays
from fitbit_local.physiology.exercise_detection import detect_exercises
from fitbit_local.store.activity_logs import NewActivityLog, replace_detected
from fitbit_local.store.changes import WriteTransaction


def detected_logs(day: date, arrays: DayArrays) -> list[NewActivityLog]:
    """The exercises detected in one day's arrays, as logs."""
    series = (arrays.steps, arrays.mets, arrays.calories, arrays.distance)
    if not all(s.any() for s in series):  # a series with no data (the store keeps no all-zero array)
        return []
    return [
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
        for found in detect_exercises(*series)
    ]


def exercise_writer(user_id: str, days: Mapping[date, DayArrays]) -> Callable[[WriteTransaction], None]:
    """The loader's callback replacing `days`' detected logs with those of their arrays."""
    logs = [log for day, arrays in days.items() for log in detected_logs(day, arrays)]

    def write(tx: WriteTransaction) -> None:
        replace_detected(tx, user_id, [d.isoformat() for d in days], logs)

    return write
