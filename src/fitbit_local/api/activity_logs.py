"""Activity logs: create and delete, and the paginated list [DOC activity/create-activity-log, delete-activity-log,
get-activity-log-list; reference §3.2 #10, #20-21]. TCX export: activity_tcx.py; favorite, frequent and recent
activities: favorite_activities.py; how a log renders and combines with the tracker's day: activity_log_views.py."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fitbit_local.api import schemas
from fitbit_local.api.activity_log_views import (
    list_item,
    summary_item,
)
from fitbit_local.api.activity_types import activity_type
from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import frame
from fitbit_local.api.params import entity_id_parser, parse_date, second_of_day
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.api.user import stride_lengths_cm
from fitbit_local.errors import FitbitError
from fitbit_local.store.activity_logs import ActivityLog, ActivityLogRepository, NewActivityLog

LIST_MAX = 100  # [DOC get-activity-log-list: limit maximum 100]
WALK_RUN_PARENTS = {90013: "walking", 90009: "running"}  # steps as a distance unit [SW addActivitiesLog]
# distanceUnit values [DOC localization, units]: kilometres per unit; "Steps" is converted with the stride.
DISTANCE_UNITS = {
    "Kilometer": 1.0,
    "Mile": 1.609344,
    "Meter": 0.001,
    "Yard": 0.0009144,
    "Foot": 0.0003048,
    "Inch": 0.0000254,
    "Centimeter": 0.00001,
    "Millimeter": 0.000001,
    "Steps": 0.0,
}


def repository(ctx: RequestContext) -> ActivityLogRepository:
    return ActivityLogRepository(ctx.services.store.engine)


def favorites(ctx: RequestContext) -> set[int]:
    return set(
        ctx.services.cached(("favorites", ctx.user.id), lambda: repository(ctx).favorites(ctx.user.id))
    )


def logs_on_days(ctx: RequestContext, start: date, end: date) -> list[ActivityLog]:
    """The user's logs of local days start…end (cached until the next write)."""
    return ctx.services.cached(
        ("activity logs", ctx.user.id, start, end), lambda: repository(ctx).on_days(ctx.user.id, start, end)
    )


# --- parsers -------------------------------------------------------------------------------------------------------


def invalid_value(field: str, value: str) -> FitbitError:
    return FitbitError("validation_value", field_name=field, field=field, value=value[:40])


def _int(field: str, low: int, high: int) -> Any:
    def parse(raw: str, scope: ParseScope) -> int:
        if not re.fullmatch(r"\d{1,10}", raw) or not low <= int(raw) <= high:
            raise invalid_value(field, raw)
        return int(raw)

    return parse


def _distance(raw: str, scope: ParseScope) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1_000_000:
        raise invalid_value("distance", raw)
    return value


