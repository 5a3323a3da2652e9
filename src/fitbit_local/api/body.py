"""Body family: weight and body-fat logs (by date, period and range; create; delete) and the body time series
(``bmi``, ``fat``, ``weight``) [DOC body/*; reference §3.14, §4.9]. Body goals and the legacy body measurements are
in body_goals.py.

Weights travel in the ``Accept-Language`` unit system both ways (pounds for en_US, stones for en_GB, kilograms
otherwise) and are stored in kilograms; BMI is computed from the profile's height when a weight is logged.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

import numpy as np

from fitbit_local.api import schemas
from fitbit_local.api.activity import json_number
from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import DATE, RESOURCE, entity_id_parser, parse_date, second_of_day
from fitbit_local.api.registry import PERIODS, Endpoint, Param, ParseScope, Shape
from fitbit_local.api.series_rows import time_series_rows
from fitbit_local.errors import FitbitError
from fitbit_local.store import Store
from fitbit_local.store.body import BodyLog, BodyRepository, bmi_of, log_id_for

LOG_PERIODS = ("1d", "7d", "30d", "1w", "1m")  # weight and fat logs [DOC; reference §1.3 defect 8]
WEIGHT_LOG_MAX_DAYS = 31  # [DOC get-weight-timeseries-by-date-range]
FAT_LOG_MAX_DAYS = 30  # [DOC get-body-fat-timeseries-by-date-range]
BODY_SERIES_MAX_DAYS = 1095  # [3P; docs/decisions.md]
DEFAULT_LOG_TIME = "23:59:59"  # a log without a time [SW addWeightLog]
WEIGHT_KG_RANGE = (1.0, 1000.0)
U = "/user/{user_id}/body"


@cache
def _repository(store: Store) -> BodyRepository:
    return BodyRepository(store.engine)


def body_store(ctx: RequestContext) -> BodyRepository:
    return _repository(ctx.services.store)


# --- parameters -----------------------------------------------------------------------------------------------


def invalid(field: str, value: str) -> FitbitError:
    return FitbitError("validation_value", field_name=field, field=field, value=value[:40])


def positive_number(field: str, upper: float = math.inf) -> Callable[[str, ParseScope], float]:
    """A decimal number above zero and below `upper` ("X.XX" [DOC]); its unit is the handler's business."""

    def parse(raw: str, scope: ParseScope) -> float:
        try:
            number = float(raw)
        except ValueError:
            raise invalid(field, raw) from None
        if not math.isfinite(number) or not 0 < number < upper:
            raise invalid(field, raw)
        return number

    return parse


def log_date(raw: str, scope: ParseScope) -> date:
    return parse_date(raw, today=scope.today)


def _log_time(raw: str, scope: ParseScope) -> str:
    second = second_of_day(raw, "time", end=False)
    return f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"


_log_id = entity_id_parser(bits=63)  # a weight or fat log id is its time in ms, in a BIGINT column


NUMBER_PATTERN = r"^\d+(\.\d+)?$"
LOG_DATE = Param("date", "date", "form", log_date, {"type": "string", "format": "date"}, "the log's date")
LOG_TIME = Param(
    "time",
    "time",
    "form",
    _log_time,
    {"type": "string", "pattern": r"^\d{1,2}:\d{2}(:\d{2})?$", "examples": ["07:30:00"]},
    "HH:mm:ss (23:59:59 when left out)",
    required=False,
)
WEIGHT = Param(
    "weight",
    "weight",
    "form",
    positive_number("weight"),
    {"type": "string", "pattern": NUMBER_PATTERN, "examples": ["72.5"]},
    "X.XX in the Accept-Language unit (kg, lb or stone)",
)
FAT = Param(
    "fat",
    "fat",
    "form",
    positive_number("fat", 100),
    {"type": "string", "pattern": NUMBER_PATTERN, "examples": ["22.5"]},
    "body fat in percent, X.XX",
)
WEIGHT_LOG_ID = Param(
    "body-weight-log-id",
    "log_id",
    "path",
    _log_id,
    {"type": "string", "pattern": r"^\d+$"},
    created_by=("addWeightLog", "/weightLog/logId"),
)
FAT_LOG_ID = Param(
    "body-fat-log-id",
    "log_id",
    "path",
    _log_id,
    {"type": "string", "pattern": r"^\d+$"},
    created_by=("addBodyFatLog", "/fatLog/logId"),
)


# --- rendering --------------------------------------------------------------------------------------------------


def kg_of(ctx: RequestContext, value: float, field: str) -> float:
    """A weight of the request, in kilograms; a weight no scale shows is refused."""
    kg = ctx.units.weight_to_kg(value)
    if not WEIGHT_KG_RANGE[0] <= kg <= WEIGHT_KG_RANGE[1]:
        raise invalid(field, f"{value:g}")
    return kg


