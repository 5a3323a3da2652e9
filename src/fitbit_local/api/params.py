"""Parameters as Fitbit parsed them: dates (``yyyy-MM-dd``, unpadded, ``today``), periods, detail levels, time
windows, resources. Each is a `Param` (registry.py) whose parser raises the seed's exact validation error, so the
pipeline refuses bad input before any handler runs.

Dates are bounded (``MIN_DATE`` … ``MAX_DATE``): Fitbit accounts begin in 2007, and a date in year 1 or year 9999
would only make the calendar arithmetic around it (periods, the neighbouring local days of a UTC day) overflow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fitbit_local.api.registry import Param, ParseScope
from fitbit_local.errors import FitbitError

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE_LIKE = re.compile(r"^(today|\d+-\d+-\d+|\d{4}-.*)$")

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(9998, 12, 31)

# Period -> days covered, ending on (and including) the base date [DOC]; None: calendar months or "max".
PERIOD_DAYS: dict[str, int | None] = {
    "1d": 1,
    "7d": 7,
    "30d": 30,
    "1w": 7,
    "1m": None,
    "3m": None,
    "6m": None,
    "1y": None,
    "max": None,
}
_PERIOD_MONTHS = {"1m": 1, "3m": 3, "6m": 6, "1y": 12}
DETAIL_SECONDS = {"1sec": 1, "1min": 60, "5min": 300, "15min": 900}


def local_today(timezone: str, now: float) -> date:
    return datetime.fromtimestamp(now, ZoneInfo(timezone)).date()


def parse_date(value: str, *, today: date, field_name: str = "date") -> date:
    """``today`` or ``yyyy-M-d`` (unpadded months and days are accepted: python-fitbit sends them)."""
    if value == "today":
        return today
    match = _DATE.match(value)
    if match:
        try:
            parsed = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
        else:
            if MIN_DATE <= parsed <= MAX_DATE:
                return parsed
    raise FitbitError("validation_date", field_name=field_name, date=value)


def second_of_day(value: str, field_name: str, *, end: bool) -> int:
    """``HH:mm`` or ``HH:mm:ss`` (Fitbit.NET and the API's own links send seconds) as a second of the day. A window's
    end given as ``HH:mm`` means the end of that minute (``00:00``–``23:59`` is the whole day)."""
    match = _TIME.match(value)
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            exact = match[3] is not None
            return hour * 3600 + minute * 60 + (second if exact or not end else 59)
    raise FitbitError("validation_date", field_name=field_name, date=value)


def period_start(end: date, period: str, *, first_day: date | None = None) -> date:
    """The first day of `period` ending on `end` (``max`` starts at the user's first day of data)."""
    days = PERIOD_DAYS[period]
    if days is not None:
        return end - timedelta(days=days - 1)
    if period == "max":
        return min(first_day or end, end)
    year, month = end.year, end.month - _PERIOD_MONTHS[period]
    while month <= 0:
        month += 12
        year -= 1
    day = min(end.day, _days_in_month(year, month))
    return date(year, month, day) + timedelta(days=1)


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def check_range(start: date, end: date, max_days: int) -> None:
    """Fitbit's range limit: more than `max_days` days between start and end is refused [DOC]."""
    if end < start:
        raise FitbitError("validation_date", field_name="end date", date=end.isoformat())
    if (end - start).days + 1 > max_days:
        raise FitbitError("validation_range", max=max_days)


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# --- parsers (raw text, scope) -> value ---------------------------------------------------------------------------


def _date(raw: str, scope: ParseScope) -> date:
    return parse_date(raw, today=scope.today)


def _end_date(raw: str, scope: ParseScope) -> date:
    # The period and range forms share one URL shape: /date/today/2d.json is a bad period, not a bad date [seed 003].
    if not _DATE_LIKE.match(raw):
        raise FitbitError("validation_period", value=raw)
    return parse_date(raw, today=scope.today)


def _period(raw: str, scope: ParseScope) -> str:
    if raw not in scope.row.periods:
        raise FitbitError("validation_period", value=raw)
    return raw


def _detail(raw: str, scope: ParseScope) -> str:
    if raw not in scope.row.detail_levels:
        raise FitbitError("validation_resource_path", path=scope.resource_path)
    return raw


def _start_time(raw: str, scope: ParseScope) -> int:
    return second_of_day(raw, "start-time", end=False)


def _end_time(raw: str, scope: ParseScope) -> int:
    return second_of_day(raw, "end-time", end=True)


def _resource(raw: str, scope: ParseScope) -> Any:
    resource = scope.row.resources.get(raw)
    if resource is None:
        raise FitbitError("validation_resource_path", path=scope.resource_path)
    return resource


def _utc(raw: str, scope: ParseScope) -> bool:
    return raw.upper() == "UTC"


ID_BITS = 31  # the store's autoincrement ids are INTEGER columns (4 bytes on PostgreSQL)


def entity_id(raw: str, *, bits: int = ID_BITS) -> int | None:
    """The number a path id names, or None when it is no id a stored entity can have: not all digits, or beyond
    what the id column holds (a value PostgreSQL would refuse to compare, never a 500)."""
    if not raw.isdigit() or len(raw) > 20 or int(raw) >= 2**bits:
        return None
    return int(raw)


def entity_id_parser(*, bits: int = ID_BITS) -> Callable[[str, ParseScope], int]:
    """A path parser for a stored entity's id (a log, an alarm, a meal): Fitbit's 404 "Requested entity was not
    found" for anything that cannot name one."""

    def parse(raw: str, scope: ParseScope) -> int:
        value = entity_id(raw, bits=bits)
        if value is None:
            raise FitbitError("entity_not_found")
        return value

    return parse


DATE_SCHEMA = {"type": "string", "pattern": r"^(today|\d{4}-\d{1,2}-\d{1,2})$"}
TIME_SCHEMA = {"type": "string", "pattern": r"^\d{1,2}:\d{2}(:\d{2})?$"}

DATE = Param("date", "date", "path", _date, DATE_SCHEMA, "yyyy-MM-dd or today (the user's local date)")
BASE_DATE = Param("base-date", "date", "path", _date, DATE_SCHEMA, "the end date of the period, or today")
START_DATE = Param("start-date", "date", "path", _date, DATE_SCHEMA, "the first day, yyyy-MM-dd or today")
END_DATE = Param("end-date", "end_date", "path", _end_date, DATE_SCHEMA, "the last day, yyyy-MM-dd or today")
PERIOD = Param("period", "period", "path", _period, {"type": "string"}, "the days ending on the base date")
DETAIL_LEVEL = Param("detail-level", "detail", "path", _detail, {"type": "string"}, "the dataset's interval")
START_TIME = Param("start-time", "start_time", "path", _start_time, TIME_SCHEMA, "HH:mm[:ss], window start")
END_TIME = Param("end-time", "end_time", "path", _end_time, TIME_SCHEMA, "HH:mm[:ss], window end")
RESOURCE = Param("resource", "resource", "path", _resource, {"type": "string"}, "the time-series resource")
TIMEZONE_UTC = Param(
    "timezone",
    "timezone",
    "query",
    _utc,
    {"type": "string", "enum": ["UTC"]},
    "UTC renders the days on the UTC clock instead of the user's [DOC application-design]",
    required=False,
)
