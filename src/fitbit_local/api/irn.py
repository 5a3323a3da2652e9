"""Irregular rhythm notifications: the user's IRN profile and the paged list of alerts with their tachograms [DOC
get-irn-profile, get-irn-alerts-list; reference §3.12, §4.8]. Only alerts the user has read in the app are listed
[DOC]; synthetic alerts count as read once the sandbox clock passes their alertTime."""

from __future__ import annotations

from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.ecg import local_now, stored_entries
from fitbit_local.api.pagination import LIST_QUERY, PAGINATION_SCHEMA, Page, page_entries
from fitbit_local.api.params import MIN_DATE
from fitbit_local.api.registry import Endpoint

IRN_MAX_LIMIT = 10  # "limit: Maximum: 10" [DOC]


def irn_profile(ctx: RequestContext) -> dict[str, Any]:
    """The latest stored profile by the sandbox clock. A user never onboarded: false, false and no lastUpdated
    [UNVERIFIED: the doc shows only an onboarded user]."""
    records = ctx.services.store.metrics.by_dates(ctx.user.id, "irn_profile", MIN_DATE, ctx.today)
    if not records:
        return {"onboarded": False, "enrolled": False}
    latest = records[max(records)]
    return {
        "onboarded": latest["onboarded"],
        "enrolled": latest["enrolled"],
        "lastUpdated": latest["lastUpdated"],
    }


def irn_alerts(ctx: RequestContext) -> dict[str, Any]:
    page = Page.of(ctx)
    alerts, more = page_entries(stored_entries(ctx, "irn", "alerts", "alertTime"), page, local_now(ctx))
    return {"alerts": alerts, "pagination": page.pagination(ctx, more)}


_STAMP = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$"}
_ALERT = schemas.obj(
    {
        "alertTime": _STAMP,
        "detectedTime": _STAMP,
        "serviceVersion": schemas.STRING,
        "algoVersion": schemas.STRING,
        "deviceType": schemas.STRING,
        "windows": schemas.array(
            schemas.obj(
                {
                    "startTime": _STAMP,
                    "endTime": _STAMP,
                    "bpmData": schemas.array(schemas.obj({"dataTime": _STAMP, "value": schemas.INTEGER})),
                }
            )
        ),
    }
)

ROWS: tuple[Endpoint, ...] = (
    Endpoint(
        "getIrnProfile",
        "GET",
        ("/user/{user_id}/irn/profile.json",),
        irn_profile,
        scope="irregular_rhythm_notifications",
        response=schemas.obj(
            {"onboarded": schemas.BOOLEAN, "enrolled": schemas.BOOLEAN}, {"lastUpdated": _STAMP}
        ),
        summary="Get IRN Profile",
        versions=("1",),
    ),
    Endpoint(
        "getIrnAlertsList",
        "GET",
        ("/user/{user_id}/irn/alerts/list.json",),
        irn_alerts,
        scope="irregular_rhythm_notifications",
        response=schemas.obj({"alerts": schemas.array(_ALERT), "pagination": PAGINATION_SCHEMA}),
        summary="Get IRN Alerts List",
        versions=("1",),
        query=LIST_QUERY,
        options={"max_limit": IRN_MAX_LIMIT},
    ),
)
