"""Active Zone Minutes: time series by date/period and by range, and intraday by date and by interval
[DOC active-zone-minutes-timeseries/get-azm-timeseries-by-date(-interval), get-azm-intraday-by-date / -interval;
reference §3.5, §4.4; takeout-and-data §5.2].

Intraday uses the *documented* list shape (one entry per day, ``minutes[{minute, value}]``), not the dataset shape
some clients assume (docs/decisions.md). Per-minute zones come from the stored daily summary, so the
15-minute buckets of a day add up to that day's time-series value.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import Summary
from fitbit_local.api.registry import endpoint
from fitbit_local.api.timeseries import (
    DOC_PERIODS,
    MINUTE_DETAILS,
    frame,
    intraday_span,
    iso_minute,
    series_days,
)
from fitbit_local.physiology.azm import azm_buckets
from fitbit_local.physiology.day import NO_ZONE

AZM_RANGE_MAX_DAYS = 1095  # reference §3.5
AZM_INTRADAY_MAX_DAYS = 31  # lenient: the list shape carries a date per day (docs/decisions.md)
U = "/user/{user_id}/activities/active-zone-minutes/date/{date}"
KEY = "activities-active-zone-minutes"


def azm_value(summary: Summary) -> dict[str, int]:
    return {
        "activeZoneMinutes": summary["azm_total"],
        "fatBurnActiveZoneMinutes": summary["azm_fat_burn"],
        "cardioActiveZoneMinutes": summary["azm_cardio"],
        "peakActiveZoneMinutes": summary["azm_peak"],
    }


def azm_time_series(ctx: RequestContext) -> dict[str, Any]:
    """Days without AZM are left out of the list (docs/decisions.md)."""
    days = series_days(ctx, periods=DOC_PERIODS, max_days=AZM_RANGE_MAX_DAYS)
    summaries = frame(ctx).summaries(days)
    return {
        KEY: [
            {"dateTime": d.isoformat(), "value": azm_value(summaries[d])}
            for d in days
            if summaries[d]["azm_total"]
        ]
    }


endpoint("getAzmByDatePeriod", "GET", U + "/{period:tsperiod}.json", scope="activity")(azm_time_series)
endpoint("getAzmByDateRange", "GET", U + "/{end_date}.json", scope="activity")(azm_time_series)


def azm_intraday(ctx: RequestContext) -> dict[str, Any]:
    span = intraday_span(ctx, details=MINUTE_DETAILS, max_days=AZM_INTRADAY_MAX_DAYS)
    summaries = frame(ctx).summaries([w.day for w in span])
    out = []
    for window in span:
        zones = np.frombuffer(base64.b64decode(summaries[window.day]["minute_zones"]), dtype=np.uint8).copy()
        zones[: window.first_minute] = NO_ZONE
        zones[window.last_minute + 1 :] = NO_ZONE
        minutes = [
            {"minute": iso_minute(window.day, m), "value": fields}
            for m, fields in azm_buckets(zones, span.bucket_minutes)
        ]
        out.append({"dateTime": window.day.isoformat(), "minutes": minutes})
    return {KEY + "-intraday": out}


endpoint(
    "getAzmByDateIntraday",
    "GET",
    U + "/1d/{detail}.json",
    U + "/1d/{detail}/time/{start_time}/{end_time}.json",
    U + "/1d/time/{start_time}/{end_time}.json",
    scope="activity",
    intraday=True,
)(azm_intraday)
endpoint(
    "getAzmByIntervalIntraday",
    "GET",
    U + "/{end_date}/{detail}.json",
    U + "/{end_date}/{detail}/time/{start_time}/{end_time}.json",
    scope="activity",
    intraday=True,
)(azm_intraday)
