"""Body goals (weight with start weight and goal, fat), read and updated, and the legacy body measurements clients
still send (``GET /body/date/{date}.json``, ``POST /body.json`` [peer-clients: python-fitbit `body()`, Fitbit.NET])
[DOC body/get-body-goals, update-weight-goal, update-body-fat-goal; reference §3.14 rows 80-82]."""

from __future__ import annotations

from datetime import date
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.activity import json_number
from fitbit_local.api.body import (
    FAT,
    LOG_DATE,
    LOG_TIME,
    NUMBER_PATTERN,
    WEIGHT,
    U,
    body_store,
    daily_values,
    invalid,
    kg_of,
    log_date,
    new_log,
    positive_number,
    weight_number,
)
from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import DATE
from fitbit_local.api.registry import Endpoint, Param, ParseScope

WEIGHT_THRESHOLD = 0.05  # [DOC example of Get Body Goals]


def _goal_type(raw: str, scope: ParseScope) -> str:
    if raw not in ("weight", "fat"):
        raise invalid("goal-type", raw)
    return raw


GOAL_TYPE = Param("goal-type", "goal_type", "path", _goal_type, schemas.enum("weight", "fat"))
START_DATE_FORM = Param("startDate", "startDate", "form", log_date, {"type": "string", "format": "date"})
START_WEIGHT = Param(
    "startWeight",
    "startWeight",
    "form",
    positive_number("startWeight"),
    {"type": "string", "pattern": NUMBER_PATTERN, "examples": ["80"]},
)
GOAL_WEIGHT = Param(
    "weight",
    "weight",
    "form",
    positive_number("weight"),
    {"type": "string", "pattern": NUMBER_PATTERN, "examples": ["75"]},
    required=False,
)
FAT_OPTIONAL = Param(
    "fat",
    "fat",
    "form",
    positive_number("fat", 100),
    {"type": "string", "pattern": NUMBER_PATTERN, "examples": ["22.5"]},
    required=False,
)


# --- goals ----------------------------------------------------------------------------------------------------------


def weight_goal(ctx: RequestContext) -> dict[str, Any]:
    """Without a goal set: the profile's weight as both start and goal, from the day the user joined."""
    goals = body_store(ctx).goals(ctx.user.id)
    start = goals.start_weight_kg if goals.start_weight_kg is not None else ctx.user.weight_kg
    target = goals.weight_kg if goals.weight_kg is not None else start
    goal_type = "LOSE" if target < start else "GAIN" if target > start else "MAINTAIN"
    return {
        "goalType": goal_type,
        "startDate": goals.start_date or ctx.user.member_since,
        "startWeight": weight_number(ctx, start),
        "weight": weight_number(ctx, target),
        "weightThreshold": WEIGHT_THRESHOLD,
    }


def fat_goal(ctx: RequestContext) -> dict[str, Any]:
    fat = body_store(ctx).goals(ctx.user.id).fat
    return {"fat": json_number(fat or 0, 2)}


def get_body_goals(ctx: RequestContext) -> dict[str, Any]:
    return {"goal": weight_goal(ctx) if ctx.args["goal_type"] == "weight" else fat_goal(ctx)}


def update_weight_goal(ctx: RequestContext) -> dict[str, Any]:
    changes: dict[str, object] = {
        "start_date": ctx.args["startDate"].isoformat(),
        "start_weight_kg": kg_of(ctx, ctx.args["startWeight"], "startWeight"),
    }
    if "weight" in ctx.args:
        changes["weight_kg"] = kg_of(ctx, ctx.args["weight"], "weight")
    body_store(ctx).set_goals(ctx.user.id, changes, day=ctx.today, client_id=ctx.token.client_id)
    return {"goal": weight_goal(ctx)}


def update_fat_goal(ctx: RequestContext) -> dict[str, Any]:
    body_store(ctx).set_goals(
        ctx.user.id, {"fat": ctx.args["fat"]}, day=ctx.today, client_id=ctx.token.client_id
    )
    return {"goal": fat_goal(ctx)}