def weight_number(ctx: RequestContext, kg: float) -> float | int:
    return json_number(ctx.units.weight(kg), 2)


def weight_entry(ctx: RequestContext, log: BodyLog, fat: BodyLog | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "bmi": json_number(log.bmi if log.bmi is not None else bmi_of(log.value, ctx.user.height_cm), 2),
        "date": log.day.isoformat(),
        "logId": log.log_id,
        "source": log.source,
        "time": log.time,
        "weight": weight_number(ctx, log.value),
    }
    if fat is not None:  # an Aria weigh-in logs both at one moment [DOC example]
        entry["fat"] = json_number(fat.value, 2)
    return entry


def fat_entry(log: BodyLog) -> dict[str, Any]:
    return {
        "date": log.day.isoformat(),
        "fat": json_number(log.value, 2),
        "logId": log.log_id,
        "source": log.source,
        "time": log.time,
    }


def _log_days(ctx: RequestContext) -> tuple[date, date]:
    if ctx.endpoint.shape is Shape.SERIES:
        return ctx.days[0], ctx.days[-1]
    return ctx.day, ctx.day


def get_weight_logs(ctx: RequestContext) -> dict[str, Any]:
    start, end = _log_days(ctx)
    repo = body_store(ctx)
    fats = {log.log_id: log for log in repo.logs(ctx.user.id, "fat", start, end)}
    return {
        "weight": [
            weight_entry(ctx, log, fats.get(log.log_id))
            for log in repo.logs(ctx.user.id, "weight", start, end)
        ]
    }


def get_fat_logs(ctx: RequestContext) -> dict[str, Any]:
    start, end = _log_days(ctx)
    return {"fat": [fat_entry(log) for log in body_store(ctx).logs(ctx.user.id, "fat", start, end)]}


def new_log(ctx: RequestContext, kind: str, value: float) -> BodyLog:
    day: date = ctx.args["date"]
    time: str = ctx.args.get("time", DEFAULT_LOG_TIME)
    bmi = bmi_of(value, ctx.user.height_cm) if kind == "weight" else None
    return BodyLog(kind, log_id_for(day, time), day, time, value, bmi, "API")


def add_weight_log(ctx: RequestContext) -> dict[str, Any]:
    log = new_log(ctx, "weight", kg_of(ctx, ctx.args["weight"], "weight"))
    body_store(ctx).add_logs(ctx.user.id, [log], client_id=ctx.token.client_id)
    return {"weightLog": weight_entry(ctx, log, None)}


def add_fat_log(ctx: RequestContext) -> dict[str, Any]:
    log = new_log(ctx, "fat", ctx.args["fat"])
    body_store(ctx).add_logs(ctx.user.id, [log], client_id=ctx.token.client_id)
    return {"fatLog": fat_entry(log)}


def _delete(kind: str) -> Callable[[RequestContext], None]:
    def handler(ctx: RequestContext) -> None:
        if not body_store(ctx).delete_log(
            ctx.user.id, kind, ctx.args["log_id"], client_id=ctx.token.client_id
        ):
            raise FitbitError("entity_not_found")

    handler.__name__ = f"delete_{kind}_log"
    return handler


# --- time series --------------------------------------------------------------------------------------------------


def daily_values(ctx: RequestContext, days: list[date]) -> dict[str, list[float]]:
    """Each day's weight (kg), BMI and fat (%): the day's last log, else the last one before it (a scale's reading
    holds until the next weigh-in [DOC example: the same value on consecutive days]); before any weight log the
    profile's weight, before any fat log 0."""
    repo = body_store(ctx)
    user = ctx.user
    out: dict[str, list[float]] = {"weight": [], "bmi": [], "fat": []}
    for kind in ("weight", "fat"):
        logs = repo.logs(user.id, kind, days[0], days[-1])
        last = repo.last_before(user.id, kind, days[0])
        by_day = {log.day: log for log in logs}  # oldest first: the day's last log wins
        for day in days:
            last = by_day.get(day, last)
            if kind == "fat":
                out["fat"].append(last.value if last is not None else 0.0)
                continue
            kg = last.value if last is not None else user.weight_kg
            bmi = last.bmi if last is not None and last.bmi is not None else bmi_of(kg, user.height_cm)
            out["weight"].append(kg)
            out["bmi"].append(bmi)
    return out


def _text(value: float) -> str:
    """A time-series value: a string holding the number with at most two decimals [DOC: "value":"170"]."""
    return np.format_float_positional(round(value, 2), trim="-")


