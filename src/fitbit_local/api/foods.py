"""Foods: the food database (search, a food by id, units, locales), custom foods (create, delete), favorite,
frequent and recent foods [DOC nutrition/*; reference §3.15 rows 97-107, §4.10]."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.body import invalid, positive_number
from fitbit_local.api.context import RequestContext
from fitbit_local.api.food_catalogue import (
    FOOD,
    FOOD_SUMMARY,
    GRAMS_PER_UNIT,
    LIST_ENTRY,
    LOCALE,
    UNIT,
    Food,
    food_json,
    food_summary_json,
    food_units,
    foods,
    locales_json,
    round_number,
    search,
    unit_json,
)
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.errors import FitbitError
from fitbit_local.store import Store
from fitbit_local.store.nutrition import FoodLog, NutritionRepository

U = "/user/{user_id}"


@cache
def _repository(store: Store) -> NutritionRepository:
    return NutritionRepository(store.engine)


def nutrition_store(ctx: RequestContext) -> NutritionRepository:
    return _repository(ctx.services.store)


def find_food(ctx: RequestContext, food_id: int) -> Food | None:
    """A food of the database, or a custom food of the requesting user (another user's is not found)."""
    food = foods().get(food_id)
    if food is not None:
        return food
    custom = nutrition_store(ctx).custom_food(food_id)
    if custom is None or custom[0] != ctx.user.id:
        return None
    return Food.from_json(custom[1], access_level="PRIVATE")


def food_or_not_found(ctx: RequestContext, food_id: int) -> Food:
    food = find_food(ctx, food_id)
    if food is None:
        raise FitbitError("entity_not_found")
    return food


# --- parameters -------------------------------------------------------------------------------------------------


def food_id_parser(field: str) -> Callable[[str, ParseScope], int]:
    def parse(raw: str, scope: ParseScope) -> int:
        if not raw.isdigit() or len(raw) > 18:
            raise invalid(field, raw)
        return int(raw)

    return parse


def _unit_id(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or int(raw) not in food_units():
        raise invalid("unitId", raw)
    return int(raw)


def _text(field: str, max_length: int) -> Callable[[str, ParseScope], str]:
    def parse(raw: str, scope: ParseScope) -> str:
        text = raw.strip()
        if not text or len(text) > max_length or any(ord(c) < 32 for c in text):
            raise invalid(field, raw.encode("unicode_escape").decode())
        return text

    return parse


def _any_text(raw: str, scope: ParseScope) -> str:
    return raw


def _form_type(raw: str, scope: ParseScope) -> str:
    if raw not in ("LIQUID", "DRY"):
        raise invalid("formType", raw)
    return raw


def _nonnegative(field: str) -> Callable[[str, ParseScope], float]:
    positive = positive_number(field, 100_000)

    def parse(raw: str, scope: ParseScope) -> float:
        return 0.0 if raw.strip() in ("0", "0.0") else positive(raw, scope)

    return parse


FOOD_ID_PATH = Param(
    "food-id",
    "food_id",
    "path",
    food_id_parser("food-id"),
    {"type": "string", "pattern": r"^\d+$", "examples": ["80001"]},
)
CUSTOM_FOOD_ID = Param(
    "food-id",
    "food_id",
    "path",
    food_id_parser("food-id"),
    {"type": "string", "pattern": r"^\d+$"},
    created_by=("addFoods", "/food/foodId"),
)
QUERY = Param("query", "query", "query", _any_text, {"type": "string", "examples": ["apple"]}, "search words")
UNIT_ID = Param(
    "unitId", "unitId", "form", _unit_id, {"type": "string", "examples": ["147"]}, "a food unit id"
)
_AMOUNT_SCHEMA = {"type": "string", "pattern": r"^\d+(\.\d+)?$"}
CUSTOM_FOOD_FORM = (
    Param("name", "name", "form", _text("name", 200), {"type": "string", "examples": ["Grandma's granola"]}),
    Param(
        "defaultFoodMeasurementUnitId",
        "defaultFoodMeasurementUnitId",
        "form",
        _unit_id,
        {"type": "string", "examples": ["304"]},
    ),
    Param(
        "defaultServingSize",
        "defaultServingSize",
        "form",
        positive_number("defaultServingSize", 100_000),
        {**_AMOUNT_SCHEMA, "examples": ["1"]},
    ),
    Param("calories", "calories", "form", _nonnegative("calories"), {**_AMOUNT_SCHEMA, "examples": ["250"]}),
    Param("formType", "formType", "form", _form_type, schemas.enum("DRY", "LIQUID"), required=False),
    Param(
        "description",
        "description",
        "form",
        _text("description", 500),
        {"type": "string", "examples": ["with oats"]},
        required=False,
    ),
    Param(
        "totalCarbohydrate",
        "totalCarbohydrate",
        "form",
        _nonnegative("totalCarbohydrate"),
        {**_AMOUNT_SCHEMA, "examples": ["30"]},
        required=False,
    ),
    Param(
        "totalFat",
        "totalFat",
        "form",
        _nonnegative("totalFat"),
        {**_AMOUNT_SCHEMA, "examples": ["10"]},
        required=False,
    ),
    Param(
        "dietaryFiber",
        "dietaryFiber",
        "form",
        _nonnegative("dietaryFiber"),
        {**_AMOUNT_SCHEMA, "examples": ["2"]},
        required=False,
    ),
    Param(
        "protein",
        "protein",
        "form",
        _nonnegative("protein"),
        {**_AMOUNT_SCHEMA, "examples": ["5"]},
        required=False,
    ),
    Param(
        "sodium",
        "sodium",
        "form",
        _nonnegative("sodium"),
        {**_AMOUNT_SCHEMA, "examples": ["120"]},
        required=False,
    ),
)


# --- handlers ---------------------------------------------------------------------------------------------------


def search_foods(ctx: RequestContext) -> dict[str, Any]:
    return {"foods": [food_summary_json(f) for f in search(ctx.args["query"])]}


def get_food(ctx: RequestContext) -> dict[str, Any]:
    return {"food": food_json(food_or_not_found(ctx, ctx.args["food_id"]))}


def get_food_units(ctx: RequestContext) -> list[dict[str, Any]]:
    return [dict(u) for u in food_units().values()]


def get_food_locales(ctx: RequestContext) -> list[dict[str, Any]]:
    return locales_json()


def add_food(ctx: RequestContext) -> dict[str, Any]:
    """Create Food: a private food whose default unit holds the given values per ``defaultServingSize`` units."""
    args = ctx.args
    size: float = args["defaultServingSize"]
    unit_id: int = args["defaultFoodMeasurementUnitId"]
    per_unit = {
        "calories": args["calories"],
        "carbs": args.get("totalCarbohydrate", 0.0),
        "fat": args.get("totalFat", 0.0),
        "fiber": args.get("dietaryFiber", 0.0),
        "protein": args.get("protein", 0.0),
        "sodium": args.get("sodium", 0.0),
    }
    liquid = args.get("formType") == "LIQUID"
    grams = GRAMS_PER_UNIT.get(unit_id, 0.0)  # a weight or volume unit converts; a bowl's weight is unknown
    data = {
        "foodId": 0,
        "name": args["name"],
        "brand": "",
        "unitId": unit_id,
        "grams": grams,
        "liquid": liquid,
        "nutrition": {k: v / size for k, v in per_unit.items()},
    }
    food_id = nutrition_store(ctx).add_custom_food(
        ctx.user.id, data, day=ctx.today, client_id=ctx.token.client_id
    )
    return {"food": food_json(Food.from_json({**data, "foodId": food_id}, access_level="PRIVATE"))}


def delete_food(ctx: RequestContext) -> None:
    store = nutrition_store(ctx)
    if not store.delete_custom_food(
        ctx.user.id, ctx.args["food_id"], day=ctx.today, client_id=ctx.token.client_id
    ):
        raise FitbitError("entity_not_found")


def list_entry(food: Food, log: FoodLog | None = None) -> dict[str, Any]:
    """A food in the favorite, frequent and recent lists: with the amount, unit and meal it was last logged with."""
    entry = {
        "accessLevel": food.access_level,
        "amount": round_number(log.amount if log else 1),
        "brand": food.brand,
        "calories": round(
            (log.nutrition.get("calories", 0.0)) if log else food.nutrition.get("calories", 0.0)
        ),
        "defaultServingSize": 1,
        "defaultUnit": unit_json(food.unit_id),
        "foodId": food.food_id,
        "locale": food.locale,
        "mealTypeId": log.meal_type_id if log else 7,
        "name": food.name,
        "unit": unit_json(log.unit_id if log else food.unit_id),
        "units": food.units,
    }
    if log is not None:
        entry["dateLastEaten"] = log.day.isoformat()
    return entry


def _logged(ctx: RequestContext) -> list[tuple[Food, FoodLog]]:
    out = []
    for log in nutrition_store(ctx).logged_foods(ctx.user.id):
        food = find_food(ctx, log.food_id) if log.food_id is not None else None
        if food is not None:
            out.append((food, log))
    return out


def get_recent_foods(ctx: RequestContext) -> list[dict[str, Any]]:
    """Distinct foods, the most recently logged first, each with its latest log [DOC get-recent-foods]."""
    seen: set[int] = set()
    out = []
    for food, log in _logged(ctx):
        if food.food_id not in seen:
            seen.add(food.food_id)
            out.append(list_entry(food, log))
    return out[:20]


def get_frequent_foods(ctx: RequestContext) -> list[dict[str, Any]]:
    logged = _logged(ctx)
    counts = Counter(food.food_id for food, _ in logged)
    latest: dict[int, tuple[Food, FoodLog]] = {}
    for food, log in logged:
        latest.setdefault(food.food_id, (food, log))
    ranked = sorted(latest.values(), key=lambda pair: (-counts[pair[0].food_id], pair[0].name))
    out = []
    for food, log in ranked[:20]:
        entry = list_entry(food, log)
        del entry["dateLastEaten"]
        out.append(entry)
    return out


def get_favorite_foods(ctx: RequestContext) -> list[dict[str, Any]]:
    out = []
    for food_id in nutrition_store(ctx).favorites(ctx.user.id):
        food = find_food(ctx, food_id)
        if food is not None:
            out.append(list_entry(food))
    return out


def _favorite(favorite: bool) -> Callable[[RequestContext], dict[str, Any] | None]:
    """Adding answers 201 with an empty JSON object, deleting 204 with no body [OBS namelivia/fitbit-http-php#11,
    of the activity favorites: "return an empty json and an empty string respectively"]."""

    def handler(ctx: RequestContext) -> dict[str, Any] | None:
        food = food_or_not_found(ctx, ctx.args["food_id"])
        nutrition_store(ctx).set_favorite(
            ctx.user.id, food.food_id, favorite, day=ctx.today, client_id=ctx.token.client_id
        )
        return {} if favorite else None

    handler.__name__ = "add_favorite_food" if favorite else "delete_favorite_food"
    return handler


# --- rows ---------------------------------------------------------------------------------------------------------


def _row(
    name: str, method: str, path: str, handler: Any, response: Any, summary: str, **fields: Any
) -> Endpoint:
    return Endpoint(
        name, method, (path,), handler, scope="nutrition", response=response, summary=summary, **fields
    )


ROWS: tuple[Endpoint, ...] = (
    _row(
        "getFoodsList",
        "GET",
        "/foods/search.json",
        search_foods,
        schemas.obj({"foods": schemas.array(FOOD_SUMMARY)}),
        "Search Foods",
        query=(QUERY,),
    ),
    _row("getFoodsUnits", "GET", "/foods/units.json", get_food_units, schemas.array(UNIT), "Get Food Units"),
    _row(
        "getFoodsLocales",
        "GET",
        "/foods/locales.json",
        get_food_locales,
        schemas.array(LOCALE),
        "Get Food Locales",
    ),
    _row(
        "getFoodsInfo",
        "GET",
        "/foods/{food_id}.json",
        get_food,
        schemas.obj({"food": FOOD}),
        "Get Food",
        path_params=(FOOD_ID_PATH,),
    ),
    _row(
        "addFoods",
        "POST",
        U + "/foods.json",
        add_food,
        schemas.obj({"food": FOOD}),
        "Create Food",
        form=CUSTOM_FOOD_FORM,
        write=True,
        status=201,
    ),
    _row(
        "deleteFoods",
        "DELETE",
        U + "/foods/{food_id:digits}.json",
        delete_food,
        schemas.EMPTY,
        "Delete Custom Food",
        path_params=(CUSTOM_FOOD_ID,),
        write=True,
        status=204,
    ),
    _row(
        "getFavoriteFoods",
        "GET",
        U + "/foods/log/favorite.json",
        get_favorite_foods,
        schemas.array(LIST_ENTRY),
        "Get Favorite Foods",
    ),
    _row(
        "getFrequentFoods",
        "GET",
        U + "/foods/log/frequent.json",
        get_frequent_foods,
        schemas.array(LIST_ENTRY),
        "Get Frequent Foods",
    ),
    _row(
        "getRecentFoods",
        "GET",
        U + "/foods/log/recent.json",
        get_recent_foods,
        schemas.array(LIST_ENTRY),
        "Get Recent Foods",
    ),
    _row(
        "addFavoriteFood",
        "POST",
        U + "/foods/log/favorite/{food_id}.json",
        _favorite(True),
        schemas.obj({}),
        "Add Favorite Food",
        path_params=(FOOD_ID_PATH,),
        write=True,
        status=201,
    ),
    _row(
        "deleteFavoriteFood",
        "DELETE",
        U + "/foods/log/favorite/{food_id}.json",
        _favorite(False),
        schemas.EMPTY,
        "Delete Favorite Food",
        path_params=(FOOD_ID_PATH,),
        write=True,
        status=204,
    ),
)
