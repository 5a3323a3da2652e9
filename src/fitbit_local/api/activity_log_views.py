"""How an activity log renders: the short form of the daily summary's ``activities[]`` and the create response
[DOC get-daily-activity-summary, create-activity-log], and the long form of the log list, with what the tracker
recorded during the log's interval (activity levels, heart-rate zones, Active Zone Minutes, average heart rate)
taken from the stored intraday arrays, so a log always agrees with the intraday series [DOC get-activity-log-list].

Also how manual logs combine with the tracker's day: the log's calories and distance replace the tracker's over
the logged interval (`with_logs`, decisions.md).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from fitbit_local.api.activity_types import activity_type
from fitbit_local.api.context import RequestContext
from fitbit_local.physiology.activity_levels import activity_level
from fitbit_local.physiology.azm import AZM_FIELDS, ZONE_CREDIT
from fitbit_local.physiology.day import MINUTES_PER_DAY, NO_ZONE, DayArrays
from fitbit_local.physiology.summaries import ZONE_NAMES, DailySummary
from fitbit_local.physiology.zones import ZONE_CEILING_BPM, ZONE_FLOOR_BPM, round_half_up
from fitbit_local.store.activity_logs import ActivityLog

LEVEL_NAMES = ("sedentary", "lightly", "fairly", "very")
AZM_TYPES = ("OUT_OF_ZONE", "FAT_BURN", "CARDIO", "PEAK")


def log_minutes(log: ActivityLog) -> slice:
    """The log's minutes of its day (a log running past midnight is cut at the end of its start day)."""
    first = min(log.start_minute, MINUTES_PER_DAY)
    return slice(first, min(first + log.duration_minutes, MINUTES_PER_DAY))


def local_instant(ctx: RequestContext, log: ActivityLog, minute_offset: int = 0) -> datetime:
    naive = datetime.fromisoformat(f"{log.day.isoformat()}T{log.start_time}") + timedelta(
        minutes=minute_offset
    )
    return naive.replace(tzinfo=ZoneInfo(ctx.user.timezone_on(log.day)))


def iso_with_offset(moment: datetime) -> str:
    """``2019-01-01T12:00:00.000-05:00`` [DOC get-activity-log-list example]."""
    text = moment.isoformat(timespec="milliseconds")
    return text if moment.utcoffset() else text.replace("+00:00", "Z")


def last_modified(log: ActivityLog) -> str:
    """``2019-01-01T12:30:00.000Z``: the creation time on the sandbox clock, in UTC [DOC example]."""
    moment = datetime.fromtimestamp(log.created_at, ZoneInfo("UTC"))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _names(log: ActivityLog) -> tuple[int, int, str, str]:
    """(activityId, activityParentId, activityParentName, description); a custom-named log has id 0 and its own
    name as the parent's [decisions.md]."""
    found = activity_type(log.activity_id) if log.activity_id is not None else None
    if found is None:
        return 0, 0, log.activity_name, ""
    return found.id, found.parent_id, found.parent_name, found.description


def summary_item(ctx: RequestContext, log: ActivityLog, favorites: set[int]) -> dict[str, Any]:
    """The daily summary's ``activities[]`` entry, also the body of a create (``activityLog``)."""
    activity_id, parent_id, parent_name, description = _names(log)
    item: dict[str, Any] = {
        "activityId": activity_id,
        "activityParentId": parent_id,
        "activityParentName": parent_name,
        "calories": log.calories,
        "description": description,
        "duration": log.duration_ms,
        "hasActiveZoneMinutes": log.log_type == "auto_detected",
        "hasStartTime": True,
        "isFavorite": parent_id in favorites or activity_id in favorites,
        "lastModified": last_modified(log),
        "logId": log.log_id,
        "name": log.activity_name,
        "startDate": log.day.isoformat(),
        "startTime": log.start_time[:5],
    }
    if log.distance_km is not None:
        item["distance"] = round(ctx.units.distance(log.distance_km), 5)
    if log.steps is not None:
        item["steps"] = log.steps
    return item


