"""Sleep family: logs by date, by date range and as a paged list, create and delete, the sleep goal, the v1 form with
``minuteData`` and the sleep time series [DOC sleep/*; reference §3.13, §4.6].

Every value is derived from the stored logs by `physiology.sleep`, so a day's ``summary`` is the sum of its logs and
the time series agree with the logs. Logs show once they have ended by the sandbox clock (a synced tracker).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.pagination import LIST_QUERY, PAGINATION_SCHEMA, Page, invalid
from fitbit_local.api.params import DATE, END_DATE, RESOURCE, START_DATE, parse_date, second_of_day
from fitbit_local.api.registry import PERIODS, Endpoint, Param, ParseScope, Shape
from fitbit_local.api.series_rows import time_series_rows
from fitbit_local.api.sleep_logs import (
    BY_DATE_SCHEMA,
    LOG_SCHEMA,
    V1_BY_DATE_SCHEMA,
    V1_LOG_SCHEMA,
    local_now,
    log_json,
    logs_between,
    logs_json,
    summary_json,
    synced,
    v1_form,
    v1_log_json,
)
from fitbit_local.api.spans import register_convertor
from fitbit_local.errors import FitbitError
from fitbit_local.physiology.sleep import (
    ASLEEP,
    CLASSIC,
    SleepLog,
    SleepTotals,
)
from fitbit_local.physiology.summaries import DailySummary
from fitbit_local.store.changes import WriteTransaction
from fitbit_local.store.sleep import DayRederiver, rederive_in_bed, stored_summary

SLEEP_RANGE_MAX_DAYS = 100  # "maximum date range: 100 days" [DOC get-sleep-log-by-date-range]
SLEEP_SERIES_MAX_DAYS = 1095  # [UNVERIFIED] the activity resources' limit (decisions.md, issue 10)
MAX_LOG_MS = 24 * 3_600_000
U = "/user/{user_id}/sleep"


# --- handlers ----------------------------------------------------------------------------------------------------


def sleep_by_date(ctx: RequestContext) -> dict[str, Any]:
    logs = logs_between(ctx, ctx.day, ctx.day)
    if v1_form(ctx):
        return {"sleep": [v1_log_json(log) for log in logs], "summary": summary_json(logs, v1=True)}
    return {"sleep": logs_json(ctx, logs), "summary": summary_json(logs)}


def sleep_by_range(ctx: RequestContext) -> dict[str, Any]:
    return {"sleep": logs_json(ctx, logs_between(ctx, ctx.days[0], ctx.days[-1]))}


def sleep_list(ctx: RequestContext) -> dict[str, Any]:
    page = Page.of(ctx)
    before = page.before.at if page.before else None
    now = local_now(ctx)
    if before is None or before > now:
        before = now  # a log still in progress is not listed yet
    logs, more = ctx.services.store.sleep.page(
        ctx.user.id,
        before=before,
        after=page.after.at if page.after else None,
        descending=page.descending,
        offset=page.offset,
        limit=page.limit,
    )
    logs = synced(ctx, logs)
    return {"pagination": page.pagination(ctx, more), "sleep": logs_json(ctx, logs)}


def rederive_days(ctx: RequestContext) -> DayRederiver:
    """The callback re-deriving the stored activity summary of each day a created or deleted log covers, in the
    log's own write transaction: its minutes in bed come from the day's logs (sedentary minutes exclude sleep)."""
    series, user = ctx.services.store.series, ctx.user

    def rederive(tx: WriteTransaction, days: list[date]) -> None:
        for day in days:
            stored = stored_summary(tx.conn, user.id, day)
            arrays = series.get_day(user.id, day)
            if stored is None or arrays is None:
                continue  # a day without data has no summary to correct
            rederive_in_bed(
                tx,
                user.id,
                day,
                arrays,
                age=user.age_on(day),
                resting_hr_fallback=series.latest_resting_hr(user.id, before=day),
                bmr_kcal_per_day=float(DailySummary.from_json(stored).calories_bmr),
            )

    return rederive


def create_sleep(ctx: RequestContext) -> dict[str, Any]:
    """A manual log: classic, asleep throughout [UNVERIFIED: Fitbit filled a manual log from the tracker's movement
    data when it had some], dateOfSleep the date it ends on; the main sleep of that date if it is the longest."""
    start = datetime.combine(ctx.args["date"], time(0)) + timedelta(seconds=ctx.args["startTime"])
    minutes = max(1, ctx.args["duration"] // 60_000)
    end = start + timedelta(minutes=minutes)
    log = SleepLog(
        log_id=0,
        date_of_sleep=(end - timedelta(seconds=1)).date().isoformat(),
        start=start,
        kind=CLASSIC,
        log_type="manual",
        is_main_sleep=False,  # the store makes the date's longest log its main sleep
        levels=np.full(minutes, ASLEEP, dtype=np.uint8),
        source="manual",
    )
    stored = ctx.services.store.sleep.create(
        ctx.user.id, log, client_id=ctx.token.client_id, rederive=rederive_days(ctx)
    )
    if v1_form(ctx):
        return {"sleep": v1_log_json(stored)}
    # v1.2: a list of the one log, as the generated fitbit-web-api client's CreateSleepLogResponse reads it
    # (``sleep: List[SleepLog]``) [UNVERIFIED against a recorded response; decisions.md, issue 10]
    return {"sleep": [log_json(stored)]}


def delete_sleep(ctx: RequestContext) -> None:
    deleted = ctx.services.store.sleep.delete(
        ctx.user.id, ctx.args["log_id"], client_id=ctx.token.client_id, rederive=rederive_days(ctx)
    )
    if not deleted:
        raise FitbitError("entity_not_found")


def _goal_json(ctx: RequestContext, minutes: int, updated_at: float | None) -> dict[str, Any]:
    if updated_at is None:  # the default goal: set when the account was made
        updated = datetime.combine(date.fromisoformat(ctx.user.member_since), time(0))
    else:
        updated = datetime.fromtimestamp(updated_at, ZoneInfo("UTC")).replace(tzinfo=None)
    return {
        "minDuration": minutes,
        "updatedOn": updated.strftime("%Y-%m-%dT%H:%M:%S.") + f"{updated.microsecond // 1000:03d}Z",
    }


def get_goal(ctx: RequestContext) -> dict[str, Any]:
    """[DOC example: {"consistency": {"flowId": 2}, "goal": {"minDuration": 480, "updatedOn": "…Z"}}]"""
    goal = ctx.services.store.sleep.goal(ctx.user.id)
    return {"consistency": {"flowId": 0}, "goal": _goal_json(ctx, goal.min_duration, goal.updated_at)}


def update_goal(ctx: RequestContext) -> dict[str, Any]:
    goal = ctx.services.store.sleep.set_goal(
        ctx.user.id, ctx.args["minDuration"], client_id=ctx.token.client_id
    )
    return {"goal": _goal_json(ctx, goal.min_duration, goal.updated_at)}


def sleep_time_series(ctx: RequestContext) -> dict[str, Any]:
    resource: str = ctx.args["resource"]
    by_day: dict[str, list[SleepLog]] = {}
    for log in logs_between(ctx, ctx.days[0], ctx.days[-1]):
        by_day.setdefault(log.date_of_sleep, []).append(log)
    return {
        "sleep-" + resource: [
            {"dateTime": d.isoformat(), "value": series_value(resource, by_day.get(d.isoformat(), []))}
            for d in ctx.days
        ]
    }


def series_value(resource: str, logs: list[SleepLog]) -> str:
    """One day of a sleep time series: sums over the day's logs; startTime and efficiency of its main sleep."""
    totals = SleepTotals.of(logs)
    main = totals.main
    if resource == "startTime":
        return main.start.strftime("%H:%M") if main is not None else ""
    if resource == "efficiency":
        return str(main.efficiency if main is not None else 0)
    values = {
        "timeInBed": totals.time_in_bed,
        "minutesAsleep": totals.minutes_asleep,
        "minutesAwake": totals.minutes_awake,
        "minutesToFallAsleep": totals.minutes_to_fall_asleep,
        "minutesAfterWakeup": totals.minutes_after_wakeup,
        "awakeningsCount": totals.awakenings_count,
    }
    return str(values[resource])


