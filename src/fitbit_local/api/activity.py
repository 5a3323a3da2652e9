"""Activity family: the daily activity summary, the activity time series (and their ``tracker/`` variants) and
activity intraday [DOC activity/get-daily-activity-summary, get-activity-timeseries-by-date(-range),
get-activity-intraday-by-date / -by-interval; reference §3.3, §3.4, §4.1-4.3].

Every resource is a row of `activity_resources.RESOURCES`; the handlers below are shared by all of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fitbit_local.api.activity_resources import INTRADAY_RESOURCES, RESOURCES, ActivityResource
from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import parse_date
from fitbit_local.api.registry import endpoint
from fitbit_local.api.timeseries import (
    ALL_PERIODS,
    MINUTE_DETAILS,
    bucket_labels,
    clock,
    frame,
    intraday_span,
    series_days,
)
from fitbit_local.errors import FitbitError
from fitbit_local.physiology.activity_levels import activity_level

ACTIVITY_RANGE_MAX_DAYS = 1095  # reference §3.3: the Resource Options table
ZONE_KEYS = ("caloriesOut", "max", "min", "minutes", "name")

# Fitbit's default goals until the goals endpoints land (distance: 5 miles = 8.05 km) [DOC example].
DEFAULT_GOALS = {
    "activeMinutes": 30,
    "caloriesOut": 2500,
    "distance_km": 8.04672,
    "floors": 10,
    "steps": 10000,
}

U = "/user/{user_id}/activities"
TS = "/{resource:activityresource}/date/{date}"
TRACKER = "/tracker/{resource}/date/{date}"


def heart_rate_zones(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The classic four zones: Out of Range, Fat Burn, Cardio, Peak with shared bounds [reference §4.5]."""
    return [
        {
            "caloriesOut": round(z["calories_out"], 5),
            "max": z["max"],
            "min": z["min"],
            "minutes": z["minutes"],
            "name": z["name"],
        }
        for z in summary["zones"]
    ]


def _resource(ctx: RequestContext, table: dict[str, ActivityResource]) -> ActivityResource:
    resource = table.get(ctx.path["resource"])
    if resource is None:
        raise FitbitError("validation_resource_path")
    return resource


# --- daily summary -------------------------------------------------------------------------------------------


@endpoint("getActivitiesByDate", "GET", U + "/date/{date}.json", scope="activity")
def get_daily_summary(ctx: RequestContext) -> dict[str, Any]:
    day = parse_date(ctx.path["date"], today=ctx.today)
    days = frame(ctx)
    s = days.summary(day)
    units = ctx.units
    sedentary, lightly, moderately, very = s["distance_by_level_km"]
    split = {
        "veryActive": very,
        "moderatelyActive": moderately,
        "lightlyActive": lightly,
        "sedentaryActive": sedentary,
    }
    total = round(units.distance(s["distance_km"]), 2)
    distances = [
        {"activity": "total", "distance": total},
        {"activity": "tracker", "distance": total},
        {"activity": "loggedActivities", "distance": 0},
    ]
    distances += [{"activity": k, "distance": round(units.distance(v), 2)} for k, v in split.items()]
    active = s["lightly_active_minutes"] + s["fairly_active_minutes"] + s["very_active_minutes"]
    marginal = max(0, round(s["activity_calories"] - s["calories_bmr"] / 1440 * active))
    summary: dict[str, Any] = {
        "activeScore": -1,
        "activityCalories": s["activity_calories"],
        "caloriesBMR": s["calories_bmr"],
        "caloriesOut": s["calories_out"],
        "caloriesOutUnestimated": s["calories_out"],
        "distances": distances,
        "elevation": round(units.elevation(s["elevation_m"]), 2),
        "fairlyActiveMinutes": s["fairly_active_minutes"],
        "floors": s["floors"],
        "heartRateZones": heart_rate_zones(s),
        "lightlyActiveMinutes": s["lightly_active_minutes"],
        "marginalCalories": marginal,
        "sedentaryMinutes": s["sedentary_minutes"],
        "steps": s["steps"],
        "useEstimation": True,
        "veryActiveMinutes": s["very_active_minutes"],
    }
    if s.get("resting_heart_rate") is not None:
        summary["restingHeartRate"] = s["resting_heart_rate"]
    goals = {
        "activeMinutes": DEFAULT_GOALS["activeMinutes"],
        "caloriesOut": DEFAULT_GOALS["caloriesOut"],
        "distance": round(units.distance(DEFAULT_GOALS["distance_km"]), 2),
        "floors": DEFAULT_GOALS["floors"],
        "steps": DEFAULT_GOALS["steps"],
    }
    return {"activities": [], "goals": goals, "summary": summary}