def list_item(
    ctx: RequestContext, log: ActivityLog, arrays: DayArrays | None, summary: DailySummary
) -> dict[str, Any]:
    """The log list's entry: the log with what the tracker recorded over its interval."""
    minutes = log_minutes(log)
    activity_id, _, _, _ = _names(log)
    base = str(ctx.request.base_url).rstrip("/")
    link = f"{base}/1/user/{ctx.user.id}/activities"
    mets = arrays.mets[minutes] if arrays is not None else np.zeros(0, dtype=np.float32)
    levels = activity_level(mets) if len(mets) else np.zeros(0, dtype=np.uint8)
    level_minutes = [int(np.count_nonzero(levels == k)) for k in range(4)]
    if arrays is None or not len(mets):
        level_minutes[0] = log.duration_minutes
    zones = summary.minute_zones[minutes]
    edges = (ZONE_FLOOR_BPM, *summary.zone_bounds, ZONE_CEILING_BPM)
    start = local_instant(ctx, log)
    item: dict[str, Any] = {
        "activeDuration": log.duration_ms,
        "activityLevel": [{"minutes": m, "name": n} for m, n in zip(level_minutes, LEVEL_NAMES, strict=True)],
        "activityName": log.activity_name,
        "activityTypeId": activity_id,
        "calories": log.calories,
        "caloriesLink": f"{link}/calories/date/{log.day.isoformat()}/{log.day.isoformat()}/1min/time/"
        f"{log.start_time[:5]}/{_end(log)}.json",
        "duration": log.duration_ms,
        "hasActiveZoneMinutes": bool(np.count_nonzero(zones != NO_ZONE)),
        "lastModified": last_modified(log),
        "logId": log.log_id,
        "logType": log.log_type,
        "manualValuesSpecified": {
            "calories": log.manual_calories,
            "distance": log.manual_distance,
            "steps": False,
        },
        "originalDuration": log.duration_ms,
        "originalStartTime": iso_with_offset(start),
        "startTime": iso_with_offset(start),
    }
    if log.distance_km is not None:
        item["distance"] = round(ctx.units.distance(log.distance_km), 5)
        item["distanceUnit"] = "Mile" if ctx.units.name == "en_US" else "Kilometer"
    if log.steps is not None:
        item["steps"] = log.steps
    if arrays is not None and item["hasActiveZoneMinutes"]:
        heart = arrays.heart[minutes.start * 60 : minutes.stop * 60]
        beats = heart[heart > 0]
        item["averageHeartRate"] = round_half_up(float(beats.mean())) if len(beats) else 0
        item["heartRateLink"] = (
            f"{link}/heart/date/{log.day.isoformat()}/{log.day.isoformat()}/1sec/time/"
            f"{log.start_time[:5]}/{_end(log)}.json"
        )
        item["heartRateZones"] = [
            {
                "max": edges[k + 1],
                "min": edges[k],
                "minutes": int(np.count_nonzero(zones == k)),
                "name": ZONE_NAMES[k],
            }
            for k in range(4)
        ]
        credit = {k: int(np.count_nonzero(zones == k)) * int(ZONE_CREDIT[k]) for k in range(4)}
        item["activeZoneMinutes"] = {
            "minutesInHeartRateZones": [
                {
                    "minuteMultiplier": int(ZONE_CREDIT[k]),
                    "minutes": int(np.count_nonzero(zones == k)),
                    "order": k,
                    "type": AZM_TYPES[k],
                    "zoneName": ZONE_NAMES[k],
                }
                for k in range(4)
            ],
            "totalMinutes": sum(credit[k] for k in AZM_FIELDS),
        }
    return item


def _end(log: ActivityLog) -> str:
    last = min(log.start_minute + log.duration_minutes, MINUTES_PER_DAY) - 1
    return f"{last // 60:02d}:{last % 60:02d}"


def with_logs(summary: DailySummary, arrays: DayArrays | None, logs: list[ActivityLog]) -> DailySummary:
    """The day's summary with its manual logs counted: over each log's interval, the log's calories and distance
    replace what the tracker recorded there (auto-detected logs are the tracker's own minutes: nothing changes)."""
    calories, activity_calories, distance = 0.0, 0.0, 0.0
    for log in logs:
        if log.log_type != "manual":
            continue
        minutes = log_minutes(log)
        tracked_cal = float(arrays.calories[minutes].sum()) if arrays is not None else 0.0
        tracked_km = float(arrays.distance[minutes].sum()) if arrays is not None else 0.0
        calories += log.calories - tracked_cal
        activity_calories += log.calories - tracked_cal
        if log.distance_km is not None:
            distance += log.distance_km - tracked_km
    if not (calories or distance):
        return summary
    return dataclasses.replace(
        summary,
        calories_out=max(0, summary.calories_out + round(calories)),
        activity_calories=max(0, summary.activity_calories + round(activity_calories)),
        distance_km=max(0.0, summary.distance_km + distance),
    )


def logged_distance_km(logs: list[ActivityLog]) -> float:
    return sum(log.distance_km or 0.0 for log in logs if log.log_type == "manual")
