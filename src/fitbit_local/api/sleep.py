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
from fitbit_local.api.spans import register_convertor
from fitbit_local.errors import FitbitError
from fitbit_local.physiology.sleep import (
    ASLEEP,
    CLASSIC,
    STAGE_ORDER,
    STAGES,
    SleepLog,
    SleepTotals,
    stamp,
)
from fitbit_local.physiology.summaries import DailySummary
from fitbit_local.store.changes import WriteTransaction
from fitbit_local.store.sleep import DayRederiver, rederive_in_bed, stored_summary

SLEEP_RANGE_MAX_DAYS = 100  # "maximum date range: 100 days" [DOC get-sleep-log-by-date-range]
SLEEP_SERIES_MAX_DAYS = 1095  # [UNVERIFIED] the activity resources' limit (decisions.md, issue 10)
AVERAGE_DAYS = 30  # thirtyDayAvgMinutes
MAX_LOG_MS = 24 * 3_600_000
U = "/user/{user_id}/sleep"


# --- reading the logs --------------------------------------------------------------------------------------------


def local_now(ctx: RequestContext) -> datetime:
    return datetime.fromtimestamp(ctx.now, ZoneInfo(ctx.user.current_timezone)).replace(tzinfo=None)


def synced(ctx: RequestContext, logs: list[SleepLog]) -> list[SleepLog]:
    """The logs that have ended by the sandbox clock."""
    now = local_now(ctx)
    return [log for log in logs if log.end <= now or log.log_type == "manual"]


def logs_between(ctx: RequestContext, start: date, end: date) -> list[SleepLog]:
    return synced(ctx, ctx.services.store.sleep.by_dates(ctx.user.id, start, end))


def thirty_day_averages(ctx: RequestContext, logs: list[SleepLog]) -> dict[str, dict[str, int]]:
    """For each stages log's dateOfSleep: the mean minutes of each stage over the main stages sleeps of the 30 days
    before it."""
    days = sorted({log.date_of_sleep for log in logs if log.kind == STAGES})
    if not days:
        return {}
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    history = ctx.services.store.sleep.by_dates(
        ctx.user.id, first - timedelta(days=AVERAGE_DAYS), last, main_stages=True
    )
    out = {}
    for day in days:
        end = date.fromisoformat(day)
        window = [
            log
            for log in history
            if end - timedelta(days=AVERAGE_DAYS) <= date.fromisoformat(log.date_of_sleep) < end
        ]
        out[day] = {
            name: round(sum(log.level_minutes()[name] for log in window) / len(window)) if window else 0
            for name in STAGE_ORDER
        }
    return out


