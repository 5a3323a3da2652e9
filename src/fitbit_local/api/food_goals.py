"""Food goals: the daily calorie goal, set by hand or by a food plan's intensity [DOC nutrition/get-food-goals,
update-food-goal; reference §3.15 rows 93-94]."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.body import body_store, invalid
from fitbit_local.api.context import RequestContext
from fitbit_local.api.foods import nutrition_store
from fitbit_local.api.nutrition_params import boolean_param, nutrition_row, optional_param, parse_calories
from fitbit_local.api.registry import Endpoint, ParseScope
from fitbit_local.errors import FitbitError
from fitbit_local.physiology.energy import bmr_mifflin_st_jeor

INTENSITY_DEFICIT = {
    "MAINTENANCE": 0,
    "EASIER": 250,
    "MEDIUM": 500,
    "KINDAHARD": 750,
    "HARDER": 1000,
}  # kcal/day
KCAL_PER_KG = 7700  # energy in a kilogram of body fat, for the food plan's estimated date
ACTIVITY_FACTOR = 1.4  # maintenance calories = BMR x this (a lightly active day)


def _intensity(raw: str, scope: ParseScope) -> str:
    if raw not in INTENSITY_DEFICIT:
        raise invalid("intensity", raw)
    return raw


FOOD_GOAL_FORM = (
    optional_param("calories", parse_calories, {"type": "string", "pattern": r"^\d+$", "examples": ["2200"]}),
    optional_param("intensity", _intensity, schemas.enum(*INTENSITY_DEFICIT)),
    optional_param("personalized", boolean_param("personalized"), schemas.enum("false", "true")),
)


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

ROWS: tuple[Endpoint, ...] = (
    nutrition_row("getFoodsGoal", "GET", "/goal.json", food_goals, FOOD_GOALS, "Get Food Goals"),
    nutrition_row(
        "addUpdateFoodsGoal",
        "POST",
        "/goal.json",
        update_food_goals,
        FOOD_GOALS,
        "Update Food Goal",
        form=FOOD_GOAL_FORM,
        write=True,
    ),
)
