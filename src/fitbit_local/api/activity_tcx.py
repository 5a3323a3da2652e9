"""TCX export of an activity log [DOC activity/get-activity-tcx; reference §3.2 #11]."""

from __future__ import annotations

from xml.sax.saxutils import escape

from starlette.responses import Response

from fitbit_local.api import schemas
from fitbit_local.api.activity_log_views import local_instant, log_minutes
from fitbit_local.api.activity_logs import U, invalid_value, parse_log_id, repository
from fitbit_local.api.activity_types import activity_type
from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import frame
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.errors import FitbitError

TCX_LOG_ID = Param(
    "log-id",
    "log_id",
    "path",
    parse_log_id,
    {"type": "string", "pattern": r"^\d+$"},
    "the id of the activity log",
    created_by=("addActivitiesLog", "/activityLog/logId"),
)


# --- TCX -----------------------------------------------------------------------------------------------------------

SPORTS = {90009: "Running", 90001: "Biking"}


def get_tcx(ctx: RequestContext) -> Response:
    """Training Center XML of a log [DOC get-activity-tcx]. No log here has GPS, so the lap holds its totals; with
    ``includePartialTCX=true`` its track holds one heart-rate point per minute from the stored intraday series."""
    if "activity" not in ctx.token.scopes:  # the endpoint needs activity and location [DOC]
        raise FitbitError("insufficient_scope", access_type="access", resource_type="activity")
    log = repository(ctx).get(ctx.user.id, ctx.args["log_id"])
    if log is None:
        raise FitbitError("entity_not_found")
    found = activity_type(log.activity_id) if log.activity_id is not None else None
    sport = SPORTS.get(found.parent_id, "Other") if found is not None else "Other"
    start = local_instant(ctx, log)
    stamp = start.isoformat(timespec="milliseconds")
    track = ""
    if ctx.args.get("includePartialTCX"):
        arrays = frame(ctx).arrays(log.day)
        points = []
        minutes = log_minutes(log)
        for m in range(minutes.start, minutes.stop):
            beats = [int(b) for b in arrays.heart[m * 60 : m * 60 + 60] if b] if arrays is not None else []
            moment = local_instant(ctx, log, m - minutes.start).isoformat(timespec="milliseconds")
            bpm = (
                f"<HeartRateBpm><Value>{round(sum(beats) / len(beats))}</Value></HeartRateBpm>"
                if beats
                else ""
            )
            points.append(f"<Trackpoint><Time>{moment}</Time>{bpm}</Trackpoint>")
        track = "<Track>" + "".join(points) + "</Track>"
    distance_m = (log.distance_km or 0.0) * 1000
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{stamp}</Id><Lap StartTime="{stamp}">'
        f"<TotalTimeSeconds>{log.duration_ms / 1000:.1f}</TotalTimeSeconds>"
        f"<DistanceMeters>{distance_m:.1f}</DistanceMeters><Calories>{log.calories}</Calories>"
        f"<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>{track}</Lap>"
        f'<Notes>{escape(log.activity_name)}</Notes><Creator xsi:type="Device_t" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Name>fitbit-local</Name></Creator>'
        "</Activity></Activities></TrainingCenterDatabase>\n"
    )
    return Response(body, 200, media_type="application/vnd.garmin.tcx+xml")


def _bool(raw: str, scope: ParseScope) -> bool:
    if raw.lower() not in ("true", "false"):
        raise invalid_value("includePartialTCX", raw)
    return raw.lower() == "true"


ROWS = (
    Endpoint(
        "getActivitiesTCX",
        "GET",
        (U + "/{log_id:digits}.tcx",),
        get_tcx,
        scope="location",
        response=schemas.EMPTY,
        summary="Get Activity TCX",
        path_params=(TCX_LOG_ID,),
        query=(
            Param(
                "includePartialTCX",
                "includePartialTCX",
                "query",
                _bool,
                schemas.enum("true", "false"),
                "heart-rate track points without GPS",
                required=False,
            ),
        ),
    ),
)
