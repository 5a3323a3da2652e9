"""Favorite, frequent and recent activities [DOC activity/get-favorite-activities, add-favorite-activity,
delete-favorite-activity, get-frequent-activities, get-recent-activity-types; reference §3.2 #14-18]."""

from __future__ import annotations

from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.activity_logs import U, repository
from fitbit_local.api.activity_types import ACTIVITY_ID, activity_type
from fitbit_local.api.context import RequestContext
from fitbit_local.api.registry import Endpoint
from fitbit_local.store.activity_logs import ActivityLog

# --- favorites, frequent, recent -------------------------------------------------------------------------------


def get_favorites(ctx: RequestContext) -> list[dict[str, Any]]:
    out = []
    for activity_id in repository(ctx).favorites(ctx.user.id):
        found = activity_type(activity_id)
        if found is not None:
            out.append(
                {
                    "activityId": found.id,
                    "description": found.description,
                    "mets": found.mets,
                    "name": found.name,
                }
            )
    return out


def add_favorite(ctx: RequestContext) -> None:
    repository(ctx).set_favorite(ctx.user.id, ctx.args["activity_id"], True, client_id=ctx.token.client_id)


def delete_favorite(ctx: RequestContext) -> None:
    repository(ctx).set_favorite(ctx.user.id, ctx.args["activity_id"], False, client_id=ctx.token.client_id)


def _short(ctx: RequestContext, log: ActivityLog) -> dict[str, Any]:
    found = activity_type(log.activity_id) if log.activity_id is not None else None
    return {
        "activityId": log.activity_id or 0,
        "calories": log.calories,
        "description": found.description if found is not None else "",
        "distance": round(ctx.units.distance(log.distance_km or 0.0), 5),
        "duration": log.duration_ms,
        "name": log.activity_name,
    }


def get_recent(ctx: RequestContext) -> list[dict[str, Any]]:
    """The newest log of each activity, newest first [DOC get-recent-activity-types]."""
    return [_short(ctx, log) for log in repository(ctx).latest_of_each(ctx.user.id) if log.activity_id]


def get_frequent(ctx: RequestContext) -> list[dict[str, Any]]:
    """The user's activities by how often they were logged (ties: the most recent first)."""
    repo = repository(ctx)
    counts = {activity_id: (n, last) for activity_id, n, last in repo.activity_counts(ctx.user.id)}
    latest = [log for log in repo.latest_of_each(ctx.user.id) if log.activity_id in counts]
    latest.sort(key=lambda log: counts[log.activity_id or 0], reverse=True)
    return [_short(ctx, log) for log in latest]


_SHORT = schemas.obj(
    {
        "activityId": schemas.INTEGER,
        "calories": schemas.INTEGER,
        "description": schemas.STRING,
        "distance": schemas.NUMBER,
        "duration": schemas.INTEGER,
        "name": schemas.STRING,
    }
)
_FAVORITE = schemas.obj(
    {
        "activityId": schemas.INTEGER,
        "description": schemas.STRING,
        "mets": schemas.NUMBER,
        "name": schemas.STRING,
    }
)

ROWS = (
    Endpoint(
        "getFavoriteActivities",
        "GET",
        (U + "/favorite.json",),
        get_favorites,
        scope="activity",
        response=schemas.array(_FAVORITE),
        summary="Get Favorite Activities",
    ),
    Endpoint(
        "addFavoriteActivities",
        "POST",
        (U + "/favorite/{activity_id}.json",),
        add_favorite,
        scope="activity",
        response=schemas.EMPTY,
        summary="Create Favorite Activity",
        path_params=(ACTIVITY_ID,),
        write=True,
        status=201,
    ),
    Endpoint(
        "deleteFavoriteActivities",
        "DELETE",
        (U + "/favorite/{activity_id}.json",),
        delete_favorite,
        scope="activity",
        response=schemas.EMPTY,
        summary="Delete Favorite Activity",
        path_params=(ACTIVITY_ID,),
        write=True,
        status=204,
    ),
    Endpoint(
        "getFrequentActivities",
        "GET",
        (U + "/frequent.json",),
        get_frequent,
        scope="activity",
        response=schemas.array(_SHORT),
        summary="Get Frequent Activities",
    ),
    Endpoint(
        "getRecentActivities",
        "GET",
        (U + "/recent.json",),
        get_recent,
        scope="activity",
        response=schemas.array(_SHORT),
        summary="Get Recent Activity Types",
    ),
)
