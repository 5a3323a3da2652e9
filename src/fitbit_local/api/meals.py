"""Meals: a named set of foods with their amounts, created, read, updated and deleted [DOC nutrition/create-meal,
get-meals, get-meal, update-meal, delete-meal; reference §3.15 rows 108-112]. Create and Update take a JSON body
(``{"name", "description", "mealFoods": [{"foodId", "amount", "unitId"}]}``) or the same fields as form or query
parameters, ``mealFoods`` as JSON text."""

from __future__ import annotations

import math
from typing import Any

import orjson

from fitbit_local.api import schemas
from fitbit_local.api.body import invalid
from fitbit_local.api.context import RequestContext
from fitbit_local.api.food_catalogue import UNIT, round_number, unit_json
from fitbit_local.api.foods import find_food, nutrition_store
from fitbit_local.api.params import entity_id_parser
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.errors import FitbitError
from fitbit_local.store.nutrition import Meal

U = "/user/{user_id}/meals"
MAX_MEAL_FOODS = 50


def _name(raw: str, scope: ParseScope) -> str:
    text = raw.strip()
    if not text or len(text) > 200 or any(ord(c) < 32 for c in text):
        raise invalid("name", raw.encode("unicode_escape").decode()[:40])
    return text


def _description(raw: str, scope: ParseScope) -> str:
    if len(raw) > 500 or any(ord(c) < 32 and c not in "\n\t" for c in raw):
        raise invalid("description", raw.encode("unicode_escape").decode()[:40])
    return raw


def _meal_foods(raw: str, scope: ParseScope) -> list[dict[str, Any]]:
    """``[{"foodId": 80001, "amount": 1, "unitId": 204}, …]``: whole ids, an amount above zero."""
    try:
        items = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise invalid("mealFoods", raw) from None
    if not isinstance(items, list) or not 0 < len(items) <= MAX_MEAL_FOODS:
        raise invalid("mealFoods", raw)
    out = []
    for item in items:
        try:
            food_id, unit_id, amount = int(item["foodId"]), int(item["unitId"]), float(item["amount"])
        except (TypeError, KeyError, ValueError):
            raise invalid("mealFoods", raw) from None
        if food_id <= 0 or not math.isfinite(amount) or not 0 < amount < 100_000:
            raise invalid("mealFoods", raw)
        out.append({"foodId": food_id, "amount": amount, "unitId": unit_id})
    return out


_meal_id = entity_id_parser()


MEAL_ID = Param(
    "meal-id",
    "meal_id",
    "path",
    _meal_id,
    {"type": "string", "pattern": r"^\d+$"},
    created_by=("addMeal", "/meal/id"),
)
MEAL_FORM = (
    Param("name", "name", "form", _name, {"type": "string", "examples": ["Usual breakfast"]}),
    Param(
        "description",
        "description",
        "form",
        _description,
        {"type": "string", "examples": ["weekdays"]},
        required=False,
    ),
    Param(
        "mealFoods",
        "mealFoods",
        "form",
        _meal_foods,
        {"type": "string", "examples": ['[{"foodId": 80001, "amount": 1, "unitId": 204}]']},
        "JSON: [{foodId, amount, unitId}]",
    ),
)


def meal_json(ctx: RequestContext, meal: Meal) -> dict[str, Any]:
    foods = []
    for item in meal.foods:
        food = find_food(ctx, item["foodId"])
        if food is None:  # a custom food deleted since
            continue
        nutrition = food.nutrition_of(item["amount"], item["unitId"])
        foods.append(
            {
                "accessLevel": food.access_level,
                "amount": round_number(item["amount"]),
                "brand": food.brand,
                "calories": round(nutrition["calories"]),
                "foodId": food.food_id,
                "mealTypeId": 7,
                "name": food.name,
                "unit": unit_json(item["unitId"]),
                "units": food.units,
            }
        )
    return {"description": meal.description, "id": meal.meal_id, "mealFoods": foods, "name": meal.name}


