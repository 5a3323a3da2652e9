"""Water: logs by date, create, update and delete, and the water goal, in ml, fl oz or cups [DOC
nutrition/create-water-log, get-water-log, update-water-log, delete-water-log, get-water-goal, update-water-goal;
reference §3.15 rows 89-92, 95-96]. Amounts travel in the ``Accept-Language`` unit (fl oz for en_US, ml otherwise)
unless a write names its ``unit``; they are stored in millilitres."""

from __future__ import annotations

from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.body import LOG_DATE, invalid, positive_number
from fitbit_local.api.context import RequestContext
from fitbit_local.api.food_catalogue import round_number
from fitbit_local.api.foods import nutrition_store
from fitbit_local.api.nutrition_params import NUMBER_SCHEMA, nutrition_row, optional_param, parse_log_id
from fitbit_local.api.params import DATE
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.api.units import LIQUID_UNITS_ML, ML_PER_FL_OZ
from fitbit_local.errors import FitbitError

DEFAULT_WATER_GOAL_ML = 64 * ML_PER_FL_OZ  # [UNVERIFIED: the app's default of 64 fl oz; docs/decisions.md]


def _liquid_unit(raw: str, scope: ParseScope) -> str:
    if raw not in LIQUID_UNITS_ML:
        raise invalid("unit", raw)
    return raw


WATER_LOG_ID = Param(
    "water-log-id",
    "log_id",
    "path",
    parse_log_id,
    {"type": "string", "pattern": r"^\d+$"},
    created_by=("addWaterLog", "/waterLog/logId"),
)
WATER_AMOUNT = Param(
    "amount", "amount", "form", positive_number("amount", 100_000), {**NUMBER_SCHEMA, "examples": ["250"]}
)
WATER_UNIT = optional_param("unit", _liquid_unit, schemas.enum(*LIQUID_UNITS_ML))
WATER_TARGET = Param(
    "target", "target", "form", positive_number("target", 100_000), {**NUMBER_SCHEMA, "examples": ["2000"]}
)


# --- water ----------------------------------------------------------------------------------------------------------


def _water_ml(ctx: RequestContext, amount: float) -> float:
    unit = ctx.args.get("unit")
    return amount * LIQUID_UNITS_ML[unit] if unit else ctx.units.liquid_to_ml(amount)


def water_entry(ctx: RequestContext, log_id: int, ml: float) -> dict[str, Any]:
    return {"amount": round_number(ctx.units.liquid(ml)), "logId": log_id}


def get_water_logs(ctx: RequestContext) -> dict[str, Any]:
    logs = nutrition_store(ctx).water_logs(ctx.user.id, ctx.day, ctx.day)
    total = sum(log.amount_ml for log in logs)
    return {
        "summary": {"water": round_number(ctx.units.liquid(total))},
        "water": [water_entry(ctx, log.log_id, log.amount_ml) for log in logs],
    }


def add_water_log(ctx: RequestContext) -> dict[str, Any]:
    ml = _water_ml(ctx, ctx.args["amount"])
    (log_id,) = nutrition_store(ctx).add_water_logs(
        ctx.user.id, [(ctx.args["date"], ml)], client_id=ctx.token.client_id
    )
    return {"waterLog": water_entry(ctx, log_id, ml)}


def update_water_log(ctx: RequestContext) -> dict[str, Any]:
    ml = _water_ml(ctx, ctx.args["amount"])
    log = nutrition_store(ctx).update_water_log(
        ctx.user.id, ctx.args["log_id"], ml, client_id=ctx.token.client_id
    )
    if log is None:
        raise FitbitError("entity_not_found")
    return {"waterLog": water_entry(ctx, log.log_id, log.amount_ml)}


def delete_water_log(ctx: RequestContext) -> None:
    if not nutrition_store(ctx).delete_water_log(
        ctx.user.id, ctx.args["log_id"], client_id=ctx.token.client_id
    ):
        raise FitbitError("entity_not_found")


def water_goal(ctx: RequestContext) -> dict[str, Any]:
    goals = nutrition_store(ctx).goals(ctx.user.id)
    ml = goals.water_ml if goals.water_ml is not None else DEFAULT_WATER_GOAL_ML
    return {
        "goal": {
            "goal": round_number(ctx.units.liquid(ml), 1),
            "startDate": goals.water_start_date or ctx.user.member_since,
        }
    }


def update_water_goal(ctx: RequestContext) -> dict[str, Any]:
    changes = {
        "water_ml": ctx.units.liquid_to_ml(ctx.args["target"]),
        "water_start_date": ctx.today.isoformat(),
    }
    nutrition_store(ctx).set_goals(ctx.user.id, changes, day=ctx.today, client_id=ctx.token.client_id)
    return water_goal(ctx)


WATER_LOG = schemas.obj({"amount": schemas.NUMBER, "logId": schemas.INTEGER})
WATER_GOAL = schemas.obj({"goal": schemas.obj({"goal": schemas.NUMBER, "startDate": schemas.DATE})})

ROWS: tuple[Endpoint, ...] = (
    nutrition_row(
        "getWaterByDate",
        "GET",
        "/water/date/{date}.json",
        get_water_logs,
        schemas.obj({"summary": schemas.obj({"water": schemas.NUMBER}), "water": schemas.array(WATER_LOG)}),
        "Get Water Log",
        path_params=(DATE,),
    ),
    nutrition_row(
        "addWaterLog",
        "POST",
        "/water.json",
        add_water_log,
        schemas.obj({"waterLog": WATER_LOG}),
        "Create Water Log",
        form=(WATER_AMOUNT, LOG_DATE, WATER_UNIT),
        status=201,
        write=True,
    ),
    nutrition_row(
        "updateWaterLog",
        "POST",
        "/water/{log_id:digits}.json",
        update_water_log,
        schemas.obj({"waterLog": WATER_LOG}),
        "Update Water Log",
        path_params=(WATER_LOG_ID,),
        form=(WATER_AMOUNT, WATER_UNIT),
        write=True,
    ),
    nutrition_row(
        "deleteWaterLog",
        "DELETE",
        "/water/{log_id:digits}.json",
        delete_water_log,
        schemas.EMPTY,
        "Delete Water Log",
        path_params=(WATER_LOG_ID,),
        status=204,
        write=True,
    ),
    nutrition_row("getWaterGoal", "GET", "/water/goal.json", water_goal, WATER_GOAL, "Get Water Goal"),
    nutrition_row(
        "addUpdateWaterGoal",
        "POST",
        "/water/goal.json",
        update_water_goal,
        WATER_GOAL,
        "Update Water Goal",
        form=(WATER_TARGET,),
        write=True,
    ),
)
