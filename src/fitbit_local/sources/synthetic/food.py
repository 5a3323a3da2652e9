"""Synthetic food and water logs: on some days a user logs what they eat — breakfast, lunch, dinner and the odd
snack, each meal a main food and sides from the shipped database — in amounts that add up to about what the day's
summary says they burned (a target between 85 % and 108 % of ``caloriesOut``; an evening snack makes up a day
whose meals came out light); water on most days, a glass or a bottle at a
time.

Every value about a day comes from (seed, stream, date ordinal) alone (streams.py), so any sub-range of days
regenerates identically.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache

import numpy as np

from fitbit_local.api.food_catalogue import Food, foods
from fitbit_local.sources.synthetic.streams import _rng
from fitbit_local.store.nutrition import FoodLog

_USER_STREAM = 0xF00D
_DAY_STREAM = 0xF00E

# meal type id, share of the day's calories, (first, last) hour it is eaten, categories of its main food and sides
MEALS = (
    (1, 0.25, (6.5, 9.0), "b", "fdb"),
    (3, 0.35, (11.75, 13.75), "m", "svf"),
    (5, 0.32, (18.0, 20.5), "m", "svsa"),
    (4, 0.08, (15.0, 16.5), "nfx", ""),
)


@cache
def _by_category() -> dict[str, list[Food]]:
    out: dict[str, list[Food]] = {}
    for food in foods().values():
        if food.nutrition.get("calories", 0) > 0:
            out.setdefault(food.category, []).append(food)
    return out


def _pick(rng: np.random.Generator, categories: str) -> Food:
    pool = [f for c in categories for f in _by_category().get(c, [])]
    return pool[int(rng.integers(len(pool)))]


def _amount(calories: float, per_unit: float, most: float) -> float:
    """Default units giving about `calories`, in halves, between half a unit and `most`."""
    return float(min(most, max(0.5, round(calories / per_unit * 2) / 2)))


def _moment(day: date, hour: float) -> float:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
    return start + hour * 3600


def food_logs(day: date, calories_out: float, seed: int) -> list[FoodLog]:
    """The day's food logs (empty on days the user does not log food)."""
    propensity = float(_rng(seed, 0, _USER_STREAM).uniform(0.35, 0.85))
    rng = _rng(seed, day.toordinal(), _DAY_STREAM)
    if rng.random() >= propensity or calories_out <= 0:
        return []
    target = calories_out * float(rng.uniform(0.85, 1.08))
    meals = [m for m in MEALS if m[0] != 4 or rng.random() >= 0.4]  # the afternoon snack on 3 days in 5
    shares = sum(m[1] for m in meals)
    logs: list[FoodLog] = []
    eaten = 0.0
    for meal_type, share, (first, last), main, sides in meals:
        budget = target * share / shares
        eaten_at = _moment(day, float(rng.uniform(first, last)))
        # the sides first (a sixth of the meal each), then the main food fills the rest
        side_foods = [_pick(rng, sides[int(rng.integers(len(sides)))]) for _ in range(2 if sides else 0)]
        choices = [(food, _amount(budget / 6, food.nutrition["calories"], 3.0)) for food in side_foods]
        sides_eaten = sum(food.nutrition["calories"] * amount for food, amount in choices)
        main_food = _pick(rng, main)
        choices.insert(0, (main_food, _amount(budget - sides_eaten, main_food.nutrition["calories"], 6.0)))
        logs += [_log(day, eaten_at, meal_type, food, amount) for food, amount in choices]
        eaten += sum(log.nutrition["calories"] for log in logs[-len(choices) :])
    if eaten < 0.9 * target:  # light meals: an evening snack makes up the day
        snack = _pick(rng, "nx")
        amount = _amount(target - eaten, snack.nutrition["calories"], 6.0)
        logs.append(_log(day, _moment(day, float(rng.uniform(20.5, 22.0))), 6, snack, amount))
    return logs


def _log(day: date, eaten_at: float, meal_type: int, food: Food, amount: float) -> FoodLog:
    return FoodLog(
        0,
        day,
        eaten_at,
        food.food_id,
        food.name,
        food.brand,
        meal_type,
        food.unit_id,
        amount,
        food.nutrition_of(amount, food.unit_id),
    )


def water_logs(day: date, seed: int) -> list[tuple[date, float]]:
    """A glass or a bottle at a time, on about six days in seven."""
    rng = _rng(seed, day.toordinal(), _DAY_STREAM + 1)
    if rng.random() >= 0.86:
        return []
    return [
        (day, float(rng.choice([200.0, 250.0, 300.0, 330.0, 500.0]))) for _ in range(int(rng.integers(3, 9)))
    ]