def body_time_series(ctx: RequestContext) -> dict[str, Any]:
    resource: str = ctx.args["resource"]
    values = daily_values(ctx, ctx.days)[resource]
    if resource == "weight":
        values = [ctx.units.weight(v) for v in values]
    return {
        "body-" + resource: [
            {"dateTime": d.isoformat(), "value": _text(v)} for d, v in zip(ctx.days, values, strict=True)
        ]
    }


# --- rows ---------------------------------------------------------------------------------------------------------

_SOURCE = schemas.STRING
_WEIGHT_ENTRY = schemas.obj(
    {
        "bmi": schemas.NUMBER,
        "date": schemas.DATE,
        "logId": schemas.INTEGER,
        "source": _SOURCE,
        "time": schemas.TIME,
        "weight": schemas.NUMBER,
    },
    {"fat": schemas.NUMBER},
)
_FAT_ENTRY = schemas.obj(
    {
        "date": schemas.DATE,
        "fat": schemas.NUMBER,
        "logId": schemas.INTEGER,
        "source": _SOURCE,
        "time": schemas.TIME,
    }
)
WEIGHT_LOGS_SCHEMA = schemas.obj({"weight": schemas.array(_WEIGHT_ENTRY)})
FAT_LOGS_SCHEMA = schemas.obj({"fat": schemas.array(_FAT_ENTRY)})
BODY_RESOURCES = {"bmi": "bmi", "fat": "fat", "weight": "weight"}


def _log_rows(
    kind: str, title: str, entry: dict[str, Any], max_days: int, handler: Any
) -> tuple[Endpoint, ...]:
    by_date = Endpoint(
        f"get{title}ByDate",
        "GET",
        (f"{U}/log/{kind}/date/{{date}}.json",),
        handler,
        scope="weight",
        response=entry,
        summary=f"Get {kind.capitalize()} Log",
        path_params=(DATE,),
    )
    return (
        by_date,
        *time_series_rows(
            f"{U}/log/{kind}/date/{{date}}",
            names=(f"get{title}ByDatePeriod", f"get{title}ByDateRange"),
            summaries=(
                f"Get {kind.capitalize()} Logs by Date and Period",
                f"Get {kind.capitalize()} Logs by Range",
            ),
            handler=handler,
            periods=LOG_PERIODS,
            query=(),
            scope="weight",
            response=entry,
            max_range_days=max_days,
        ),
    )


ROWS: tuple[Endpoint, ...] = (
    *_log_rows("weight", "Weight", WEIGHT_LOGS_SCHEMA, WEIGHT_LOG_MAX_DAYS, get_weight_logs),
    Endpoint(
        "addWeightLog",
        "POST",
        (U + "/log/weight.json",),
        add_weight_log,
        scope="weight",
        response=schemas.obj({"weightLog": _WEIGHT_ENTRY}),
        summary="Create Weight Log",
        form=(WEIGHT, LOG_DATE, LOG_TIME),
        write=True,
        status=201,
    ),
    Endpoint(
        "deleteWeightLog",
        "DELETE",
        (U + "/log/weight/{log_id}.json",),
        _delete("weight"),
        scope="weight",
        response=schemas.EMPTY,
        summary="Delete Weight Log",
        path_params=(WEIGHT_LOG_ID,),
        write=True,
        status=204,
    ),
    *_log_rows("fat", "BodyFat", FAT_LOGS_SCHEMA, FAT_LOG_MAX_DAYS, get_fat_logs),
    Endpoint(
        "addBodyFatLog",
        "POST",
        (U + "/log/fat.json",),
        add_fat_log,
        scope="weight",
        response=schemas.obj({"fatLog": _FAT_ENTRY}),
        summary="Create Body Fat Log",
        form=(FAT, LOG_DATE, LOG_TIME),
        write=True,
        status=201,
    ),
    Endpoint(
        "deleteBodyFatLog",
        "DELETE",
        (U + "/log/fat/{log_id}.json",),
        _delete("fat"),
        scope="weight",
        response=schemas.EMPTY,
        summary="Delete Body Fat Log",
        path_params=(FAT_LOG_ID,),
        write=True,
        status=204,
    ),
    *time_series_rows(
        U + "/{resource}/date/{date}",
        names=("getBodyResourceByDatePeriod", "getBodyResourceByDateRange"),
        summaries=("Get Body Time Series by Date", "Get Body Time Series by Date Range"),
        handler=body_time_series,
        periods=PERIODS,
        lead=(RESOURCE,),
        query=(),
        scope="weight",
        response=schemas.one_key(r"^body-(bmi|fat|weight)$", schemas.day_values(schemas.NUMBER_STRING)),
        max_range_days=BODY_SERIES_MAX_DAYS,
        resources=BODY_RESOURCES,
    ),
)