def _activity_id(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or activity_type(int(raw)) is None:
        raise invalid_value("activityId", raw)
    return int(raw)


def _activity_name(raw: str, scope: ParseScope) -> str:
    if not raw.strip() or any(ord(c) < 32 for c in raw):
        raise invalid_value("activityName", raw.encode("unicode_escape").decode())
    return raw.strip()[:200]


def _start_time(raw: str, scope: ParseScope) -> str:
    second = second_of_day(raw, "startTime", end=False)
    return f"{second // 3600:02d}:{second % 3600 // 60:02d}:{second % 60:02d}"


def _log_date(raw: str, scope: ParseScope) -> date:
    return parse_date(raw, today=scope.today, field_name="date")


def _distance_unit(raw: str, scope: ParseScope) -> str:
    if raw not in DISTANCE_UNITS:
        raise invalid_value("distanceUnit", raw)
    return raw


def _form(name: str, parse: Any, schema: dict[str, Any], required: bool = False) -> Param:
    return Param(name, name, "form", parse, schema, required=required)


_DIGITS = {"type": "string", "pattern": r"^\d+$"}
LOG_FORM = (
    _form("activityId", _activity_id, {**_DIGITS, "examples": ["90013"]}),
    _form("activityName", _activity_name, {"type": "string", "examples": ["Walk with the dog"]}),
    _form("manualCalories", _int("manualCalories", 0, 100_000), {**_DIGITS, "examples": ["150"]}),
    _form(
        "startTime",
        _start_time,
        {"type": "string", "pattern": r"^\d{1,2}:\d{2}(:\d{2})?$", "examples": ["12:00"]},
        required=True,
    ),
    _form(
        "durationMillis",
        _int("durationMillis", 1, 86_400_000),
        {**_DIGITS, "examples": ["1800000"]},
        required=True,
    ),
    _form("date", _log_date, {"type": "string", "format": "date"}, required=True),
    _form("distance", _distance, {"type": "string", "pattern": r"^\d+(\.\d+)?$", "examples": ["2.5"]}),
    _form("distanceUnit", _distance_unit, schemas.enum(*DISTANCE_UNITS)),
)


# --- create and delete ---------------------------------------------------------------------------------------------


def create_log(ctx: RequestContext) -> dict[str, Any]:
    """By catalogue id (calories from its METs, the user's weight and the duration unless ``manualCalories``
    is given) or by a custom ``activityName`` (then ``manualCalories`` is required) [DOC create-activity-log]."""
    args = ctx.args
    hours = args["durationMillis"] / 3_600_000
    found = activity_type(args["activityId"]) if "activityId" in args else None
    if found is None and "activityName" not in args:
        raise FitbitError("validation_required", field_name="activityId", label="activityId or activityName")
    if found is None and "manualCalories" not in args:
        raise FitbitError("validation_required", field_name="manualCalories", label="manualCalories")
    distance_km: float | None = None
    steps: int | None = None
    walk, run = stride_lengths_cm(ctx)
    stride_km = (run if found is not None and found.parent_id == 90009 else walk) / 100_000
    if "distance" in args:
        unit = args.get("distanceUnit")
        if unit == "Steps":
            if found is None or found.parent_id not in WALK_RUN_PARENTS:
                raise invalid_value("distanceUnit", unit)
            steps = int(args["distance"])
            distance_km = steps * stride_km
        else:
            per_unit = DISTANCE_UNITS[unit] if unit else 1 / ctx.units.distance(1.0)
            distance_km = args["distance"] * per_unit
    if (
        steps is None
        and distance_km is not None
        and found is not None
        and found.parent_id in WALK_RUN_PARENTS
    ):
        steps = round(distance_km / stride_km)
    if "manualCalories" in args:
        calories = args["manualCalories"]
    else:  # ACSM: kcal = METs x body mass (kg) x hours [Compendium of Physical Activities]
        assert found is not None
        calories = round(found.mets * ctx.user.weight_kg * hours)
    new = NewActivityLog(
        day=args["date"],
        start_time=args["startTime"],
        duration_ms=args["durationMillis"],
        activity_id=found.id if found is not None else None,
        activity_name=found.parent_name if found is not None else args["activityName"],
        calories=calories,
        distance_km=distance_km,
        steps=steps,
        manual_calories="manualCalories" in args,
        manual_distance="distance" in args,
    )
    log = repository(ctx).create(ctx.user.id, new, client_id=ctx.token.client_id)
    return {"activityLog": summary_item(ctx, log, favorites(ctx))}


parse_log_id = entity_id_parser()


LOG_ID = Param(
    "activity-log-id",
    "log_id",
    "path",
    parse_log_id,
    {"type": "string", "pattern": r"^\d+$"},
    "the id of the activity log",
    created_by=("addActivitiesLog", "/activityLog/logId"),
)


def delete_log(ctx: RequestContext) -> None:
    if not repository(ctx).delete(ctx.user.id, ctx.args["log_id"], client_id=ctx.token.client_id):
        raise FitbitError("entity_not_found")


# --- the list ------------------------------------------------------------------------------------------------------

_INSTANT = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:T(\d{2}:\d{2}(?::\d{2})?))?$")


