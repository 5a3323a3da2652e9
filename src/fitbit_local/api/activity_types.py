"""The activity types catalogue: every category with its activities (METs, speed levels), and one activity by id
[DOC activity/get-all-activity-types, get-activity-type; reference §3.2 #12-13].

The catalogue is data shipped with the package (data/activity_types.json, written for this project): directory
activities carry the Compendium of Physical Activities code as their id and its METs; Fitbit's own Walk, Run and
Bike (90013, 90009, 90001) carry speed levels, each level a loggable activity of its own [SW addActivitiesLog:
"The ID of the activity, directory activity or intensity level activity"].
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.errors import FitbitError


@dataclass(frozen=True)
class ActivityType:
    """A loggable activity: a catalogue activity or one speed level of one (then `parent` is the activity)."""

    id: int
    name: str
    mets: float
    parent_id: int
    parent_name: str
    category: str

    @property
    def description(self) -> str:
        """Fitbit's ``description``: the level's name for a speed level, else empty [DOC daily summary example:
        ``"description": "Walking less than 2 mph, strolling very slowly"`` beside ``"name": "Walk"``]."""
        return self.name if self.id != self.parent_id else ""


@dataclass(frozen=True)
class Catalogue:
    categories: tuple[dict[str, Any], ...]  # as the file holds them
    by_id: dict[int, ActivityType]
    activities: dict[int, dict[str, Any]]  # top-level activities (not levels), rendered


def _render_activity(raw: dict[str, Any]) -> dict[str, Any]:
    levels = raw.get("levels")
    out: dict[str, Any] = {
        "accessLevel": "PUBLIC",
        "hasSpeed": bool(levels),
        "id": raw["id"],
        "name": raw["name"],
    }
    if levels:
        out["activityLevels"] = [dict(level) for level in levels]
    else:
        out["mets"] = raw["mets"]
    return out


@cache
def catalogue() -> Catalogue:
    text = resources.files("fitbit_local").joinpath("data/activity_types.json").read_text(encoding="utf-8")
    data = json.loads(text)
    by_id: dict[int, ActivityType] = {}
    activities: dict[int, dict[str, Any]] = {}
    for category in data["categories"]:
        for raw in category["activities"]:
            levels = raw.get("levels") or []
            # An activity with speed levels is logged at its middle level's METs when no speed is known.
            mets = raw.get("mets") or levels[len(levels) // 2]["mets"]
            by_id[raw["id"]] = ActivityType(
                raw["id"], raw["name"], mets, raw["id"], raw["name"], category["name"]
            )
            for level in levels:
                by_id[level["id"]] = ActivityType(
                    level["id"], level["name"], level["mets"], raw["id"], raw["name"], category["name"]
                )
            activities[raw["id"]] = _render_activity(raw)
    return Catalogue(tuple(data["categories"]), by_id, activities)


def activity_type(activity_id: int) -> ActivityType | None:
    return catalogue().by_id.get(activity_id)


def parse_activity_id(raw: str, scope: ParseScope) -> int:
    """A catalogue activity (or speed level) id; anything else is Fitbit's 404."""
    if raw.isdigit() and int(raw) in catalogue().by_id:
        return int(raw)
    raise FitbitError("entity_not_found")


ACTIVITY_ID = Param(
    "activity-id",
    "activity_id",
    "path",
    parse_activity_id,
    {"type": "string", "pattern": r"^\d+$", "examples": ["90013", "90009"]},
    "an activity of the catalogue (GET /1/activities.json)",
)


def get_activity_types(ctx: RequestContext) -> dict[str, Any]:
    cat = catalogue()
    return {
        "categories": [
            {
                "activities": [cat.activities[a["id"]] for a in category["activities"]],
                "id": category["id"],
                "name": category["name"],
            }
            for category in cat.categories
        ]
    }


def get_activity_type(ctx: RequestContext) -> dict[str, Any]:
    found = catalogue().by_id[ctx.args["activity_id"]]
    return {"activity": catalogue().activities[found.parent_id]}


_LEVEL = schemas.obj(
    {
        "id": schemas.INTEGER,
        "maxSpeedMPH": schemas.NUMBER,
        "mets": schemas.NUMBER,
        "minSpeedMPH": schemas.NUMBER,
        "name": schemas.STRING,
    }
)
ACTIVITY_TYPE_SCHEMA = schemas.obj(
    {
        "accessLevel": schemas.enum("PUBLIC", "PRIVATE"),
        "hasSpeed": schemas.BOOLEAN,
        "id": schemas.INTEGER,
        "name": schemas.STRING,
    },
    {"activityLevels": schemas.array(_LEVEL), "mets": schemas.NUMBER},
)

ROWS = (
    Endpoint(
        "getActivitiesTypes",
        "GET",
        ("/activities.json",),
        get_activity_types,
        scope="activity",
        response=schemas.obj(
            {
                "categories": schemas.array(
                    schemas.obj(
                        {
                            "activities": schemas.array(ACTIVITY_TYPE_SCHEMA),
                            "id": schemas.INTEGER,
                            "name": schemas.STRING,
                        }
                    ),
                    min_items=1,
                )
            }
        ),
        summary="Get All Activity Types",
    ),
    Endpoint(
        "getActivitiesTypeDetail",
        "GET",
        ("/activities/{activity_id}.json",),
        get_activity_type,
        scope="activity",
        response=schemas.obj({"activity": ACTIVITY_TYPE_SCHEMA}),
        summary="Get Activity Type",
        path_params=(ACTIVITY_ID,),
    ),
)
