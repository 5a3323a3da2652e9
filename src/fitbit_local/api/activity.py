"""Activity family: the daily activity summary, the activity time series (and their ``tracker/`` variants) and
activity intraday [DOC activity/get-daily-activity-summary, get-activity-timeseries-by-date(-range),
get-activity-intraday-by-date / -by-interval; reference §3.3, §3.4, §4.1-4.3].

Every resource is a row of `activity_resources.RESOURCES`; the handlers below are shared by all of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fitbit_local.api import schemas
from fitbit_local.api.activity_log_views import logged_distance_km, summary_item, with_logs
from fitbit_local.api.activity_logs import LOG_ITEM_SCHEMA, favorites, logs_on_days
from fitbit_local.api.activity_resources import INTRADAY_RESOURCES, RESOURCES, ActivityResource
from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import frame
from fitbit_local.api.goals import render_goals
from fitbit_local.api.params import (
    DATE,
    RESOURCE,
    TIMEZONE_UTC,
)
from fitbit_local.api.registry import PERIODS, Endpoint
from fitbit_local.api.series_rows import intraday_rows, time_series_rows
from fitbit_local.api.spans import bucket_labels, hh_mm_ss
from fitbit_local.physiology.activity_levels import activity_level
from fitbit_local.physiology.summaries import DailySummary, HeartRateZoneSummary

ACTIVITY_RANGE_MAX_DAYS = 1095  # reference §3.3: the Resource Options table, as every client implements it
MINUTE_DETAILS = ("1min", "5min", "15min")


U = "/user/{user_id}/activities"
TS = "/{resource:activityresource}/date/{date}"
TRACKER = "/tracker/{resource}/date/{date}"


def json_number(value: float, places: int) -> float | int:
    """A rounded number as Fitbit wrote it in JSON bodies: a zero as ``0``, not ``0.0`` [DOC daily summary
    example: ``"elevation": 0``, ``"caloriesOut": 0``; Fitbit.NET's recorded GetActivities.json (2017):
    ``{"activity": "sedentaryActive", "distance": 0}`` beside ``"distance": 0.57``]."""
    rounded = round(value, places)
    return rounded if rounded else 0


def heart_rate_zones_json(zones: tuple[HeartRateZoneSummary, ...]) -> list[dict[str, Any]]:
    """The classic four zones: Out of Range, Fat Burn, Cardio, Peak with shared bounds [reference §4.5]."""
    return [
        {
            "caloriesOut": json_number(z.calories_out, 5),
            "max": z.max,
            "min": z.min,
            "minutes": z.minutes,
            "name": z.name,
        }
        for z in zones
    ]


# --- daily summary -------------------------------------------------------------------------------------------


def get_daily_summary(ctx: RequestContext) -> dict[str, Any]:
    """The tracker's day with the day's activity logs (``activities[]``; manual logs' calories and distance
    replace the tracker's over their interval) and the user's daily goals."""
    days = frame(ctx)
    logs = [] if ctx.utc_requested else logs_on_days(ctx, ctx.day, ctx.day)
    s: DailySummary = days.summary(ctx.day)
    tracker_km = s.distance_km
    if logs:
        s = with_logs(s, days.arrays(ctx.day), logs)
    units = ctx.units
    sedentary, lightly, moderately, very = s.distance_by_level_km
    split = {
        "veryActive": very,
        "moderatelyActive": moderately,
        "lightlyActive": lightly,
        "sedentaryActive": sedentary,
    }
    distances = [
        {"activity": "total", "distance": json_number(units.distance(s.distance_km), 2)},
        {"activity": "tracker", "distance": json_number(units.distance(tracker_km), 2)},
        {
            "activity": "loggedActivities",
            "distance": json_number(units.distance(logged_distance_km(logs)), 2),
        },
    ]
    distances += [{"activity": k, "distance": json_number(units.distance(v), 2)} for k, v in split.items()]
    active = s.lightly_active_minutes + s.fairly_active_minutes + s.very_active_minutes
    marginal = max(0, round(s.activity_calories - s.calories_bmr / 1440 * active))
    summary: dict[str, Any] = {
        "activeScore": -1,
        "activityCalories": s.activity_calories,
        # [UNVERIFIED] meaning: the doc example's 2241 sits between BMR and caloriesOut. Typed clients declare it
        # a required int (Dart, Go, Java models), so it is sent: our estimate is the measured total.
        "calorieEstimationMu": s.calories_out,
        "caloriesBMR": s.calories_bmr,
        "caloriesOut": s.calories_out,
        "caloriesOutUnestimated": s.calories_out,
        "distances": distances,
        "elevation": json_number(units.elevation(s.elevation_m), 2),
        "fairlyActiveMinutes": s.fairly_active_minutes,
        "floors": s.floors,
        "heartRateZones": heart_rate_zones_json(s.zones),
        "lightlyActiveMinutes": s.lightly_active_minutes,
        "marginalCalories": marginal,
        "sedentaryMinutes": s.sedentary_minutes,
        "steps": s.steps,
        "useEstimation": True,
        "veryActiveMinutes": s.very_active_minutes,
    }
    if s.resting_heart_rate is not None:
        summary["restingHeartRate"] = s.resting_heart_rate
    goals = {k: v for k, v in render_goals(ctx, "daily").items() if k != "activeZoneMinutes"}
    starred = favorites(ctx) if logs else set()
    return {
        "activities": [summary_item(ctx, log, starred) for log in logs],
        "goals": goals,
        "summary": summary,
    }


# --- time series -----------------------------------------------------------------------------------------------


def activity_time_series(ctx: RequestContext) -> dict[str, Any]:
    """Every resource, by period or by range, tracker or all-sources: one string value per day, zero-filled."""
    resource: ActivityResource = ctx.args["resource"]
    days = frame(ctx)
    summaries = days.summaries(ctx.days)
    key = ctx.endpoint.options["key_prefix"] + resource.name
    if key.startswith("activities-") and not key.startswith("activities-tracker-") and not ctx.utc_requested:
        for log_day, logs in _manual_logs_by_day(ctx).items():  # all sources: the manual logs count
            summaries[log_day] = with_logs(summaries[log_day], days.arrays(log_day), logs)
    return {
        key: [
            {"dateTime": d.isoformat(), "value": resource.daily_value(summaries[d], ctx.units)}
            for d in ctx.days
        ]
    }


def _manual_logs_by_day(ctx: RequestContext) -> dict[Any, list[Any]]:
    by_day: dict[Any, list[Any]] = {}
    for log in logs_on_days(ctx, ctx.days[0], ctx.days[-1]):
        if log.log_type == "manual":
            by_day.setdefault(log.day, []).append(log)
    return by_day


# --- intraday ----------------------------------------------------------------------------------------------------


def activity_intraday(ctx: RequestContext) -> dict[str, Any]:
    resource: ActivityResource = ctx.args["resource"]
    span = ctx.intraday_span
    days = frame(ctx)
    n = span.bucket_minutes
    summary_rows: list[dict[str, str]] = []
    dataset: list[dict[str, Any]] = []
    for window in ctx.intraday_span:
        arrays = days.arrays(window.day)
        lo, hi = window.first_minute, window.last_minute + 1
        inside = np.zeros(1440, dtype=np.float64)
        if arrays is not None and resource.array is not None:
            inside[lo:hi] = getattr(arrays, resource.array)[lo:hi]
        summary_rows.append(
            {"dateTime": window.day.isoformat(), "value": resource.window_total(inside[lo:hi], ctx.units)}
        )
        labels = bucket_labels(window, n)
        buckets = [m // n for m in labels]
        values = resource.intraday_values(inside.reshape(-1, n).sum(axis=1)[buckets], ctx.units)
        if resource.dataset_levels:
            mets = arrays.mets if arrays is not None else np.zeros(1440, dtype=np.float32)
            mets_b = mets.astype(np.float64).reshape(-1, n).mean(axis=1)[buckets]
            level_b = activity_level(mets).reshape(-1, n).max(axis=1)[buckets]
            dataset += [
                {"level": int(lv), "mets": int(round(me * 10)), "time": hh_mm_ss(m), "value": v}
                for m, v, lv, me in zip(labels, values, level_b.tolist(), mets_b.tolist(), strict=True)
            ]
        else:
            dataset += [{"time": hh_mm_ss(m), "value": v} for m, v in zip(labels, values, strict=True)]
    key = "activities-" + resource.name
    intraday = {
        "dataset": dataset,
        "datasetInterval": span.dataset_interval,
        "datasetType": span.dataset_type,
    }
    return {key: summary_rows, key + "-intraday": intraday}


# --- rows ----------------------------------------------------------------------------------------------------------

_DISTANCE = schemas.obj({"activity": schemas.STRING, "distance": schemas.NUMBER})
DAILY_SUMMARY_SCHEMA = schemas.obj(
    {
        "activities": schemas.array(LOG_ITEM_SCHEMA),
        "goals": schemas.obj(
            {
                "activeMinutes": schemas.INTEGER,
                "caloriesOut": schemas.INTEGER,
                "distance": schemas.NUMBER,
                "floors": schemas.INTEGER,
                "steps": schemas.INTEGER,
            }
        ),
        "summary": schemas.obj(
            {
                "activeScore": schemas.INTEGER,
                "activityCalories": schemas.INTEGER,
                "calorieEstimationMu": schemas.INTEGER,
                "caloriesBMR": schemas.INTEGER,
                "caloriesOut": schemas.INTEGER,
                "caloriesOutUnestimated": schemas.INTEGER,
                "distances": schemas.array(_DISTANCE),
                "elevation": schemas.NUMBER,
                "fairlyActiveMinutes": schemas.INTEGER,
                "floors": schemas.INTEGER,
                "heartRateZones": schemas.array(schemas.HEART_RATE_ZONE),
                "lightlyActiveMinutes": schemas.INTEGER,
                "marginalCalories": schemas.INTEGER,
                "sedentaryMinutes": schemas.INTEGER,
                "steps": schemas.INTEGER,
                "useEstimation": schemas.BOOLEAN,
                "veryActiveMinutes": schemas.INTEGER,
            },
            {"restingHeartRate": schemas.INTEGER},
        ),
    }
)
_RESOURCE_NAMES = "(" + "|".join(RESOURCES) + ")"
_INTRADAY_NAMES = "(" + "|".join(INTRADAY_RESOURCES) + ")"
_INTRADAY_POINT = {
    "anyOf": [
        schemas.obj({"time": schemas.TIME, "value": schemas.NUMBER}),
        schemas.obj(
            {"level": schemas.INTEGER, "mets": schemas.INTEGER, "time": schemas.TIME, "value": schemas.NUMBER}
        ),
    ]
}
INTRADAY_SCHEMA = schemas.keys_matching(
    {
        f"^activities-{_INTRADAY_NAMES}$": schemas.day_values(schemas.NUMBER_STRING),
        f"^activities-{_INTRADAY_NAMES}-intraday$": schemas.intraday_dataset(_INTRADAY_POINT),
    },
    2,
)


def _time_series_rows(base: str, kind: str, key_prefix: str, summary: str) -> tuple[Endpoint, ...]:
    return time_series_rows(
        U + base,
        names=(f"getActivities{kind}ByDatePeriod", f"getActivities{kind}ByDateRange"),
        summaries=(f"{summary} by Date", f"{summary} by Date Range"),
        handler=activity_time_series,
        periods=PERIODS,
        lead=(RESOURCE,),
        scope="activity",
        response=schemas.one_key(
            f"^{key_prefix}{_RESOURCE_NAMES}$", schemas.day_values(schemas.NUMBER_STRING)
        ),
        max_range_days=ACTIVITY_RANGE_MAX_DAYS,
        resources=RESOURCES,
        options={"key_prefix": key_prefix},
    )


ROWS: tuple[Endpoint, ...] = (
    Endpoint(
        "getActivitiesByDate",
        "GET",
        (U + "/date/{date}.json",),
        get_daily_summary,
        scope="activity",
        response=DAILY_SUMMARY_SCHEMA,
        summary="Get Daily Activity Summary",
        path_params=(DATE,),
        query=(TIMEZONE_UTC,),
    ),
    *_time_series_rows(TS, "Resource", "activities-", "Get Activity Time Series"),
    *_time_series_rows(
        TRACKER, "TrackerResource", "activities-tracker-", "Get Tracker-only Activity Time Series"
    ),
    *intraday_rows(
        U + TS,
        names=("getActivitiesResourceByDateIntraday", "getActivitiesResourceByIntervalIntraday"),
        summaries=("Get Activity Intraday by Date", "Get Activity Intraday by Interval"),
        handler=activity_intraday,
        lead=(RESOURCE,),
        scope="activity",
        response=INTRADAY_SCHEMA,
        detail_levels=MINUTE_DETAILS,
        max_range_days=None,  # 24 hours [DOC]
        resources=INTRADAY_RESOURCES,
    ),
)
