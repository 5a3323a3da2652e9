"""Heart-rate family: time series by date/period and by range, and intraday at 1sec/1min/5min/15min
[DOC heartrate-timeseries/get-heartrate-timeseries-by-date(-range), get-heartrate-intraday-by-date / -by-interval;
reference §3.6, §4.5].

The 1-second day (up to 86,400 points) is written straight to JSON bytes from the stored uint8 array as one
numpy byte matrix (pre-rendered ``{"time":"HH:MM:SS","value":`` rows plus digit columns), never as Python dicts. Minute buckets are the rounded (half up) mean of the readings in the bucket; buckets and seconds without a
reading are left out, as Fitbit did.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np
import orjson
from starlette.responses import Response

from fitbit_local.api import schemas
from fitbit_local.api.activity import heart_rate_zones_json
from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import frame
from fitbit_local.api.registry import Endpoint
from fitbit_local.api.series_rows import intraday_rows, time_series_rows
from fitbit_local.api.spans import DayWindow
from fitbit_local.edge import JSON_MEDIA_TYPE
from fitbit_local.physiology.day import DayArrays
from fitbit_local.physiology.summaries import DailySummary, zone_summaries

HEART_PERIODS = ("1d", "7d", "30d", "1w", "1m")  # only these [DOC get-heartrate-timeseries-by-date]
HEART_DETAILS = ("1sec", "1min", "5min", "15min")
HEART_RANGE_MAX_DAYS = 366  # "max range 1 year" [DOC]: a leap year's 366 days fit
U = "/user/{user_id}/activities/heart/date/{date}"
_PLACEHOLDER = "\u0000dataset\u0000"


def heart_value(summary: DailySummary) -> dict[str, Any]:
    value: dict[str, Any] = {
        "customHeartRateZones": [],
        "heartRateZones": heart_rate_zones_json(summary.zones),
    }
    if summary.resting_heart_rate is not None:  # absent on days without enough data [DOC]
        value["restingHeartRate"] = summary.resting_heart_rate
    return value


def heart_time_series(ctx: RequestContext) -> dict[str, Any]:
    summaries = frame(ctx).summaries(ctx.days)
    return {
        "activities-heart": [
            {"dateTime": d.isoformat(), "value": heart_value(summaries[d])} for d in ctx.days
        ]
    }


@lru_cache(maxsize=1)
def _second_rows() -> np.ndarray:
    """Row s holds the 32 bytes ``,{"time":"HH:MM:SS","value":DDD}`` for second s of the day (digits to fill)."""
    text = "".join(
        f',{{"time":"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}","value":000}}' for s in range(86_400)
    )
    rows = np.frombuffer(text.encode(), dtype=np.uint8).reshape(86_400, _ROW)
    rows.flags.writeable = False
    return rows


_ROW = 32
_DIGITS = 28  # columns 28, 29, 30 hold the hundreds, tens and units of the value
_POOL_SIZE = 4
_pool: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
_pool_lock = threading.Lock()


@contextmanager
def _scratch(n: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(points, keep, out) work arrays for n points. A day's worth is reused across requests: fresh multi-megabyte
    arrays cost more in page faults than the rendering itself."""
    capacity = 86_400 + 3_600  # an interval request covers at most 24 hours and a minute, a DST day 25 hours
    if n > capacity:
        yield np.empty((n, _ROW), np.uint8), np.empty((n, _ROW), bool), np.empty(n * _ROW, np.uint8)
        return
    with _pool_lock:
        arrays = _pool.pop() if _pool else None
    if arrays is None:
        arrays = (
            np.empty((capacity, _ROW), np.uint8),
            np.empty((capacity, _ROW), bool),
            np.empty(capacity * _ROW, np.uint8),
        )
    try:
        yield arrays[0][:n], arrays[1][:n], arrays[2]
    finally:
        with _pool_lock:
            if len(_pool) < _POOL_SIZE:
                _pool.append(arrays)