SERIES_RESOURCES = {
    name: name
    for name in (
        "startTime",
        "timeInBed",
        "minutesAsleep",
        "awakeningsCount",
        "minutesAwake",
        "minutesToFallAsleep",
        "minutesAfterWakeup",
        "efficiency",
    )
}


# --- parameters ----------------------------------------------------------------------------------------------------


register_convertor("sleeplogid", r"\d{1,19}")  # other names under /sleep/ (list, goal) are not log ids


def _log_id(raw: str, scope: ParseScope) -> int:
    """Ids are unsigned 64-bit numbers [DOC application-design]; ours fit a signed BIGINT, so anything larger names
    no log."""
    if not raw.isdigit() or int(raw) >= 2**63:
        raise FitbitError("entity_not_found")
    return int(raw)


def _start_time(raw: str, scope: ParseScope) -> int:
    return second_of_day(raw, "startTime", end=False)


def _duration(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or not 60_000 <= int(raw) <= MAX_LOG_MS:
        raise invalid("duration", raw)
    return int(raw)


def _log_date(raw: str, scope: ParseScope) -> date:
    return parse_date(raw, today=scope.today, field_name="date")


def _min_duration(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 1440:
        raise invalid("minDuration", raw)
    return int(raw)


LOG_ID = Param(
    "log-id",
    "log_id",
    "path",
    _log_id,
    {"type": "string", "pattern": r"^\d+$"},
    "the id of a sleep log",
    created_by=("addSleep", "/sleep/logId"),  # the base example creates under /1 (the v1 form: one object)
)
CREATE_FORM = (
    Param("startTime", "startTime", "form", _start_time, {"type": "string", "examples": ["23:00"]}, "HH:mm"),
    Param(
        "duration",
        "duration",
        "form",
        _duration,
        {"type": "integer", "examples": [28_800_000]},
        "milliseconds",
    ),
    Param("date", "date", "form", _log_date, {"type": "string", "format": "date"}, "the log's start date"),
)
GOAL_FORM = (
    Param(
        "minDuration", "minDuration", "form", _min_duration, {"type": "integer", "examples": [480]}, "minutes"
    ),
)


# --- schemas ----------------------------------------------------------------------------------------------------

_GOAL = schemas.obj({"minDuration": schemas.INTEGER, "updatedOn": schemas.STRING})
_SERIES_NAMES = "(" + "|".join(SERIES_RESOURCES) + ")"


# --- rows -----------------------------------------------------------------------------------------------------------

V12 = ("1.2",)
V1 = ("1",)
BOTH = ("1", "1.2")  # the v1 forms older clients (python-fitbit) still send [reference peer-clients §2]

ROWS: tuple[Endpoint, ...] = (
    Endpoint(
        "getSleepByDate",
        "GET",
        (U + "/date/{date}.json",),
        sleep_by_date,
        scope="sleep",
        response={"anyOf": [BY_DATE_SCHEMA, V1_BY_DATE_SCHEMA]},
        summary="Get Sleep Log by Date (under /1: the v1 form, classic levels as minuteData)",
        versions=BOTH,
        path_params=(DATE,),
    ),
    Endpoint(
        "getSleepByDateRange",
        "GET",
        (U + "/date/{date}/{end_date}.json",),
        sleep_by_range,
        scope="sleep",
        response=schemas.obj({"sleep": schemas.array(LOG_SCHEMA)}),
        summary="Get Sleep Log by Date Range",
        versions=V12,
        path_params=(START_DATE, END_DATE),
        shape=Shape.SERIES,
        max_range_days=SLEEP_RANGE_MAX_DAYS,
    ),
    Endpoint(
        "getSleepList",
        "GET",
        (U + "/list.json",),
        sleep_list,
        scope="sleep",
        response=schemas.obj({"pagination": PAGINATION_SCHEMA, "sleep": schemas.array(LOG_SCHEMA)}),
        summary="Get Sleep Log List",
        versions=V12,
        query=LIST_QUERY,
        options={"max_limit": 100},
    ),
    Endpoint(
        "getSleepGoal",
        "GET",
        (U + "/goal.json",),
        get_goal,
        scope="sleep",
        response=schemas.obj({"consistency": schemas.obj({"flowId": schemas.INTEGER}), "goal": _GOAL}),
        summary="Get Sleep Goal",
        versions=BOTH,
    ),
    Endpoint(
        "updateSleepGoal",
        "POST",
        (U + "/goal.json",),
        update_goal,
        scope="sleep",
        response=schemas.obj({"goal": _GOAL}),
        summary="Create or Update Sleep Goal",
        versions=BOTH,
        form=GOAL_FORM,
        write=True,
    ),
    Endpoint(
        "addSleep",
        "POST",
        (U + ".json",),
        create_sleep,
        scope="sleep",
        response={
            "anyOf": [
                schemas.obj({"sleep": schemas.array(LOG_SCHEMA, min_items=1)}),
                schemas.obj({"sleep": V1_LOG_SCHEMA}),
            ]
        },
        summary="Create Sleep Log (under /1: the v1 form)",
        versions=BOTH,
        form=CREATE_FORM,
        write=True,
        status=201,
    ),
    Endpoint(
        "deleteSleep",
        "DELETE",
        (U + "/{log_id:sleeplogid}.json",),
        delete_sleep,
        scope="sleep",
        response=schemas.EMPTY,
        summary="Delete Sleep Log",
        versions=BOTH,
        path_params=(LOG_ID,),
        write=True,
        status=204,
    ),
    *time_series_rows(
        U + "/{resource}/date/{date}",
        names=("getSleepResourceByDatePeriod", "getSleepResourceByDateRange"),
        summaries=("Get Sleep Time Series by Date", "Get Sleep Time Series by Date Range"),
        handler=sleep_time_series,
        periods=PERIODS,
        lead=(RESOURCE,),
        scope="sleep",
        response=schemas.one_key(f"^sleep-{_SERIES_NAMES}$", schemas.day_values(schemas.STRING)),
        max_range_days=SLEEP_SERIES_MAX_DAYS,
        resources=SERIES_RESOURCES,
        versions=V1,
    ),
)
