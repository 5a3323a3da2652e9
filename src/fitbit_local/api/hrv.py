"""Heart rate variability: the main sleep's daily and deep-sleep RMSSD, and its 5-minute samples (intraday)
[DOC get-hrv-summary-by-date / -by-interval, get-hrv-intraday-by-date / -by-interval; reference §3.7, §4.7]."""

from __future__ import annotations

from datetime import date
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.metric_rows import keyed, summary_and_intraday_rows
from fitbit_local.api.registry import Endpoint


def summary(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    return {
        "value": {"dailyRmssd": record["dailyRmssd"], "deepRmssd": record["deepRmssd"]},
        "dateTime": day.isoformat(),
    }


def intraday(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    return {"minutes": record["minutes"], "dateTime": day.isoformat()}


_SUMMARY = schemas.obj(
    {
        "hrv": schemas.array(
            schemas.obj(
                {
                    "value": schemas.obj({"dailyRmssd": schemas.NUMBER, "deepRmssd": schemas.NUMBER}),
                    "dateTime": schemas.DATE,
                }
            )
        )
    }
)
_MINUTE = schemas.obj(
    {
        "minute": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$"},
        "value": schemas.obj(
            {"rmssd": schemas.NUMBER, "coverage": schemas.NUMBER, "hf": schemas.NUMBER, "lf": schemas.NUMBER}
        ),
    }
)
_INTRADAY = schemas.obj(
    {"hrv": schemas.array(schemas.obj({"minutes": schemas.array(_MINUTE), "dateTime": schemas.DATE}))}
)

ROWS: tuple[Endpoint, ...] = summary_and_intraday_rows(
    "/user/{user_id}/hrv",
    metric="hrv",
    scope="heartrate",
    names=("getHrvSummaryDate", "getHrvSummaryInterval", "getHrvIntradayByDate", "getHrvIntradayByInterval"),
    summaries=(
        "Get HRV Summary by Date",
        "Get HRV Summary by Interval",
        "Get HRV Intraday by Date",
        "Get HRV Intraday by Interval",
    ),
    render=(summary, intraday),
    wrap=keyed("hrv"),
    response=(_SUMMARY, _SUMMARY, _INTRADAY, _INTRADAY),
)
