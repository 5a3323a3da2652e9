"""Nutrition: food logs (by date with the day's summary and goal; create by food id or by name and calories; edit;
delete), water logs and the water goal (ml, fl oz or cups), food goals (calories, food plan), and the nutrition
time series (``caloriesIn``, ``water``) [DOC nutrition/*, nutrition-timeseries/*; reference §3.15, §4.10].

Water travels in the ``Accept-Language`` unit (fl oz for en_US, ml otherwise) unless a write names its ``unit``;
it is stored in millilitres.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.body import LOG_DATE, body_store, invalid, positive_number
from fitbit_local.api.context import RequestContext
from fitbit_local.api.food_catalogue import NUTRIENTS, nutritional_values, round_number, unit_json
from fitbit_local.api.foods import (
    NUTRITIONAL_VALUES,
    UNIT,
    UNIT_ID,
    find_food,
    food_id_parser,
    nutrition_store,
)
from fitbit_local.api.params import DATE, RESOURCE
from fitbit_local.api.registry import PERIODS, Endpoint, Param, ParseScope
from fitbit_local.api.series_rows import time_series_rows
from fitbit_local.api.units import LIQUID_UNITS_ML
from fitbit_local.errors import FitbitError
from fitbit_local.physiology.energy import bmr_mifflin_st_jeor
from fitbit_local.store.nutrition import FoodLog

U = "/user/{user_id}/foods/log"
MEAL_TYPES = (
    1,
    2,
    3,
    4,
    5,
    6,
    7,
)  # breakfast … dinner, 6 evening snack (works, undocumented), 7 anytime [3P]
INTENSITY_DEFICIT = {
    "MAINTENANCE": 0,
    "EASIER": 250,
    "MEDIUM": 500,
    "KINDAHARD": 750,
    "HARDER": 1000,
}  # kcal/day
KCAL_PER_KG = 7700  # energy in a kilogram of body fat, for the food plan's estimated date
ACTIVITY_FACTOR = 1.4  # maintenance calories = BMR x this (a lightly active day)
DEFAULT_WATER_GOAL_ML = 64 * 29.5735295625  # 64 fl oz
SERIES_PERIODS = tuple(p for p in PERIODS if p != "max")  # [reference §1.3 defect 8]
SERIES_MAX_DAYS = 1095


# --- parameters -------------------------------------------------------------------------------------------------


def _meal_type(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or int(raw) not in MEAL_TYPES:
        raise invalid("mealTypeId", raw)
    return int(raw)


def _log_id(raw: str, scope: ParseScope) -> int:
    if len(raw) > 18:
        raise FitbitError("entity_not_found")
    return int(raw)


def _boolean(field: str) -> Callable[[str, ParseScope], bool]:
    def parse(raw: str, scope: ParseScope) -> bool:
        if raw.lower() not in ("true", "false"):
            raise invalid(field, raw)
        return raw.lower() == "true"

    return parse


def _text(field: str) -> Callable[[str, ParseScope], str]:
    def parse(raw: str, scope: ParseScope) -> str:
        text = raw.strip()
        if not text or len(text) > 200 or any(ord(c) < 32 for c in text):
            raise invalid(field, raw.encode("unicode_escape").decode()[:40])
        return text

    return parse


def _calories(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or int(raw) > 100_000:
        raise invalid("calories", raw)
    return int(raw)


def _liquid_unit(raw: str, scope: ParseScope) -> str:
    if raw not in LIQUID_UNITS_ML:
        raise invalid("unit", raw)
    return raw


def _intensity(raw: str, scope: ParseScope) -> str:
    if raw not in INTENSITY_DEFICIT:
        raise invalid("intensity", raw)
    return raw


_NUMBER = {"type": "string", "pattern": r"^\d+(\.\d+)?$"}


def _optional(name: str, parse: Callable[[str, ParseScope], Any], schema: dict[str, Any]) -> Param:
    return Param(name, name, "form", parse, schema, required=False)


FOOD_LOG_ID = Param(
    "food-log-id",
    "log_id",
    "path",
    _log_id,
    {"type": "string", "pattern": r"^\d+$"},
    created_by=("addFoodsLog", "/foodLog/logId"),
)
WATER_LOG_ID = Param(
    "water-log-id",
    "log_id",
    "path",
    _log_id,
    {"type": "string", "pattern": r"^\d+$"},
    created_by=("addWaterLog", "/waterLog/logId"),
)
MEAL_TYPE = Param("mealTypeId", "mealTypeId", "form", _meal_type, schemas.enum(*(str(m) for m in MEAL_TYPES)))
AMOUNT = Param("amount", "amount", "form", positive_number("amount", 100_000), {**_NUMBER, "examples": ["1"]})
CALORIES = _optional("calories", _calories, {"type": "string", "pattern": r"^\d+$", "examples": ["200"]})
FOOD_LOG_FORM = (
    _optional("foodId", food_id_parser("foodId"), {"type": "string", "examples": ["80001"]}),
    _optional("foodName", _text("foodName"), {"type": "string", "examples": ["Homemade soup"]}),
    MEAL_TYPE,
    UNIT_ID,
    AMOUNT,
    LOG_DATE,
    _optional("favorite", _boolean("favorite"), schemas.enum("false", "true")),
    _optional("brandName", _text("brandName"), {"type": "string", "examples": ["Home"]}),
    CALORIES,
)
EDIT_FORM = (
    MEAL_TYPE,
    Param("unitId", "unitId", "form", UNIT_ID.parse, UNIT_ID.schema, required=False),
    Param("amount", "amount", "form", AMOUNT.parse, AMOUNT.schema, required=False),
    CALORIES,
)
WATER_AMOUNT = Param(
    "amount", "amount", "form", positive_number("amount", 100_000), {**_NUMBER, "examples": ["250"]}
)
WATER_UNIT = _optional("unit", _liquid_unit, schemas.enum(*LIQUID_UNITS_ML))
FOOD_GOAL_FORM = (
    _optional("calories", _calories, {"type": "string", "pattern": r"^\d+$", "examples": ["2200"]}),
    _optional("intensity", _intensity, schemas.enum(*INTENSITY_DEFICIT)),
    _optional("personalized", _boolean("personalized"), schemas.enum("false", "true")),
)
WATER_TARGET = Param(
    "target", "target", "form", positive_number("target", 100_000), {**_NUMBER, "examples": ["2000"]}
)


# --- food logs ---------------------------------------------------------------------------------------------------


def food_log_entry(ctx: RequestContext, log: FoodLog, favorites: set[int]) -> dict[str, Any]:
    food = find_food(ctx, log.food_id) if log.food_id is not None else None
    logged: dict[str, Any] = {
        "accessLevel": food.access_level if food else "PRIVATE",
        "amount": round_number(log.amount),
        "brand": log.brand,
        "calories": round(log.nutrition.get("calories", 0.0)),
        "foodId": log.food_id or 0,  # a log by name has no food [catalogue: "requires a non-zero foodId"]
        "locale": food.locale if food else ctx.user.locale,
        "mealTypeId": log.meal_type_id,
        "name": log.name,
        "unit": unit_json(log.unit_id),
        "units": food.units if food else [log.unit_id],
    }
    return {
        "isFavorite": log.food_id in favorites,
        "logDate": log.day.isoformat(),
        "logId": log.log_id,
        "loggedFood": logged,
        "nutritionalValues": nutritional_values(log.nutrition),
    }


def day_summary(ctx: RequestContext, day: date) -> dict[str, Any]:
    store = nutrition_store(ctx)
    totals = dict.fromkeys(NUTRIENTS, 0.0)
    for log in store.food_logs(ctx.user.id, day, day):
        for k in NUTRIENTS:
            totals[k] += log.nutrition.get(k, 0.0)
    water_ml = store.water_by_day(ctx.user.id, day, day).get(day.isoformat(), 0.0)
    return {**nutritional_values(totals), "water": round_number(ctx.units.liquid(water_ml))}


def get_food_logs(ctx: RequestContext) -> dict[str, Any]:
    store = nutrition_store(ctx)
    favorites = set(store.favorites(ctx.user.id))
    return {
        "foods": [
            food_log_entry(ctx, log, favorites) for log in store.food_logs(ctx.user.id, ctx.day, ctx.day)
        ],
        "goals": {"calories": calorie_goal(ctx)},
        "summary": day_summary(ctx, ctx.day),
    }


def _food_log(ctx: RequestContext, args: dict[str, Any], log_id: int = 0, day: date | None = None) -> FoodLog:
    """The log the request describes: a food by id in one of its units, or a food by name with its calories."""
    amount: float = args["amount"]
    unit_id: int = args["unitId"]
    meal = args["mealTypeId"]
    day = day or args["date"]
    if "foodId" in args:
        food = find_food(ctx, args["foodId"])
        if food is None:
            raise invalid("foodId", str(args["foodId"]))
        if unit_id not in food.units:
            raise invalid("unitId", str(unit_id))
        return FoodLog(
            log_id,
            day,
            ctx.now,
            food.food_id,
            food.name,
            food.brand,
            meal,
            unit_id,
            amount,
            food.nutrition_of(amount, unit_id),
        )
    if "foodName" not in args:
        raise FitbitError("validation_required", field_name="foodId", label="FoodId")
    if "calories" not in args:
        raise FitbitError("validation_required", field_name="calories", label="Calories")
    nutrition = {k: 0.0 for k in NUTRIENTS} | {"calories": float(args["calories"])}
    return FoodLog(
        log_id,
        day,
        ctx.now,
        None,
        args["foodName"],
        args.get("brandName", ""),
        meal,
        unit_id,
        amount,
        nutrition,
    )


def add_food_log(ctx: RequestContext) -> dict[str, Any]:
    log = _food_log(ctx, ctx.args)
    store = nutrition_store(ctx)
    favorite = log.food_id if ctx.args.get("favorite") and log.food_id is not None else None
    (log_id,) = store.add_food_logs(ctx.user.id, [log], client_id=ctx.token.client_id, favorite=favorite)
    saved = store.food_log(ctx.user.id, log_id)
    assert saved is not None
    return {
        "foodDay": {"date": log.day.isoformat(), "summary": day_summary(ctx, log.day)},
        "foodLog": food_log_entry(ctx, saved, set(store.favorites(ctx.user.id))),
    }


def edit_food_log(ctx: RequestContext) -> dict[str, Any]:
    store = nutrition_store(ctx)
    old = store.food_log(ctx.user.id, ctx.args["log_id"])
    if old is None:
        raise FitbitError("entity_not_found")
    args = {"mealTypeId": ctx.args["mealTypeId"], "unitId": old.unit_id, "amount": old.amount}
    if old.food_id is None:  # a log by name: only its meal and calories change
        if "unitId" in ctx.args or "amount" in ctx.args:
            raise FitbitError("food_log_without_food")
        args |= {"foodName": old.name, "brandName": old.brand}
        args["calories"] = ctx.args.get("calories", round(old.nutrition.get("calories", 0.0)))
    else:
        args |= {"foodId": old.food_id} | {k: ctx.args[k] for k in ("unitId", "amount") if k in ctx.args}
    log = _food_log(ctx, args, old.log_id, old.day)
    store.replace_food_log(ctx.user.id, log, client_id=ctx.token.client_id)
    return {"foodLog": food_log_entry(ctx, log, set(store.favorites(ctx.user.id)))}


def delete_food_log(ctx: RequestContext) -> None:
    if not nutrition_store(ctx).delete_food_log(
        ctx.user.id, ctx.args["log_id"], client_id=ctx.token.client_id
    ):
        raise FitbitError("entity_not_found")


# --- food goals ----------------------------------------------------------------------------------------------------


def maintenance_calories(ctx: RequestContext) -> float:
    user = ctx.user
    age = user.age_on(ctx.today)
    sexes = (user.sex,) if user.sex in ("MALE", "FEMALE") else ("MALE", "FEMALE")
    bmr = sum(bmr_mifflin_st_jeor(s, user.weight_kg, user.height_cm, age) for s in sexes) / len(sexes)
    return bmr * ACTIVITY_FACTOR


def calorie_goal(ctx: RequestContext) -> int:
    """The manual goal when one is set, else the food plan's (maintenance less the intensity's deficit)."""
    goals = nutrition_store(ctx).goals(ctx.user.id)
    if goals.calories is not None:
        return goals.calories
    return round(maintenance_calories(ctx) - INTENSITY_DEFICIT.get(goals.intensity or "MAINTENANCE", 0))


def food_goals(ctx: RequestContext) -> dict[str, Any]:
    goals = nutrition_store(ctx).goals(ctx.user.id)
    out: dict[str, Any] = {"goals": {"calories": calorie_goal(ctx)}}
    if goals.intensity is not None:
        deficit = INTENSITY_DEFICIT[goals.intensity]
        body = body_store(ctx).goals(ctx.user.id)
        to_lose = max(0.0, ctx.user.weight_kg - (body.weight_kg or ctx.user.weight_kg))
        days = round(to_lose * KCAL_PER_KG / deficit) if deficit else 0
        out["foodPlan"] = {
            "estimatedDate": (ctx.today + timedelta(days=days)).isoformat(),
            "intensity": goals.intensity,
            "personalized": bool(goals.personalized),
        }
    return out


def update_food_goals(ctx: RequestContext) -> dict[str, Any]:
    args = ctx.args
    if "calories" not in args and "intensity" not in args:
        raise FitbitError("validation_required", field_name="calories", label="Calories")
    changes: dict[str, object] = {}
    if "calories" in args:
        changes["calories"] = args["calories"]
    if "intensity" in args:
        changes |= {"intensity": args["intensity"], "personalized": args.get("personalized", False)}
        if "calories" not in args:
            changes["calories"] = None  # the plan sets the goal
    nutrition_store(ctx).set_goals(ctx.user.id, changes, day=ctx.today, client_id=ctx.token.client_id)
    return food_goals(ctx)


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


# --- time series ------------------------------------------------------------------------------------------------


def nutrition_time_series(ctx: RequestContext) -> dict[str, Any]:
    """``caloriesIn`` (whole kcal) or ``water`` (in the Accept-Language unit, one decimal [DOC: "value":"0.0"])."""
    resource: str = ctx.args["resource"]
    start, end = ctx.days[0], ctx.days[-1]
    store = nutrition_store(ctx)
    if resource == "caloriesIn":
        totals = store.calories_by_day(ctx.user.id, start, end)
        values = [str(round(totals.get(d.isoformat(), 0.0))) for d in ctx.days]
    else:
        totals = store.water_by_day(ctx.user.id, start, end)
        values = [str(round(ctx.units.liquid(totals.get(d.isoformat(), 0.0)), 1)) for d in ctx.days]
    return {
        "foods-log-" + resource: [
            {"dateTime": d.isoformat(), "value": v} for d, v in zip(ctx.days, values, strict=True)
        ]
    }


# --- rows -----------------------------------------------------------------------------------------------------------

SUMMARY = schemas.obj({**{k: schemas.NUMBER for k in NUTRIENTS}, "water": schemas.NUMBER})
FOOD_LOG = schemas.obj(
    {
        "isFavorite": schemas.BOOLEAN,
        "logDate": schemas.DATE,
        "logId": schemas.INTEGER,
        "loggedFood": schemas.obj(
            {
                "accessLevel": schemas.enum("PUBLIC", "PRIVATE"),
                "amount": schemas.NUMBER,
                "brand": schemas.STRING,
                "calories": schemas.INTEGER,
                "foodId": schemas.INTEGER,
                "locale": schemas.STRING,
                "mealTypeId": schemas.INTEGER,
                "name": schemas.STRING,
                "unit": UNIT,
                "units": schemas.array(schemas.INTEGER),
            }
        ),
        "nutritionalValues": NUTRITIONAL_VALUES,
    }
)
WATER_LOG = schemas.obj({"amount": schemas.NUMBER, "logId": schemas.INTEGER})
FOOD_GOALS = schemas.obj(
    {"goals": schemas.obj({"calories": schemas.INTEGER})},
    {
        "foodPlan": schemas.obj(
            {
                "estimatedDate": schemas.DATE,
                "intensity": schemas.enum(*INTENSITY_DEFICIT),
                "personalized": schemas.BOOLEAN,
            }
        )
    },
)
WATER_GOAL = schemas.obj({"goal": schemas.obj({"goal": schemas.NUMBER, "startDate": schemas.DATE})})
NUTRITION_RESOURCES = {"caloriesIn": "caloriesIn", "water": "water"}


def _row(
    name: str, method: str, path: str, handler: Any, response: Any, summary: str, **fields: Any
) -> Endpoint:
    return Endpoint(
        name, method, (U + path,), handler, scope="nutrition", response=response, summary=summary, **fields
    )


_WRITE: dict[str, Any] = {"write": True}
ROWS: tuple[Endpoint, ...] = (
    _row(
        "getFoodsByDate",
        "GET",
        "/date/{date}.json",
        get_food_logs,
        schemas.obj(
            {
                "foods": schemas.array(FOOD_LOG),
                "goals": schemas.obj({"calories": schemas.INTEGER}),
                "summary": SUMMARY,
            }
        ),
        "Get Food Log",
        path_params=(DATE,),
    ),
    _row(
        "addFoodsLog",
        "POST",
        ".json",
        add_food_log,
        schemas.obj(
            {"foodDay": schemas.obj({"date": schemas.DATE, "summary": SUMMARY}), "foodLog": FOOD_LOG}
        ),
        "Create Food Log",
        form=FOOD_LOG_FORM,
        status=201,
        **_WRITE,
    ),
    _row(
        "editFoodsLog",
        "POST",
        "/{log_id:logid}.json",
        edit_food_log,
        schemas.obj({"foodLog": FOOD_LOG}),
        "Update Food Log",
        path_params=(FOOD_LOG_ID,),
        form=EDIT_FORM,
        **_WRITE,
    ),
    _row(
        "deleteFoodsLog",
        "DELETE",
        "/{log_id:logid}.json",
        delete_food_log,
        schemas.EMPTY,
        "Delete Food Log",
        path_params=(FOOD_LOG_ID,),
        status=204,
        **_WRITE,
    ),
    _row("getFoodsGoal", "GET", "/goal.json", food_goals, FOOD_GOALS, "Get Food Goals"),
    _row(
        "addUpdateFoodsGoal",
        "POST",
        "/goal.json",
        update_food_goals,
        FOOD_GOALS,
        "Update Food Goal",
        form=FOOD_GOAL_FORM,
        **_WRITE,
    ),
    _row(
        "getWaterByDate",
        "GET",
        "/water/date/{date}.json",
        get_water_logs,
        schemas.obj({"summary": schemas.obj({"water": schemas.NUMBER}), "water": schemas.array(WATER_LOG)}),
        "Get Water Log",
        path_params=(DATE,),
    ),
    _row(
        "addWaterLog",
        "POST",
        "/water.json",
        add_water_log,
        schemas.obj({"waterLog": WATER_LOG}),
        "Create Water Log",
        form=(WATER_AMOUNT, LOG_DATE, WATER_UNIT),
        status=201,
        **_WRITE,
    ),
    _row(
        "updateWaterLog",
        "POST",
        "/water/{log_id:logid}.json",
        update_water_log,
        schemas.obj({"waterLog": WATER_LOG}),
        "Update Water Log",
        path_params=(WATER_LOG_ID,),
        form=(WATER_AMOUNT, WATER_UNIT),
        **_WRITE,
    ),
    _row(
        "deleteWaterLog",
        "DELETE",
        "/water/{log_id:logid}.json",
        delete_water_log,
        schemas.EMPTY,
        "Delete Water Log",
        path_params=(WATER_LOG_ID,),
        status=204,
        **_WRITE,
    ),
    _row("getWaterGoal", "GET", "/water/goal.json", water_goal, WATER_GOAL, "Get Water Goal"),
    _row(
        "addUpdateWaterGoal",
        "POST",
        "/water/goal.json",
        update_water_goal,
        WATER_GOAL,
        "Update Water Goal",
        form=(WATER_TARGET,),
        **_WRITE,
    ),
    *time_series_rows(
        U + "/{resource}/date/{date}",
        names=("getFoodsResourceByDatePeriod", "getFoodsByDateRange"),
        summaries=("Get Nutrition Time Series by Date", "Get Nutrition Time Series by Date Range"),
        handler=nutrition_time_series,
        periods=SERIES_PERIODS,
        lead=(RESOURCE,),
        query=(),
        scope="nutrition",
        response=schemas.one_key(
            r"^foods-log-(caloriesIn|water)$", schemas.day_values(schemas.NUMBER_STRING)
        ),
        max_range_days=SERIES_MAX_DAYS,
        resources=NUTRITION_RESOURCES,
    ),
)