def _instant(field: str) -> Any:
    def parse(raw: str, scope: ParseScope) -> str:
        match = _INSTANT.match(raw)
        if match is None:
            raise FitbitError("validation_date", field_name=field, date=raw)
        day = parse_date(match[1], today=scope.today, field_name=field)
        clock = match[2] or "00:00:00"
        return f"{day.isoformat()}T{clock if len(clock) == 8 else clock + ':00'}"

    return parse


def _sort(raw: str, scope: ParseScope) -> str:
    if raw not in ("asc", "desc"):
        raise invalid_value("sort", raw)
    return raw


LIST_QUERY = (
    Param(
        "beforeDate",
        "beforeDate",
        "query",
        _instant("beforeDate"),
        {"type": "string"},  # no example: without either date the list is valid in both sort orders
        "logs before this local date (and time)",
        required=False,
    ),
    Param(
        "afterDate",
        "afterDate",
        "query",
        _instant("afterDate"),
        {"type": "string"},
        "logs after this local date (and time)",
        required=False,
    ),
    Param(
        "sort",
        "sort",
        "query",
        _sort,
        schemas.enum("desc", "asc"),
        "desc with beforeDate, asc with afterDate",
    ),
    Param(
        "limit", "limit", "query", _int("limit", 1, LIST_MAX), {**_DIGITS, "examples": ["10"]}, "at most 100"
    ),
    Param(
        "offset", "offset", "query", _int("offset", 0, 1_000_000), {**_DIGITS, "examples": ["0"]}, "entries"
    ),
)


def list_logs(ctx: RequestContext) -> dict[str, Any]:
    """Pagination by date with ``next``/``previous`` links [DOC get-activity-log-list; community post
    "Breaking change to Get Activity Logs List", 2016]. Without either date the list is the whole history in the
    ``sort`` order (decisions.md)."""
    args = ctx.args
    before, after, sort = args.get("beforeDate"), args.get("afterDate"), args["sort"]
    if before is not None and after is not None:
        raise invalid_value("afterDate", args["afterDate"])
    if before is None and after is None:  # the whole history, from its end (desc) or its start (asc)
        if sort == "desc":
            before = (ctx.today + timedelta(days=1)).isoformat() + "T00:00:00"
        else:
            after = "1900-01-01T00:00:00"
    if (sort == "desc") != (before is not None):
        raise invalid_value("sort", sort)
    limit, offset = args["limit"], args["offset"]
    page = repository(ctx).page(
        ctx.user.id, before=before, after=after, descending=sort == "desc", limit=limit + 1, offset=offset
    )
    more, page = len(page) > limit, page[:limit]
    days = frame(ctx)
    activities = [list_item(ctx, log, days.arrays(log.day), days.summary(log.day)) for log in page]
    date_key, date_value = ("beforeDate", before) if before is not None else ("afterDate", after)
    shown = ctx.request.query_params.get(date_key, date_value)
    base = str(ctx.request.base_url).rstrip("/") + ctx.request.url.path

    def link(to: int) -> str:
        return base + "?" + urlencode({"offset": to, "limit": limit, "sort": sort, date_key: shown})

    pagination: dict[str, Any] = {
        date_key: shown,
        "limit": limit,
        "next": link(offset + limit) if more else "",
        "offset": offset,
        "previous": link(max(0, offset - limit)) if offset > 0 else "",
        "sort": sort,
    }
    return {"activities": activities, "pagination": pagination}


# --- rows ------------------------------------------------------------------------------------------------------

