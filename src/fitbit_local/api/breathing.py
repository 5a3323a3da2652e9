"""Breathing rate: the main sleep's average breaths per minute, and per sleep stage (intraday)
[DOC get-br-summary-by-date / -by-interval, get-br-intraday-by-date / -by-interval; reference §3.9, §4.7]."""

from __future__ import annotations

from datetime import date
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.metric_rows import keyed, summary_and_intraday_rows
from fitbit_local.api.registry import Endpoint

STAGE_KEYS = ("deepSleepSummary", "remSleepSummary", "fullSleepSummary", "lightSleepSummary")


def summary(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    return {"value": {"breathingRate": record["fullSleepSummary"]}, "dateTime": day.isoformat()}


def by_stage(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    """Each stage the record has (an imported night has the full-sleep rate only: its stages are left out)."""
    value = {k: {"breathingRate": record[k]} for k in STAGE_KEYS if k in record}
    return {"value": value, "dateTime": day.isoformat()}


_RATE = schemas.obj({"breathingRate": schemas.NUMBER})
_SUMMARY = schemas.obj({"br": schemas.array(schemas.obj({"value": _RATE, "dateTime": schemas.DATE}))})
_INTRADAY = schemas.obj(
    {
        "br": schemas.array(
            schemas.obj(
                {
                    "value": schemas.obj(
                        {"fullSleepSummary": _RATE}, {k: _RATE for k in STAGE_KEYS[:2] + STAGE_KEYS[3:]}
                    ),
                    "dateTime": schemas.DATE,
                }
            )
        )
    }
)

ROWS: tuple[Endpoint, ...] = summary_and_intraday_rows(
    "/user/{user_id}/br",
    metric="br",
    scope="respiratory_rate",
    names=(
        "getBreathingRateSummaryByDate",
        "getBreathingRateSummaryByInterval",
        "getBreathingRateIntradayByDate",
        "getBreathingRateIntradayByInterval",
    ),
    summaries=(
        "Get Breathing Rate Summary by Date",
        "Get Breathing Rate Summary by Interval",
        "Get Breathing Rate Intraday by Date",
        "Get Breathing Rate Intraday by Interval",
    ),
    render=(summary, by_stage),
    wrap=keyed("br"),
    response=(_SUMMARY, _SUMMARY, _INTRADAY, _INTRADAY),
)