def _entries(log: SleepLog, spans: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    return [
        {"dateTime": stamp(log.start + timedelta(minutes=first)), "level": level, "seconds": minutes * 60}
        for first, minutes, level in spans
    ]


def log_json(log: SleepLog, averages: dict[str, int] | None = None) -> dict[str, Any]:
    """One log of the v1.2 form."""
    data, short = log.data()
    counts, minutes = log.level_counts(), log.level_minutes()
    summary: dict[str, Any] = {}
    for name in minutes:
        summary[name] = {"count": counts[name], "minutes": minutes[name]}
        if log.kind == STAGES:
            summary[name]["thirtyDayAvgMinutes"] = (averages or {}).get(name, 0)
    levels: dict[str, Any] = {"data": _entries(log, data), "summary": summary}
    if log.kind == STAGES:  # [UNVERIFIED] classic logs carry no shortData (decisions.md, issue 10)
        levels["shortData"] = _entries(log, short)
    return {
        "dateOfSleep": log.date_of_sleep,
        "duration": log.duration_ms,
        "efficiency": log.efficiency,
        "endTime": stamp(log.end),
        "infoCode": 0,
        "isMainSleep": log.is_main_sleep,
        "levels": levels,
        "logId": log.log_id,
        "logType": log.log_type,
        "minutesAfterWakeup": log.minutes_after_wakeup,
        "minutesAsleep": log.minutes_asleep,
        "minutesAwake": log.minutes_awake,
        "minutesToFallAsleep": log.minutes_to_fall_asleep,
        "startTime": stamp(log.start),
        "timeInBed": log.time_in_bed,
        "type": log.kind,
    }


def logs_json(ctx: RequestContext, logs: list[SleepLog]) -> list[dict[str, Any]]:
    averages = thirty_day_averages(ctx, logs)
    return [log_json(log, averages.get(log.date_of_sleep)) for log in logs]


def v1_log_json(log: SleepLog) -> dict[str, Any]:
    """One log of the v1 form: the classic levels as ``minuteData`` (1 asleep, 2 restless, 3 awake)."""
    levels = log.classic
    restless = int(np.count_nonzero(levels == 2))
    awake = int(np.count_nonzero(levels == 3))
    return {
        "awakeCount": log.awake_count,
        "awakeDuration": awake,
        "awakeningsCount": log.awakenings_count,
        "dateOfSleep": log.date_of_sleep,
        "duration": log.duration_ms,
        "efficiency": log.efficiency,
        "endTime": stamp(log.end),
        "isMainSleep": log.is_main_sleep,
        "logId": log.log_id,
        "minuteData": [
            {"dateTime": (log.start + timedelta(minutes=i)).strftime("%H:%M:%S"), "value": str(int(v))}
            for i, v in enumerate(levels.tolist())
        ],
        "minutesAfterWakeup": log.minutes_after_wakeup,
        "minutesAsleep": log.minutes_asleep,
        "minutesAwake": log.minutes_awake,
        "minutesToFallAsleep": log.minutes_to_fall_asleep,
        "restlessCount": log.restless_count,
        "restlessDuration": restless,
        "startTime": stamp(log.start),
        "timeInBed": log.time_in_bed,
    }


def summary_json(logs: list[SleepLog], *, v1: bool = False) -> dict[str, Any]:
    totals = SleepTotals.of(logs)
    out: dict[str, Any] = {
        "totalMinutesAsleep": totals.minutes_asleep,
        "totalSleepRecords": totals.records,
        "totalTimeInBed": totals.time_in_bed,
    }
    if totals.stages is not None and not v1:
        out["stages"] = totals.stages
    return out


def v1_form(ctx: RequestContext) -> bool:
    """Under ``/1/`` the logs take the v1 form (classic levels as ``minuteData``) [reference peer-clients §3]."""
    return bool(ctx.request.path_params.get("version") == "1")


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


# --- schemas ------------------------------------------------------------------------------------------------------

_LEVEL_ENTRY = schemas.obj({"dateTime": schemas.STRING, "level": schemas.STRING, "seconds": schemas.INTEGER})
_STAGE_SUMMARY = schemas.obj(
    {"count": schemas.INTEGER, "minutes": schemas.INTEGER, "thirtyDayAvgMinutes": schemas.INTEGER}
)
_CLASSIC_SUMMARY = schemas.obj({"count": schemas.INTEGER, "minutes": schemas.INTEGER})
_LEVELS = {
    "anyOf": [
        schemas.obj(
            {
                "data": schemas.array(_LEVEL_ENTRY),
                "shortData": schemas.array(_LEVEL_ENTRY),
                "summary": schemas.obj({name: _STAGE_SUMMARY for name in STAGE_ORDER}),
            }
        ),
        schemas.obj(
            {
                "data": schemas.array(_LEVEL_ENTRY),
                "summary": schemas.obj({name: _CLASSIC_SUMMARY for name in ("asleep", "awake", "restless")}),
            }
        ),
    ]
}
_TIMESTAMP = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$"}
LOG_SCHEMA = schemas.obj(
    {
        "dateOfSleep": schemas.DATE,
        "duration": schemas.INTEGER,
        "efficiency": schemas.INTEGER,
        "endTime": _TIMESTAMP,
        "infoCode": schemas.INTEGER,
        "isMainSleep": schemas.BOOLEAN,
        "levels": _LEVELS,
        "logId": schemas.INTEGER,
        "logType": schemas.enum("auto_detected", "manual"),
        "minutesAfterWakeup": schemas.INTEGER,
        "minutesAsleep": schemas.INTEGER,
        "minutesAwake": schemas.INTEGER,
        "minutesToFallAsleep": schemas.INTEGER,
        "startTime": _TIMESTAMP,
        "timeInBed": schemas.INTEGER,
        "type": schemas.enum(STAGES, CLASSIC),
    }
)
V1_LOG_SCHEMA = schemas.obj(
    {
        **{
            k: schemas.INTEGER
            for k in (
                "awakeCount awakeDuration awakeningsCount duration efficiency logId minutesAfterWakeup "
                "minutesAsleep minutesAwake minutesToFallAsleep restlessCount restlessDuration timeInBed"
            ).split()
        },
        "dateOfSleep": schemas.DATE,
        "endTime": _TIMESTAMP,
        "isMainSleep": schemas.BOOLEAN,
        "minuteData": schemas.array(
            schemas.obj({"dateTime": schemas.TIME, "value": schemas.enum("1", "2", "3")})
        ),
        "startTime": _TIMESTAMP,
    }
)
_TOTALS = {
    "totalMinutesAsleep": schemas.INTEGER,
    "totalSleepRecords": schemas.INTEGER,
    "totalTimeInBed": schemas.INTEGER,
}
BY_DATE_SCHEMA = schemas.obj(
    {
        "sleep": schemas.array(LOG_SCHEMA),
        "summary": schemas.obj(
            _TOTALS, {"stages": schemas.obj({name: schemas.INTEGER for name in STAGE_ORDER})}
        ),
    }
)
V1_BY_DATE_SCHEMA = schemas.obj({"sleep": schemas.array(V1_LOG_SCHEMA), "summary": schemas.obj(_TOTALS)})
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