def dataset_json(seconds: np.ndarray, values: np.ndarray) -> bytes:
    """``[{"time":…,"value":…},…]`` for seconds of the day and bpm values (1–255); byte for byte what
    ``orjson.dumps`` gives for the same list of dicts.

    Each point is its pre-rendered row with the three digits of its value filled in; a mask drops each value's
    leading zeros, and one selection turns the matrix into the JSON text (the first row's comma becomes ``[``).
    """
    n = len(seconds)
    if n == 0:
        return b"[]"
    v = np.asarray(values, dtype=np.uint8)
    with _scratch(n) as (points, keep, out):
        np.take(_second_rows(), np.asarray(seconds, dtype=np.intp), axis=0, out=points, mode="clip")
        points[0, 0] = ord("[")
        np.add(v // 100, 48, out=points[:, _DIGITS])
        np.add(v // 10 % 10, 48, out=points[:, _DIGITS + 1])
        np.add(v % 10, 48, out=points[:, _DIGITS + 2])
        keep.fill(True)
        np.greater_equal(v, 100, out=keep[:, _DIGITS])
        np.greater_equal(v, 10, out=keep[:, _DIGITS + 1])
        size = n * _ROW - int(np.count_nonzero(v < 100)) - int(np.count_nonzero(v < 10))
        text = out[:size]
        np.compress(keep.reshape(-1), points.reshape(-1), out=text)
        return b"".join((text.data, b"]"))


def heart_points(heart: np.ndarray, window: DayWindow, bucket_seconds: int) -> tuple[np.ndarray, np.ndarray]:
    """(second-of-day labels, bpm) of the window: every second with a reading, or bucket means."""
    lo, hi = window.first_second, window.last_second + 1
    if bucket_seconds == 1:
        inside = heart[lo:hi]
        idx = np.flatnonzero(inside)
        return idx + lo, inside[idx]
    masked = np.zeros(86_400, dtype=np.int64)
    masked[lo:hi] = heart[lo:hi]
    per_bucket = masked.reshape(-1, bucket_seconds)
    totals = per_bucket.sum(axis=1)
    counts = np.count_nonzero(per_bucket, axis=1)
    buckets = np.flatnonzero(counts)
    means = (2 * totals[buckets] + counts[buckets]) // (2 * counts[buckets])  # rounded half up, exact
    return buckets * bucket_seconds, means


def window_entry(
    summary: DailySummary, arrays: DayArrays | None, window: DayWindow, values: np.ndarray
) -> dict[str, Any]:
    """The ``activities-heart`` entry of a request with a ``/time/`` window: flat, with the zones of the window's
    minutes and ``value`` the mean of the window's dataset values as a string [DOC example of the windowed call:
    ``{"customHeartRateZones", "dateTime", "heartRateZones": [… "minutes": 2 …], "value": "64.2"}``; Fitbit.NET's
    recorded ``GetHeartRateIntradayTimeSeries1.1.json`` (window 00:00:00–23:59:59): ``"value": "55.44"``, which
    its ``IntradayActivitiesHeart.Value`` reads as a double]."""
    lo, hi = window.first_minute, window.last_minute + 1
    calories = arrays.calories[lo:hi] if arrays is not None else np.zeros(max(0, hi - lo), dtype=np.float32)
    zones = zone_summaries(summary.minute_zones[lo:hi], calories.astype(np.float64), summary.zone_bounds)
    mean = float(values.mean()) if len(values) else 0.0
    return {
        "customHeartRateZones": [],
        "dateTime": window.day.isoformat(),
        "heartRateZones": heart_rate_zones_json(zones),
        "value": str(round(mean, 2)),
    }


def heart_intraday(ctx: RequestContext) -> Response:
    """Without a window each day's entry is nested as in the time series; with one it is flat (`window_entry`)."""
    span = ctx.intraday_span
    days = frame(ctx)
    bucket_seconds = span.bucket_seconds
    summaries = days.summaries(span.days)
    labels: list[np.ndarray] = []
    values: list[np.ndarray] = []
    entries: list[dict[str, Any]] = []
    for window in span:
        arrays = days.arrays(window.day)
        if arrays is None:
            day_labels, day_values = np.empty(0, dtype=np.intp), np.empty(0, dtype=np.uint8)
        else:
            day_labels, day_values = heart_points(arrays.heart, window, bucket_seconds)
        labels.append(day_labels)
        values.append(day_values)
        summary = summaries[window.day]
        if span.windowed:
            entries.append(window_entry(summary, arrays, window, day_values))
        else:
            entries.append({"dateTime": window.day.isoformat(), "value": heart_value(summary)})
    body = {
        "activities-heart": entries,
        "activities-heart-intraday": {
            "dataset": _PLACEHOLDER,
            "datasetInterval": span.dataset_interval,
            "datasetType": span.dataset_type,
        },
    }
    raw = orjson.dumps(body).replace(
        orjson.dumps(_PLACEHOLDER),
        dataset_json(
            np.concatenate(labels) if labels else np.empty(0, dtype=np.intp),
            np.concatenate(values) if values else np.empty(0, dtype=np.uint8),
        ),
        1,
    )
    return Response(raw, media_type=JSON_MEDIA_TYPE)


_HEART_VALUE = schemas.obj(
    {
        "customHeartRateZones": schemas.array(schemas.HEART_RATE_ZONE),
        "heartRateZones": schemas.array(schemas.HEART_RATE_ZONE),
    },
    {"restingHeartRate": schemas.INTEGER},
)
TIME_SERIES_SCHEMA = schemas.obj({"activities-heart": schemas.day_values(_HEART_VALUE)})
# With a /time/ window the entry is flat: the window's zones and its mean bpm as a string (window_entry).
_WINDOW_ENTRY = schemas.obj(
    {
        "customHeartRateZones": schemas.array(schemas.HEART_RATE_ZONE),
        "dateTime": schemas.DATE,
        "heartRateZones": schemas.array(schemas.HEART_RATE_ZONE),
        "value": schemas.NUMBER_STRING,
    }
)
INTRADAY_SCHEMA = schemas.obj(
    {
        "activities-heart": {"anyOf": [schemas.day_values(_HEART_VALUE), schemas.array(_WINDOW_ENTRY)]},
        "activities-heart-intraday": schemas.intraday_dataset(
            schemas.obj({"time": schemas.TIME, "value": schemas.INTEGER})
        ),
    }
)
ROWS: tuple[Endpoint, ...] = (
    *time_series_rows(
        U,
        names=("getHeartByDatePeriod", "getHeartByDateRange"),
        summaries=("Get Heart Rate Time Series by Date", "Get Heart Rate Time Series by Date Range"),
        handler=heart_time_series,
        periods=HEART_PERIODS,
        scope="heartrate",
        response=TIME_SERIES_SCHEMA,
        max_range_days=HEART_RANGE_MAX_DAYS,
    ),
    *intraday_rows(
        U,
        names=("getHeartByDateIntraday", "getHeartByIntervalIntraday"),
        summaries=("Get Heart Rate Intraday by Date", "Get Heart Rate Intraday by Interval"),
        handler=heart_intraday,
        swagger_window_form=True,
        scope="heartrate",
        response=INTRADAY_SCHEMA,
        detail_levels=HEART_DETAILS,
        max_range_days=None,  # 24 hours [DOC]
    ),
)