# --- time series -----------------------------------------------------------------------------------------------


def activity_time_series(ctx: RequestContext) -> dict[str, Any]:
    """Every resource, by period or by range, tracker or all-sources: one string value per day, zero-filled."""
    resource = _resource(ctx, RESOURCES)
    days = series_days(ctx, periods=ctx.endpoint.options["periods"], max_days=ACTIVITY_RANGE_MAX_DAYS)
    summaries = frame(ctx).summaries(days)
    key = ("activities-tracker-" if ctx.endpoint.options["tracker"] else "activities-") + resource.name
    return {
        key: [
            {"dateTime": d.isoformat(), "value": resource.daily_value(summaries[d], ctx.units)} for d in days
        ]
    }


for _tracker, _prefix, _suffix in ((False, TS, ""), (True, TRACKER, "Tracker")):
    endpoint(
        f"getActivities{_suffix}ResourceByDatePeriod",
        "GET",
        U + _prefix + "/{period:tsperiod}.json",
        scope="activity",
        tracker=_tracker,
        periods=ALL_PERIODS,
    )(activity_time_series)
    endpoint(
        f"getActivities{_suffix}ResourceByDateRange",
        "GET",
        U + _prefix + "/{end_date}.json",
        scope="activity",
        tracker=_tracker,
        periods=ALL_PERIODS,
    )(activity_time_series)


# --- intraday ----------------------------------------------------------------------------------------------------


def activity_intraday(ctx: RequestContext) -> dict[str, Any]:
    resource = _resource(ctx, INTRADAY_RESOURCES)
    span = intraday_span(ctx, details=MINUTE_DETAILS, max_days=None)
    days = frame(ctx)
    n = span.bucket_minutes
    summary_rows: list[dict[str, str]] = []
    dataset: list[dict[str, Any]] = []
    for window in span:
        arrays = days.arrays(window.day)
        minutes = None
        if arrays is not None and hasattr(arrays, resource.array or ""):
            minutes = getattr(arrays, resource.array or "").astype(np.float64)
        lo, hi = window.first_minute, window.last_minute + 1
        inside = np.zeros(1440, dtype=np.float64)
        if minutes is not None:
            inside[lo:hi] = minutes[lo:hi]
        summary_rows.append(
            {"dateTime": window.day.isoformat(), "value": resource.window_total(inside[lo:hi], ctx.units)}
        )
        labels = bucket_labels(window, n)
        sums = inside.reshape(-1, n).sum(axis=1)[[m // n for m in labels]]
        values = resource.intraday_values(sums, ctx.units)
        if resource.name == "calories":
            mets = arrays.mets if arrays is not None else np.zeros(1440, dtype=np.float32)
            mets_b = mets.astype(np.float64).reshape(-1, n).mean(axis=1)[[m // n for m in labels]]
            level_b = activity_level(mets).reshape(-1, n).max(axis=1)[[m // n for m in labels]]
            dataset += [
                {"level": int(lv), "mets": int(round(me * 10)), "time": clock(m), "value": v}
                for m, v, lv, me in zip(labels, values, level_b.tolist(), mets_b.tolist(), strict=True)
            ]
        else:
            dataset += [{"time": clock(m), "value": v} for m, v in zip(labels, values, strict=True)]
    key = "activities-" + resource.name
    intraday = {
        "dataset": dataset,
        "datasetInterval": span.dataset_interval,
        "datasetType": span.dataset_type,
    }
    return {key: summary_rows, key + "-intraday": intraday}


endpoint(
    "getActivitiesResourceByDateIntraday",
    "GET",
    U + TS + "/1d/{detail}.json",
    U + TS + "/1d/{detail}/time/{start_time}/{end_time}.json",
    U + TS + "/1d/time/{start_time}/{end_time}.json",  # Fitbit.NET's legacy form: no detail level → 1min
    scope="activity",
    intraday=True,
)(activity_intraday)
endpoint(
    "getActivitiesResourceByIntervalIntraday",
    "GET",
    U + TS + "/{end_date}/{detail}.json",
    U + TS + "/{end_date}/{detail}/time/{start_time}/{end_time}.json",
    scope="activity",
    intraday=True,
)(activity_intraday)
