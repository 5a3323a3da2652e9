"""Nutrition: food logs (by date with the day's summary and goal; create by food id or by name and calories; edit;
delete) and the nutrition time series (``caloriesIn``, ``water``) [DOC nutrition/*, nutrition-timeseries/*;
reference §3.15, §4.10]. Water logs are in water.py, food goals in food_goals.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.body import LOG_DATE, invalid, positive_number
from fitbit_local.api.context import RequestContext
from fitbit_local.api.food_catalogue import (
    NUTRIENTS,
    NUTRITIONAL_VALUES,
    UNIT,
    nutritional_values,
    round_number,
    unit_json,
)
from fitbit_local.api.food_goals import calorie_goal
from fitbit_local.api.foods import (
    UNIT_ID,
    find_food,
    food_id_parser,
    nutrition_store,
)
from fitbit_local.api.nutrition_params import (
    NUMBER_SCHEMA,
    U,
    boolean_param,
    nutrition_row,
    optional_param,
    parse_calories,
    parse_log_id,
    text_param,
)
from fitbit_local.api.params import DATE, RESOURCE
from fitbit_local.api.registry import PERIODS, Endpoint, Param, ParseScope
from fitbit_local.api.series_rows import time_series_rows
from fitbit_local.errors import FitbitError
from fitbit_local.store.nutrition import FoodLog

# 1 breakfast, 2 morning snack, 3 lunch, 4 afternoon snack, 5 dinner, 6 evening snack (works, undocumented),
# 7 anytime [3P jpstroop _constants.py; reference §4.10]
MEAL_TYPES = (1, 2, 3, 4, 5, 6, 7)
SERIES_PERIODS = tuple(p for p in PERIODS if p != "max")  # [reference §1.3 defect 8]
SERIES_MAX_DAYS = 1095


# --- parameters -------------------------------------------------------------------------------------------------


def _meal_type(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or int(raw) not in MEAL_TYPES:
        raise invalid("mealTypeId", raw)
    return int(raw)


FOOD_LOG_ID = Param(
    "food-log-id",
    "log_id",
    "path",
    parse_log_id,
    {"type": "string", "pattern": r"^\d+$"},
    created_by=("addFoodsLog", "/foodLog/logId"),
)
MEAL_TYPE = Param("mealTypeId", "mealTypeId", "form", _meal_type, schemas.enum(*(str(m) for m in MEAL_TYPES)))
AMOUNT = Param(
    "amount", "amount", "form", positive_number("amount", 100_000), {**NUMBER_SCHEMA, "examples": ["1"]}
)
CALORIES = optional_param(
    "calories", parse_calories, {"type": "string", "pattern": r"^\d+$", "examples": ["200"]}
)
FOOD_LOG_FORM = (
    optional_param("foodId", food_id_parser("foodId"), {"type": "string", "examples": ["80001"]}),
    optional_param("foodName", text_param("foodName"), {"type": "string", "examples": ["Homemade soup"]}),
    MEAL_TYPE,
    UNIT_ID,
    AMOUNT,
    LOG_DATE,
    optional_param("favorite", boolean_param("favorite"), schemas.enum("false", "true")),
    optional_param("brandName", text_param("brandName"), {"type": "string", "examples": ["Home"]}),
    CALORIES,
)
EDIT_FORM = (
    MEAL_TYPE,
    Param("unitId", "unitId", "form", UNIT_ID.parse, UNIT_ID.schema, required=False),
    Param("amount", "amount", "form", AMOUNT.parse, AMOUNT.schema, required=False),
    CALORIES,
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
NUTRITION_RESOURCES = {"caloriesIn": "caloriesIn", "water": "water"}


ROWS: tuple[Endpoint, ...] = (
    nutrition_row(
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
    nutrition_row(
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
        write=True,
    ),
    nutrition_row(
        "editFoodsLog",
        "POST",
        "/{log_id:digits}.json",
        edit_food_log,
        schemas.obj({"foodLog": FOOD_LOG}),
        "Update Food Log",
        path_params=(FOOD_LOG_ID,),
        form=EDIT_FORM,
        write=True,
    ),
    nutrition_row(
        "deleteFoodsLog",
        "DELETE",
        "/{log_id:digits}.json",
        delete_food_log,
        schemas.EMPTY,
        "Delete Food Log",
        path_params=(FOOD_LOG_ID,),
        status=204,
        write=True,
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
