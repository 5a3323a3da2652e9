"""The food database shipped as data (``data/foods.json``, written for this project: a few hundred common foods with
their default unit, its weight in grams or millilitres and the nutritional values of one default unit), the food
units (``data/food_units.json``) and the food locales, and how Fitbit rendered a food.

A food can be logged in its default unit or by weight (gram, oz) — by volume (ml, fl oz) for drinks; the serving
multipliers say how many default units one of each unit is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fitbit_local.api import schemas

GRAM, OUNCE, MILLILITRE, FLUID_OUNCE, SERVING = 147, 226, 209, 91, 304
GRAMS_PER_UNIT = {GRAM: 1.0, OUNCE: 28.349523125, MILLILITRE: 1.0, FLUID_OUNCE: 29.5735295625}
NUTRIENTS = ("calories", "carbs", "fat", "fiber", "protein", "sodium")

# The food database locales [DOC get-food-locales example, extended to the profile's locales].
FOOD_LOCALES = (
    ("en_US", "United States", True, True),
    ("en_GB", "United Kingdom", True, False),
    ("de_DE", "Deutschland", True, False),
    ("fr_FR", "France", True, False),
    ("es_ES", "España", True, False),
    ("en_AU", "Australia", True, False),
    ("en_NZ", "New Zealand", True, False),
    ("ja_JP", "日本", False, False),
)


@dataclass(frozen=True)
class Food:
    food_id: int
    name: str
    brand: str
    unit_id: int  # the default unit
    grams: float  # grams (millilitres for drinks) in one default unit; 0 when unknown
    liquid: bool
    nutrition: dict[str, float]  # of one default unit
    category: str = (
        ""  # f fruit, b breakfast, m main, s side, v vegetable, n snack, d drink, x sweet, c condiment
    )
    access_level: str = "PUBLIC"
    locale: str = "en_US"

    @property
    def units(self) -> list[int]:
        """The default unit, then weights (volumes for drinks) when the default unit's weight is known."""
        if self.grams <= 0:  # a custom food in a unit of its own (a bowl): only that unit
            return [self.unit_id]
        by_measure = [MILLILITRE, FLUID_OUNCE] if self.liquid else [GRAM, OUNCE]
        return [self.unit_id, *(u for u in by_measure if u != self.unit_id)]

    def multiplier(self, unit_id: int) -> float:
        """Default units in one `unit_id`."""
        if unit_id == self.unit_id:
            return 1.0
        return GRAMS_PER_UNIT[unit_id] / self.grams

    def nutrition_of(self, amount: float, unit_id: int) -> dict[str, float]:
        factor = amount * self.multiplier(unit_id)
        return {k: self.nutrition.get(k, 0.0) * factor for k in NUTRIENTS}

    @classmethod
    def from_json(cls, data: dict[str, Any], access_level: str = "PUBLIC") -> Food:
        return cls(
            int(data["foodId"]),
            data["name"],
            data.get("brand", ""),
            int(data["unitId"]),
            float(data["grams"]),
            bool(data.get("liquid", False)),
            {k: float(v) for k, v in data["nutrition"].items()},
            data.get("category", ""),
            access_level,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "foodId": self.food_id,
            "name": self.name,
            "brand": self.brand,
            "unitId": self.unit_id,
            "grams": self.grams,
            "liquid": self.liquid,
            "nutrition": self.nutrition,
        }


