"""Sleep logs as the API renders them: the v1.2 form (``levels.data``/``shortData``/``summary`` with the thirty-day
averages), the v1 form (``minuteData``), a day's ``summary``, and their response schemas [DOC sleep pages; reference
§4.6]. Every value comes from `physiology.sleep`; this module only reads the logs a request may see and writes JSON.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.physiology.sleep import CLASSIC, STAGE_ORDER, STAGES, SleepLog, SleepTotals, stamp

AVERAGE_DAYS = 30  # thirtyDayAvgMinutes


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