# --- legacy body measurements [peer-clients: python-fitbit `body()`, Fitbit.NET] ------------------------------------


def _measurements(ctx: RequestContext, day: date) -> dict[str, Any]:
    values = daily_values(ctx, [day])
    return {
        "bmi": json_number(values["bmi"][0], 2),
        "fat": json_number(values["fat"][0], 2),
        "weight": weight_number(ctx, values["weight"][0]),
    }


def get_body_measurements(ctx: RequestContext) -> dict[str, Any]:
    """``GET /body/date/{date}.json``: the day's weight, BMI and fat, and the weight goal."""
    return {"body": _measurements(ctx, ctx.day), "goals": {"weight": weight_goal(ctx)["weight"]}}


def log_body_measurements(ctx: RequestContext) -> dict[str, Any]:
    """``POST /body.json`` (weight, fat, date): a weight log, and a fat log at the same moment when fat is given."""
    logs = [new_log(ctx, "weight", kg_of(ctx, ctx.args["weight"], "weight"))]
    if "fat" in ctx.args:
        logs.append(new_log(ctx, "fat", ctx.args["fat"]))
    body_store(ctx).add_logs(ctx.user.id, logs, client_id=ctx.token.client_id)
    return {"body": _measurements(ctx, ctx.args["date"])}


_WEIGHT_GOAL = schemas.obj(
    {
        "goalType": schemas.enum("LOSE", "GAIN", "MAINTAIN"),
        "startDate": schemas.DATE,
        "startWeight": schemas.NUMBER,
        "weight": schemas.NUMBER,
        "weightThreshold": schemas.NUMBER,
    }
)
_FAT_GOAL = schemas.obj({"fat": schemas.NUMBER})
_MEASUREMENTS = schemas.obj({"bmi": schemas.NUMBER, "fat": schemas.NUMBER, "weight": schemas.NUMBER})

ROWS: tuple[Endpoint, ...] = (
    Endpoint(
        "getBodyGoals",
        "GET",
        (U + "/log/{goal_type}/goal.json",),
        get_body_goals,
        scope="weight",
        response=schemas.obj({"goal": {"anyOf": [_WEIGHT_GOAL, _FAT_GOAL]}}),
        summary="Get Body Goals",
        path_params=(GOAL_TYPE,),
    ),
    Endpoint(
        "updateWeightGoal",
        "POST",
        (U + "/log/weight/goal.json",),
        update_weight_goal,
        scope="weight",
        response=schemas.obj({"goal": _WEIGHT_GOAL}),
        summary="Update Weight Goal",
        form=(START_DATE_FORM, START_WEIGHT, GOAL_WEIGHT),
        write=True,
    ),
    Endpoint(
        "UpdateBodyFatGoal",
        "POST",
        (U + "/log/fat/goal.json",),
        update_fat_goal,
        scope="weight",
        response=schemas.obj({"goal": _FAT_GOAL}),
        summary="Update Body Fat Goal",
        form=(FAT,),
        write=True,
    ),
    Endpoint(
        "getBodyMeasurements",
        "GET",
        (U + "/date/{date}.json",),
        get_body_measurements,
        scope="weight",
        response=schemas.obj({"body": _MEASUREMENTS, "goals": schemas.obj({"weight": schemas.NUMBER})}),
        summary="Get Body Measurements (legacy)",
        path_params=(DATE,),
    ),
    Endpoint(
        "logBodyMeasurements",
        "POST",
        (U + ".json",),
        log_body_measurements,
        scope="weight",
        response=schemas.obj({"body": _MEASUREMENTS}),
        summary="Log Body Measurements (legacy)",
        form=(WEIGHT, FAT_OPTIONAL, LOG_DATE, LOG_TIME),
        write=True,
        status=201,
    ),
)