def _data(name: str) -> Any:
    return json.loads(resources.files("fitbit_local").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def food_units() -> dict[int, dict[str, Any]]:
    return {u["id"]: u for u in _data("food_units.json")}


@cache
def foods() -> dict[int, Food]:
    return {f.food_id: f for f in (Food.from_json(item) for item in _data("foods.json"))}


def search(query: str, limit: int = 50) -> list[Food]:
    """Foods whose name holds every word of the query (any case); names starting with the query first."""
    words = query.lower().split()
    if not words:
        return []
    found = [f for f in foods().values() if all(w in f.name.lower() for w in words)]
    q = query.lower().strip()
    found.sort(key=lambda f: (not f.name.lower().startswith(q), len(f.name), f.name))
    return found[:limit]


def round_number(value: float, places: int = 2) -> float | int:
    rounded = round(value, places)
    return int(rounded) if rounded == int(rounded) else rounded


def unit_json(unit_id: int) -> dict[str, Any]:
    return dict(food_units()[unit_id])


def nutritional_values(values: dict[str, float]) -> dict[str, float | int]:
    """Calories and sodium (mg) whole, the grams to two decimals [DOC example: 95, 25.1, 0.3, 4.4, 0.5, 2]."""
    return {
        k: round(values.get(k, 0.0)) if k in ("calories", "sodium") else round_number(values.get(k, 0.0))
        for k in NUTRIENTS
    }


def food_summary_json(food: Food) -> dict[str, Any]:
    """A food as search results and food lists show it."""
    return {
        "accessLevel": food.access_level,
        "brand": food.brand,
        "calories": round(food.nutrition.get("calories", 0.0)),
        "defaultServingSize": 1,
        "defaultUnit": unit_json(food.unit_id),
        "foodId": food.food_id,
        "isGeneric": food.access_level == "PUBLIC",
        "locale": food.locale,
        "name": food.name,
        "units": food.units,
    }


def food_json(food: Food) -> dict[str, Any]:
    """Get Food: the summary with nutritional values and the servings of each unit."""
    return {
        **food_summary_json(food),
        "nutritionalValues": nutritional_values(food.nutrition),
        "servings": [
            {
                "multiplier": round_number(food.multiplier(u), 6),
                "servingSize": 1,
                "unit": unit_json(u),
                "unitId": u,
            }
            for u in food.units
        ],
    }


def locales_json() -> list[dict[str, Any]]:
    return [
        {"barcode": barcode, "imageUpload": upload, "label": label, "value": value}
        for value, label, barcode, upload in FOOD_LOCALES
    ]


# --- response schemas of the renderings above ---------------------------------------------------------------------

UNIT = schemas.obj({"id": schemas.INTEGER, "name": schemas.STRING, "plural": schemas.STRING})
NUTRITIONAL_VALUES = schemas.obj({k: schemas.NUMBER for k in NUTRIENTS})
_FOOD_SUMMARY_FIELDS = {
    "accessLevel": schemas.enum("PUBLIC", "PRIVATE"),
    "brand": schemas.STRING,
    "calories": schemas.INTEGER,
    "defaultServingSize": schemas.NUMBER,
    "defaultUnit": UNIT,
    "foodId": schemas.INTEGER,
    "isGeneric": schemas.BOOLEAN,
    "locale": schemas.STRING,
    "name": schemas.STRING,
    "units": schemas.array(schemas.INTEGER),
}
FOOD_SUMMARY = schemas.obj(_FOOD_SUMMARY_FIELDS)
SERVING_SCHEMA = schemas.obj(
    {"multiplier": schemas.NUMBER, "servingSize": schemas.NUMBER, "unit": UNIT, "unitId": schemas.INTEGER}
)
FOOD = schemas.obj(
    {
        **_FOOD_SUMMARY_FIELDS,
        "nutritionalValues": NUTRITIONAL_VALUES,
        "servings": schemas.array(SERVING_SCHEMA),
    }
)
LIST_ENTRY = schemas.obj(
    {
        "accessLevel": schemas.enum("PUBLIC", "PRIVATE"),
        "amount": schemas.NUMBER,
        "brand": schemas.STRING,
        "calories": schemas.INTEGER,
        "defaultServingSize": schemas.NUMBER,
        "defaultUnit": UNIT,
        "foodId": schemas.INTEGER,
        "locale": schemas.STRING,
        "mealTypeId": schemas.INTEGER,
        "name": schemas.STRING,
        "unit": UNIT,
        "units": schemas.array(schemas.INTEGER),
    },
    {"dateLastEaten": schemas.DATE},
)
LOCALE = schemas.obj(
    {
        "barcode": schemas.BOOLEAN,
        "imageUpload": schemas.BOOLEAN,
        "label": schemas.STRING,
        "value": schemas.STRING,
    }
)