_LOG_ITEM = schemas.obj(
    {
        "activityId": schemas.INTEGER,
        "activityParentId": schemas.INTEGER,
        "activityParentName": schemas.STRING,
        "calories": schemas.INTEGER,
        "description": schemas.STRING,
        "duration": schemas.INTEGER,
        "hasActiveZoneMinutes": schemas.BOOLEAN,
        "hasStartTime": schemas.BOOLEAN,
        "isFavorite": schemas.BOOLEAN,
        "lastModified": schemas.STRING,
        "logId": schemas.INTEGER,
        "name": schemas.STRING,
        "startDate": schemas.DATE,
        "startTime": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
    },
    {"distance": schemas.NUMBER, "steps": schemas.INTEGER},
)
LOG_ITEM_SCHEMA = _LOG_ITEM
_ZONE = schemas.obj(
    {"max": schemas.INTEGER, "min": schemas.INTEGER, "minutes": schemas.INTEGER, "name": schemas.STRING}
)
_AZM_ZONE = schemas.obj(
    {
        "minuteMultiplier": schemas.INTEGER,
        "minutes": schemas.INTEGER,
        "order": schemas.INTEGER,
        "type": schemas.STRING,
        "zoneName": schemas.STRING,
    }
)
_LIST_ITEM = schemas.obj(
    {
        "activeDuration": schemas.INTEGER,
        "activityLevel": schemas.array(schemas.obj({"minutes": schemas.INTEGER, "name": schemas.STRING})),
        "activityName": schemas.STRING,
        "activityTypeId": schemas.INTEGER,
        "calories": schemas.INTEGER,
        "caloriesLink": schemas.STRING,
        "duration": schemas.INTEGER,
        "hasActiveZoneMinutes": schemas.BOOLEAN,
        "lastModified": schemas.STRING,
        "logId": schemas.INTEGER,
        "logType": schemas.enum("manual", "auto_detected", "tracker", "mobile_run"),
        "manualValuesSpecified": schemas.obj(
            {"calories": schemas.BOOLEAN, "distance": schemas.BOOLEAN, "steps": schemas.BOOLEAN}
        ),
        "originalDuration": schemas.INTEGER,
        "originalStartTime": schemas.STRING,
        "startTime": schemas.STRING,
    },
    {
        "activeZoneMinutes": schemas.obj(
            {"minutesInHeartRateZones": schemas.array(_AZM_ZONE), "totalMinutes": schemas.INTEGER}
        ),
        "averageHeartRate": schemas.INTEGER,
        "distance": schemas.NUMBER,
        "distanceUnit": schemas.STRING,
        "heartRateLink": schemas.STRING,
        "heartRateZones": schemas.array(_ZONE),
        "steps": schemas.INTEGER,
    },
)
_PAGINATION = schemas.obj(
    {
        "limit": schemas.INTEGER,
        "next": schemas.STRING,
        "offset": schemas.INTEGER,
        "previous": schemas.STRING,
        "sort": schemas.STRING,
    },
    {"beforeDate": schemas.STRING, "afterDate": schemas.STRING},
)
U = "/user/{user_id}/activities"
ROWS = (
    Endpoint(
        "addActivitiesLog",
        "POST",
        (U + ".json",),
        create_log,
        scope="activity",
        response=schemas.obj({"activityLog": _LOG_ITEM}),
        summary="Create Activity Log",
        form=LOG_FORM,
        write=True,
        status=201,
    ),
    Endpoint(
        "deleteActivitiesLog",
        "DELETE",
        (U + "/{log_id:digits}.json",),
        delete_log,
        scope="activity",
        response=schemas.EMPTY,
        summary="Delete Activity Log",
        path_params=(LOG_ID,),
        write=True,
        status=204,
    ),
    Endpoint(
        "getActivitiesLogList",
        "GET",
        (U + "/list.json",),
        list_logs,
        scope="activity",
        response=schemas.obj({"activities": schemas.array(_LIST_ITEM), "pagination": _PAGINATION}),
        summary="Get Activity Log List",
        query=LIST_QUERY,
    ),
)
