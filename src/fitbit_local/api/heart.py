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

from fitbit_local.api.activity import heart_rate_zones
from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import Summary
from fitbit_local.api.registry import endpoint
from fitbit_local.api.timeseries import (
    HEART_DETAILS,
    HEART_PERIODS,
    DayWindow,
    frame,
    intraday_span,
    series_days,
)
from fitbit_local.edge import JSON_MEDIA_TYPE

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
    return {
        "activities-heart": [{"dateTime": d.isoformat(), "value": heart_value(summaries[d])} for d in days]
    }


endpoint("getHeartByDatePeriod", "GET", U + "/{period:tsperiod}.json", scope="heartrate")(heart_time_series)
endpoint("getHeartByDateRange", "GET", U + "/{end_date}.json", scope="heartrate")(heart_time_series)


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


def heart_intraday(ctx: RequestContext) -> Response:
    span = intraday_span(ctx, details=HEART_DETAILS, max_days=None)
    days = frame(ctx)
    bucket_seconds = 1 if span.detail == "1sec" else span.bucket_minutes * 60
    summaries = days.summaries([w.day for w in span])
    labels: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for window in span:
        arrays = days.arrays(window.day)
        if arrays is None:
            continue
        day_labels, day_values = heart_points(arrays.heart, window, bucket_seconds)
        labels.append(day_labels)
        values.append(day_values)
    body = {
        "activities-heart": [
            {"dateTime": w.day.isoformat(), "value": heart_value(summaries[w.day])} for w in span
        ],
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


endpoint(
    "getHeartByDateIntraday",
    "GET",
    U + "/1d/{detail}.json",
    U + "/1d/{detail}/time/{start_time}/{end_time}.json",
    U + "/1d/time/{start_time}/{end_time}.json",  # Fitbit.NET's legacy form: no detail level → 1min
    scope="heartrate",
    intraday=True,
)(heart_intraday)
endpoint(
    "getHeartByIntervalIntraday",
    "GET",
    U + "/{end_date}/{detail}.json",
    U + "/{end_date}/{detail}/time/{start_time}/{end_time}.json",
    scope="heartrate",
    intraday=True,
)(heart_intraday)
