"""SpO2: the main sleep's average, lowest and highest oxygen saturation, and its per-minute values (intraday)
[DOC get-spo2-summary-by-date / -by-interval, get-spo2-intraday-by-date / -by-interval; reference §3.8, §4.7].

Fitbit answered these without a wrapping key: one date is a bare object (``{}`` for a night without data
[UNVERIFIED]), an interval a bare array.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.metric_rows import summary_and_intraday_rows
from fitbit_local.api.registry import Endpoint

SPO2_SUMMARY_MAX_DAYS = 30  # [UNVERIFIED] not stated on the page; the family's other ranges (decisions.md)


def summary(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    return {"dateTime": day.isoformat(), "value": {k: record[k] for k in ("avg", "min", "max")}}


def intraday(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    return {"dateTime": day.isoformat(), "minutes": record["minutes"]}


def bare(entries: list[dict[str, Any]], single: bool) -> Any:
    if single:
        return entries[0] if entries else {}
    return entries


_EMPTY_OBJECT = {"type": "object", "maxProperties": 0}
_SUMMARY = schemas.obj(
    {
        "dateTime": schemas.DATE,
        "value": schemas.obj({"avg": schemas.NUMBER, "min": schemas.NUMBER, "max": schemas.NUMBER}),
    }
)
_MINUTE = schemas.obj({"value": schemas.NUMBER, "minute": schemas.DATE_TIME})
_INTRADAY = schemas.obj({"dateTime": schemas.DATE, "minutes": schemas.array(_MINUTE)})

ROWS: tuple[Endpoint, ...] = summary_and_intraday_rows(
    "/user/{user_id}/spo2",
    metric="spo2",
    scope="oxygen_saturation",
    names=(
        "getSpO2SummaryByDate",
        "getSpO2SummaryByInterval",
        "getSpO2IntradayByDate",
        "getSpO2IntradayByInterval",
    ),
    summaries=(
        "Get SpO2 Summary by Date",
        "Get SpO2 Summary by Interval",
        "Get SpO2 Intraday by Date",
        "Get SpO2 Intraday by Interval",
    ),
    render=(summary, intraday),
    wrap=bare,
    response=(
        {"anyOf": [_SUMMARY, _EMPTY_OBJECT]},
        schemas.array(_SUMMARY),
        {"anyOf": [_INTRADAY, _EMPTY_OBJECT]},
        schemas.array(_INTRADAY),
    ),
    summary_max_range_days=SPO2_SUMMARY_MAX_DAYS,
)
