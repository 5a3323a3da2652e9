"""Temperature: skin temperature during the main sleep, relative to the personal baseline, and core temperature
as the user logged it [DOC get-temperature-skin-summary-by-date / -by-interval, get-temperature-core-summary-by-date
/ -by-interval; reference §3.10, §4.7]. Values follow Accept-Language (°F for en_US); a relative skin value is a
difference, so it scales by 9/5 without the offset.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.metric_rows import keyed, metric_rows
from fitbit_local.api.registry import Endpoint

SKIN_LOG_TYPE = "dedicated_temp_sensor"  # [UNVERIFIED] the doc example's value, for trackers with the sensor


def fahrenheit(ctx: RequestContext) -> bool:
    return ctx.units.name == "en_US"


def skin(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    relative = float(record["nightlyRelative"])
    if fahrenheit(ctx):
        relative = round(relative * 9 / 5, 2)
    return {"dateTime": day.isoformat(), "value": {"nightlyRelative": relative}, "logType": SKIN_LOG_TYPE}


def core(day: date, record: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    value = float(record["value"])
    if fahrenheit(ctx):
        value = round(value * 9 / 5 + 32, 2)
    return {"dateTime": record["dateTime"], "value": value}


_SKIN = schemas.obj(
    {
        "tempSkin": schemas.array(
            schemas.obj(
                {
                    "dateTime": schemas.DATE,
                    "value": schemas.obj({"nightlyRelative": schemas.NUMBER}),
                    "logType": schemas.STRING,
                }
            )
        )
    }
)
_CORE = schemas.obj(
    {"tempCore": schemas.array(schemas.obj({"dateTime": schemas.DATE_TIME, "value": schemas.NUMBER}))}
)

ROWS: tuple[Endpoint, ...] = (
    *metric_rows(
        "/user/{user_id}/temp/skin",
        metric="skin_temp",
        scope="temperature",
        names=("getTempSkinSummaryDate", "getTempSkinSummaryByInterval"),
        summaries=("Get Temperature (Skin) Summary by Date", "Get Temperature (Skin) Summary by Interval"),
        render=skin,
        wrap=keyed("tempSkin"),
        response=(_SKIN, _SKIN),
    ),
    *metric_rows(
        "/user/{user_id}/temp/core",
        metric="core_temp",
        scope="temperature",
        names=("getTempCoreSummaryByDate", "getTempCoreSummaryByInterval"),
        summaries=("Get Temperature (Core) Summary by Date", "Get Temperature (Core) Summary by Interval"),
        render=core,
        wrap=keyed("tempCore"),
        response=(_CORE, _CORE),
    ),
)
