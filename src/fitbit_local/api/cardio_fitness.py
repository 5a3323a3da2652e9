"""Cardio fitness score (VO2 max) by date and interval [DOC get-vo2max-summary-by-date / -by-interval; reference
§3.11, §4.7]: always mL/kg/min whatever Accept-Language says; a range (``"44-48"``) when estimated from resting heart
rate, a single number when from GPS runs."""

from __future__ import annotations

from datetime import date
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.metric_rows import keyed, metric_rows
from fitbit_local.api.registry import Endpoint


def score(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    return {"dateTime": day.isoformat(), "value": {"vo2Max": record["vo2Max"]}}


_SCORE = schemas.obj(
    {
        "cardioScore": schemas.array(
            schemas.obj(
                {
                    "dateTime": schemas.DATE,
                    "value": schemas.obj({"vo2Max": {"type": "string", "pattern": r"^\d+(-\d+)?$"}}),
                }
            )
        )
    }
)

ROWS: tuple[Endpoint, ...] = metric_rows(
    "/user/{user_id}/cardioscore",
    metric="cardio",
    scope="cardio_fitness",
    names=("getVo2MaxSummaryByDate", "getVo2MaxSummaryByInterval"),
    summaries=("Get VO2 Max Summary by Date", "Get VO2 Max Summary by Interval"),
    render=score,
    wrap=keyed("cardioScore"),
    response=(_SCORE, _SCORE),
)
