"""Activity goals, daily and weekly: read and update [DOC activity/get-activity-goals, create-activity-goal;
reference §3.2 #8-9]. The daily summary's ``goals`` are the same values (api/activity.py)."""

from __future__ import annotations

from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.errors import FitbitError
from fitbit_local.store.goals import GoalRepository

# Fitbit's defaults for a new account [DOC get-activity-goals examples; reference §4.1]: distance in km
# (8.05 km = 5 miles a day, 35 miles a week), AZM 150 a week [DOC] and its daily share.
DEFAULTS: dict[str, dict[str, float]] = {
    "daily": {
        "activeMinutes": 30,
        "activeZoneMinutes": 22,
        "caloriesOut": 2500,
        "distance": 8.04672,
        "floors": 10,
        "steps": 10000,
    },
    "weekly": {"activeZoneMinutes": 150, "distance": 56.32704, "floors": 70, "steps": 70000},
}
GOAL_TYPES = tuple(DEFAULTS["daily"])


def repository(ctx: RequestContext) -> GoalRepository:
    return GoalRepository(ctx.services.store.engine)


def user_goals(ctx: RequestContext, period: str) -> dict[str, float]:
    """The period's goals (the user's, else the defaults) with distance in kilometres."""
    stored = ctx.services.cached(
        ("goals", ctx.user.id, period), lambda: repository(ctx).goals(ctx.user.id, period)
    )
    return {**DEFAULTS[period], **{k: v for k, v in stored.items() if k in DEFAULTS[period]}}


def render_goals(ctx: RequestContext, period: str) -> dict[str, float | int]:
    """Counts as integers, distance in the request's unit system to two places [DOC example: 8.05]."""
    return {
        k: round(ctx.units.distance(v), 2) if k == "distance" else int(round(v))
        for k, v in sorted(user_goals(ctx, period).items())
    }


def get_goals(ctx: RequestContext) -> dict[str, Any]:
    return {"goals": render_goals(ctx, ctx.args["goal_period"])}


def update_goals(ctx: RequestContext) -> dict[str, Any]:
    """``type`` + ``value`` as documented, or one form field per goal type as python-fitbit sends them
    (``activities_daily_goal(steps=…)``); a goal type the period does not have is refused for ``type`` and
    ignored among the per-type fields [decisions.md]."""
    period = ctx.args["goal_period"]
    values: dict[str, float] = {}
    for goal in GOAL_TYPES:
        if goal in ctx.args and goal in DEFAULTS[period]:
            values[goal] = ctx.args[goal]
    if "type" in ctx.args:
        goal = ctx.args["type"]
        if goal not in DEFAULTS[period]:
            raise FitbitError("validation_value", field_name="type", field="type", value=goal)
        if "value" not in ctx.args:
            raise FitbitError("validation_required", field_name="value", label="Value")
        values[goal] = ctx.args["value"]
    if not values:
        raise FitbitError("validation_required", field_name="type", label="Type")
    if "distance" in values:  # sent in the request's unit system [DOC localization]
        values["distance"] = values["distance"] / ctx.units.distance(1.0)
    repository(ctx).set_goals(ctx.user.id, period, values, client_id=ctx.token.client_id)
    return {"goals": render_goals(ctx, period)}


def _period(raw: str, scope: ParseScope) -> str:
    if raw not in DEFAULTS:
        raise FitbitError("validation_value", field_name="period", field="period", value=raw)
    return raw


def _goal_type(raw: str, scope: ParseScope) -> str:
    if raw not in GOAL_TYPES:
        raise FitbitError("validation_value", field_name="type", field="type", value=raw)
    return raw


def _number(name: str) -> Any:
    def parse(raw: str, scope: ParseScope) -> float:
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 <= value < 1e7:  # NaN and infinities fail too
            raise FitbitError("validation_value", field_name=name, field=name, value=raw[:40])
        return value

    return parse


_NUMBER = {"type": "string", "pattern": r"^\d+(\.\d+)?$"}
PERIOD = Param("period", "goal_period", "path", _period, schemas.enum("daily", "weekly"), "daily or weekly")
GOAL_FORM = (
    Param(
        "type",
        "type",
        "form",
        _goal_type,
        schemas.enum("steps", *[g for g in GOAL_TYPES if g != "steps"]),
        required=False,
    ),
    Param("value", "value", "form", _number("value"), {**_NUMBER, "examples": ["8000"]}, required=False),
    *(
        Param(
            g,
            g,
            "form",
            _number(g),
            {**_NUMBER, "examples": [str(int(DEFAULTS["daily"][g]) + 1)]},
            required=False,
        )
        for g in GOAL_TYPES
    ),
)

_GOALS = schemas.obj(
    {},
    {
        "activeMinutes": schemas.INTEGER,
        "activeZoneMinutes": schemas.INTEGER,
        "caloriesOut": schemas.INTEGER,
        "distance": schemas.NUMBER,
        "floors": schemas.INTEGER,
        "steps": schemas.INTEGER,
    },
)
GOALS_SCHEMA = schemas.obj({"goals": _GOALS})
PATH = "/user/{user_id}/activities/goals/{goal_period}.json"

ROWS = (
    Endpoint(
        "getActivitiesGoals",
        "GET",
        (PATH,),
        get_goals,
        scope="activity",
        response=GOALS_SCHEMA,
        summary="Get Activity Goals",
        path_params=(PERIOD,),
    ),
    Endpoint(
        "addUpdateActivitiesGoals",
        "POST",
        (PATH,),
        update_goals,
        scope="activity",
        response=GOALS_SCHEMA,
        summary="Create or Update Activity Goal",
        path_params=(PERIOD,),
        form=GOAL_FORM,
        write=True,
    ),
)
