"""Active Zone Minutes: time series by date/period and by range, and intraday by date and by interval
[DOC active-zone-minutes-timeseries/get-azm-timeseries-by-date(-interval), get-azm-intraday-by-date / -interval;
reference §3.5, §4.4; takeout-and-data §5.2].

Intraday uses the *documented* list shape (one entry per day, ``minutes[{minute, value}]``), not the dataset shape
some clients assume (docs/decisions.md). Per-minute zones come from the stored daily summary, so the
15-minute buckets of a day add up to that day's time-series value.
"""

from __future__ import annotations

from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import frame
from fitbit_local.api.registry import Endpoint
from fitbit_local.api.series_rows import intraday_rows, time_series_rows
from fitbit_local.api.spans import iso_minute
from fitbit_local.physiology.azm import azm_buckets
from fitbit_local.physiology.day import NO_ZONE
from fitbit_local.physiology.summaries import DailySummary

AZM_PERIODS = ("1d", "7d", "30d", "1w", "1m", "3m", "6m", "1y")  # the doc page's list: no "max"
MINUTE_DETAILS = ("1min", "5min", "15min")
AZM_RANGE_MAX_DAYS = 1095  # reference §3.5
AZM_INTRADAY_MAX_DAYS = 31  # lenient: the list shape carries a date per day (docs/decisions.md)
U = "/user/{user_id}/activities/active-zone-minutes/date/{date}"
KEY = "activities-active-zone-minutes"


def azm_value(summary: DailySummary) -> dict[str, int]:
    """``activeZoneMinutes`` and each zone field with credit; zones without credit are left out, as in responses
    recorded in 2025 (Fitbit.NET SampleData/ActiveZoneMinutes.json: ``{"activeZoneMinutes": 8,
    "fatBurnActiveZoneMinutes": 8}``) and as intraday minutes always were."""
    value = {"activeZoneMinutes": summary.azm_total}
    for key, credit in (
        ("fatBurnActiveZoneMinutes", summary.azm_fat_burn),
        ("cardioActiveZoneMinutes", summary.azm_cardio),
        ("peakActiveZoneMinutes", summary.azm_peak),
    ):
        if credit:
            value[key] = credit
    return value


def azm_time_series(ctx: RequestContext) -> dict[str, Any]:
    """Days without AZM are left out of the list (docs/decisions.md)."""
    summaries = frame(ctx).summaries(ctx.days)
    return {
        KEY: [
            {"dateTime": d.isoformat(), "value": azm_value(summaries[d])}
            for d in ctx.days
            if summaries[d].azm_total
        ]
    }


def azm_intraday(ctx: RequestContext) -> dict[str, Any]:
    span = ctx.intraday_span
    summaries = frame(ctx).summaries(span.days)
    out = []
    for window in span:
        zones = summaries[window.day].minute_zones.copy()
        zones[: window.first_minute] = NO_ZONE
        zones[window.last_minute + 1 :] = NO_ZONE
        minutes = [
            {"minute": iso_minute(window.day, m), "value": fields}
            for m, fields in azm_buckets(zones, span.bucket_minutes)
        ]
        out.append({"dateTime": window.day.isoformat(), "minutes": minutes})
    return {KEY + "-intraday": out}


# Zone fields appear only with credit, in the daily value and in intraday minutes alike.
_AZM_VALUE = _AZM_MINUTE_VALUE = schemas.obj(
    {"activeZoneMinutes": schemas.INTEGER},
    {
        "fatBurnActiveZoneMinutes": schemas.INTEGER,
        "cardioActiveZoneMinutes": schemas.INTEGER,
        "peakActiveZoneMinutes": schemas.INTEGER,
    },
)
TIME_SERIES_SCHEMA = schemas.obj({KEY: schemas.day_values(_AZM_VALUE)})
INTRADAY_SCHEMA = schemas.obj(
    {
        KEY + "-intraday": schemas.array(
            schemas.obj(
                {
                    "dateTime": schemas.DATE,
                    "minutes": schemas.array(
                        schemas.obj({"minute": schemas.DATE_TIME, "value": _AZM_MINUTE_VALUE})
                    ),
                }
            )
        )
    }
)
ROWS: tuple[Endpoint, ...] = (
    *time_series_rows(
        U,
        names=("getAzmByDatePeriod", "getAzmByDateRange"),
        summaries=("Get AZM Time Series by Date", "Get AZM Time Series by Interval"),
        handler=azm_time_series,
        periods=AZM_PERIODS,
        scope="activity",
        response=TIME_SERIES_SCHEMA,
        max_range_days=AZM_RANGE_MAX_DAYS,
    ),
    *intraday_rows(
        U,
        names=("getAzmByDateIntraday", "getAzmByIntervalIntraday"),
        summaries=("Get AZM Intraday by Date", "Get AZM Intraday by Interval"),
        handler=azm_intraday,
        swagger_window_form=True,
        scope="activity",
        response=INTRADAY_SCHEMA,
        detail_levels=MINUTE_DETAILS,
        max_range_days=AZM_INTRADAY_MAX_DAYS,
    ),
)
