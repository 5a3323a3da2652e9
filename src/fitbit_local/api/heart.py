"""Heart-rate family: time series by date/period and by range, and intraday at 1sec/1min/5min/15min
[DOC heartrate-timeseries/get-heartrate-timeseries-by-date(-range), get-heartrate-intraday-by-date / -by-interval;
reference §3.6, §4.5].

The 1-second day (up to 86,400 points) is written straight to JSON bytes from the stored uint8 array: one
pre-rendered ``{"time":"HH:MM:SS","value":`` prefix per second of the day and one rendered value per bpm, joined
once. Minute buckets are the rounded (half up) mean of the readings in the bucket; buckets and seconds without a
reading are left out, as Fitbit did.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import orjson
from starlette.responses import Response

from fitbit_local.api.activity import heart_rate_zones
from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import Summary
from fitbit_local.api.pipeline import JSON_MEDIA_TYPE
from fitbit_local.api.registry import endpoint
from fitbit_local.api.timeseries import (
    HEART_DETAILS,
    HEART_PERIODS,
    DayWindow,
    frame,
    intraday_span,
    series_days,
)

HEART_RANGE_MAX_DAYS = 366  # "max range 1 year" [DOC]: a leap year's 366 days fit
U = "/user/{user_id}/activities/heart/date/{date}"
_PLACEHOLDER = "\u0000dataset\u0000"


def heart_value(summary: Summary) -> dict[str, Any]:
    value: dict[str, Any] = {"customHeartRateZones": [], "heartRateZones": heart_rate_zones(summary)}
    if summary.get("resting_heart_rate") is not None:  # absent on days without enough data [DOC]
        value["restingHeartRate"] = summary["resting_heart_rate"]
    return value


def heart_time_series(ctx: RequestContext) -> dict[str, Any]:
    days = series_days(ctx, periods=HEART_PERIODS, max_days=HEART_RANGE_MAX_DAYS)
    summaries = frame(ctx).summaries(days)
    return {"activities-heart": [{"dateTime": d.isoformat(), "value": heart_value(summaries[d])} for d in days]}


endpoint("getHeartByDatePeriod", "GET", U + "/{period:tsperiod}.json", scope="heartrate")(heart_time_series)
endpoint("getHeartByDateRange", "GET", U + "/{end_date}.json", scope="heartrate")(heart_time_series)


@lru_cache(maxsize=1)
def _second_prefixes() -> list[bytes]:
    return [
        f'{{"time":"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}","value":'.encode() for s in range(86_400)
    ]


_VALUES = [f"{v}}}".encode() for v in range(256)]


def dataset_json(seconds: list[int], values: list[int]) -> bytes:
    """``[{"time":…,"value":…},…]`` for seconds of the day and bpm values, without per-point Python dicts."""
    prefixes = _second_prefixes()
    return b"[" + b",".join([prefixes[s] + _VALUES[v] for s, v in zip(seconds, values, strict=True)]) + b"]"


def heart_points(heart: np.ndarray, window: DayWindow, bucket_seconds: int) -> tuple[list[int], list[int]]:
    """(second-of-day labels, bpm) of the window: every second with a reading, or bucket means."""
    lo, hi = window.first_second, window.last_second + 1
    if bucket_seconds == 1:
        inside = heart[lo:hi]
        idx = np.flatnonzero(inside)
        return (idx + lo).tolist(), inside[idx].tolist()
    masked = np.zeros(86_400, dtype=np.int64)
    masked[lo:hi] = heart[lo:hi]
    per_bucket = masked.reshape(-1, bucket_seconds)
    totals = per_bucket.sum(axis=1)
    counts = np.count_nonzero(per_bucket, axis=1)
    buckets = np.flatnonzero(counts)
    means = (2 * totals[buckets] + counts[buckets]) // (2 * counts[buckets])  # rounded half up, exact
    return (buckets * bucket_seconds).tolist(), means.tolist()


def heart_intraday(ctx: RequestContext) -> Response:
    span = intraday_span(ctx, details=HEART_DETAILS, max_days=None)
    days = frame(ctx)
    bucket_seconds = 1 if span.detail == "1sec" else span.bucket_minutes * 60
    summaries = days.summaries([w.day for w in span])
    labels: list[int] = []
    values: list[int] = []
    for window in span:
        arrays = days.arrays(window.day)
        if arrays is None:
            continue
        more_labels, more_values = heart_points(arrays.heart, window, bucket_seconds)
        labels += more_labels
        values += more_values
    body = {
        "activities-heart": [{"dateTime": w.day.isoformat(), "value": heart_value(summaries[w.day])} for w in span],
        "activities-heart-intraday": {
            "dataset": _PLACEHOLDER,
            "datasetInterval": span.dataset_interval,
            "datasetType": span.dataset_type,
        },
    }
    raw = orjson.dumps(body).replace(orjson.dumps(_PLACEHOLDER), dataset_json(labels, values), 1)
    return Response(raw, media_type=JSON_MEDIA_TYPE)


endpoint(
    "getHeartByDateIntraday", "GET",
    U + "/1d/{detail}.json",
    U + "/1d/{detail}/time/{start_time}/{end_time}.json",
    U + "/1d/time/{start_time}/{end_time}.json",  # Fitbit.NET's legacy form: no detail level → 1min
    scope="heartrate", intraday=True,
)(heart_intraday)
endpoint(
    "getHeartByIntervalIntraday", "GET",
    U + "/{end_date}/{detail}.json",
    U + "/{end_date}/{detail}/time/{start_time}/{end_time}.json",
    scope="heartrate", intraday=True,
)(heart_intraday)
