"""Lifetime statistics: totals and bests of distance, floors and steps, all sources and tracker only
[DOC activity/get-lifetime-stats; reference §3.2 #19]. ``total`` adds the manual logs' distance; caloriesOut and
activeScore are ``-1`` as Fitbit wrote them (it kept no lifetime calories) [DOC example]."""

from __future__ import annotations

from datetime import date
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.activity_logs import repository as log_repository
from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import frame
from fitbit_local.api.registry import Endpoint

KEYS = {"distance": "distance_km", "floors": "floors", "steps": "steps"}


def lifetime_days(ctx: RequestContext) -> dict[date, dict[str, float]]:
    """Each day's tracker distance (km), floors and steps up to now (today: its minutes so far)."""
    known = ctx.services.store.series.day_range(ctx.user.id)
    if known is None or known[0] > ctx.today:
        return {}
    last = min(known[1], ctx.today)
    summaries = frame(ctx).summaries([d for d in _days(known[0], last)])
    return {
        d: {"distance": s.distance_km, "floors": float(s.floors), "steps": float(s.steps)}
        for d, s in summaries.items()
    }


def _days(start: date, end: date) -> list[date]:
    return [date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1)]


def _stats(ctx: RequestContext, days: dict[date, dict[str, float]]) -> tuple[dict[str, Any], dict[str, Any]]:
    units = ctx.units
    totals: dict[str, Any] = {"activeScore": -1, "caloriesOut": -1}
    best: dict[str, Any] = {}
    for key in KEYS:
        total = sum(v[key] for v in days.values())
        totals[key] = round(units.distance(total), 2) if key == "distance" else int(total)
        if days:
            top = max(days, key=lambda d: (days[d][key], -d.toordinal()))
            value = days[top][key]
            best[key] = {
                "date": top.isoformat(),
                "value": round(units.distance(value), 2) if key == "distance" else int(value),
            }
    return totals, best


def get_lifetime(ctx: RequestContext) -> dict[str, Any]:
    def load() -> dict[str, Any]:
        tracker = lifetime_days(ctx)
        total = {d: dict(v) for d, v in tracker.items()}
        for log in log_repository(ctx).on_days(ctx.user.id, date(1900, 1, 1), ctx.today):
            if log.log_type == "manual" and log.distance_km:
                total.setdefault(log.day, {"distance": 0.0, "floors": 0.0, "steps": 0.0})
                total[log.day]["distance"] += log.distance_km
        tracker_totals, tracker_best = _stats(ctx, tracker)
        all_totals, all_best = _stats(ctx, total)
        return {
            "best": {"total": all_best, "tracker": tracker_best},
            "lifetime": {"total": all_totals, "tracker": tracker_totals},
        }

    return ctx.services.cached(("lifetime", ctx.user.id, ctx.today, ctx.units.name, int(ctx.now // 60)), load)


_BEST = schemas.obj({}, {k: schemas.obj({"date": schemas.DATE, "value": schemas.NUMBER}) for k in KEYS})
_TOTALS = schemas.obj(
    {
        "activeScore": schemas.INTEGER,
        "caloriesOut": schemas.INTEGER,
        "distance": schemas.NUMBER,
        "floors": schemas.INTEGER,
        "steps": schemas.INTEGER,
    }
)
ROWS = (
    Endpoint(
        "getActivitiesLog",  # the Swagger's operationId for GET activities.json (its description is wrong)
        "GET",
        ("/user/{user_id}/activities.json",),
        get_lifetime,
        scope="activity",
        response=schemas.obj(
            {
                "best": schemas.obj({"total": _BEST, "tracker": _BEST}),
                "lifetime": schemas.obj({"total": _TOTALS, "tracker": _TOTALS}),
            }
        ),
        summary="Get Lifetime Stats",
    ),
)