def _meal(ctx: RequestContext, meal_id: int) -> Meal:
    """The request's meal, every food one the user can log in the unit given."""
    for item in ctx.args["mealFoods"]:
        food = find_food(ctx, item["foodId"])
        if food is None or item["unitId"] not in food.units:
            raise invalid("mealFoods", orjson.dumps(item).decode())
    return Meal(meal_id, ctx.args["name"], ctx.args.get("description", ""), ctx.args["mealFoods"])


def _stored(ctx: RequestContext, meal_id: int) -> Meal:
    found = nutrition_store(ctx).meals(ctx.user.id, meal_id)
    if not found:
        raise FitbitError("entity_not_found")
    return found[0]


def get_meals(ctx: RequestContext) -> dict[str, Any]:
    return {"meals": [meal_json(ctx, m) for m in nutrition_store(ctx).meals(ctx.user.id)]}


def get_meal(ctx: RequestContext) -> dict[str, Any]:
    return {"meal": meal_json(ctx, _stored(ctx, ctx.args["meal_id"]))}


def add_meal(ctx: RequestContext) -> dict[str, Any]:
    meal = _meal(ctx, 0)
    meal_id = nutrition_store(ctx).save_meal(ctx.user.id, meal, day=ctx.today, client_id=ctx.token.client_id)
    assert meal_id is not None
    return {"meal": meal_json(ctx, _stored(ctx, meal_id))}


def update_meal(ctx: RequestContext) -> dict[str, Any]:
    meal = _meal(ctx, ctx.args["meal_id"])
    if (
        nutrition_store(ctx).save_meal(ctx.user.id, meal, day=ctx.today, client_id=ctx.token.client_id)
        is None
    ):
        raise FitbitError("entity_not_found")
    return {"meal": meal_json(ctx, meal)}


def delete_meal(ctx: RequestContext) -> None:
    store = nutrition_store(ctx)
    if not store.delete_meal(ctx.user.id, ctx.args["meal_id"], day=ctx.today, client_id=ctx.token.client_id):
        raise FitbitError("entity_not_found")


MEAL = schemas.obj(
    {
        "description": schemas.STRING,
        "id": schemas.INTEGER,
        "mealFoods": schemas.array(
            schemas.obj(
                {
                    "accessLevel": schemas.enum("PUBLIC", "PRIVATE"),
                    "amount": schemas.NUMBER,
                    "brand": schemas.STRING,
                    "calories": schemas.INTEGER,
                    "foodId": schemas.INTEGER,
                    "mealTypeId": schemas.INTEGER,
                    "name": schemas.STRING,
                    "unit": UNIT,
                    "units": schemas.array(schemas.INTEGER),
                }
            )
        ),
        "name": schemas.STRING,
    }
)
_ONE = schemas.obj({"meal": MEAL})
_PATH = U + "/{meal_id:digits}.json"
ROWS: tuple[Endpoint, ...] = (
    Endpoint(
        "getMeals",
        "GET",
        (U + ".json",),
        get_meals,
        scope="nutrition",
        response=schemas.obj({"meals": schemas.array(MEAL)}),
        summary="Get Meals",
    ),
    Endpoint(
        "addMeal",
        "POST",
        (U + ".json",),
        add_meal,
        scope="nutrition",
        response=_ONE,
        summary="Create Meal",
        form=MEAL_FORM,
        json_body=True,
        write=True,
        status=201,
    ),
    Endpoint(
        "getMeal",
        "GET",
        (_PATH,),
        get_meal,
        scope="nutrition",
        response=_ONE,
        summary="Get Meal",
        path_params=(MEAL_ID,),
    ),
    Endpoint(
        "updateMeal",
        "POST",
        (_PATH,),
        update_meal,
        scope="nutrition",
        response=_ONE,
        summary="Update Meal",
        path_params=(MEAL_ID,),
        form=MEAL_FORM,
        json_body=True,
        write=True,
    ),
    Endpoint(
        "deleteMeal",
        "DELETE",
        (_PATH,),
        delete_meal,
        scope="nutrition",
        response=schemas.EMPTY,
        summary="Delete Meal",
        path_params=(MEAL_ID,),
        write=True,
        status=204,
    ),
)
