"""Path and query parameters as Fitbit parsed them: dates (``yyyy-MM-dd``, unpadded, ``today``), periods, detail
levels, time windows and range limits. Bad values raise the seed's exact validation errors."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fitbit_local.errors import FitbitError

_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")

# Period -> days covered, ending on (and including) the base date [DOC].
PERIOD_DAYS = {
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


def local_today(timezone: str, now: float) -> date:
    return datetime.fromtimestamp(now, ZoneInfo(timezone)).date()


def parse_date(value: str, *, today: date) -> date:
    """``today`` or ``yyyy-M-d`` (unpadded months and days are accepted: python-fitbit sends them)."""
    if value == "today":
        return today
    match = _DATE.match(value)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise FitbitError("validation_date", date=value)


def parse_time(value: str, field: str = "time") -> time:
    """``HH:mm`` or ``HH:mm:ss`` (Fitbit.NET and the API's own links send seconds)."""
    match = _TIME.match(value)
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    raise FitbitError("validation_date", field_name=field, date=value)


def is_period(value: str) -> bool:
    return value in PERIOD_DAYS


def period_start(end: date, period: str, *, first_day: date | None = None) -> date:
    """The first day of `period` ending on `end` (``max`` starts at the user's first day of data)."""
    days = PERIOD_DAYS[period]
    if days is not None:
        return end - timedelta(days=days - 1)
    if period == "max":
        return min(first_day or end, end)
    months = {"1m": 1, "3m": 3, "6m": 6, "1y": 12}[period]
    year, month = end.year, end.month - months
    while month <= 0:
        month += 12
        year -= 1
    day = min(end.day, _days_in_month(year, month))
    return date(year, month, day) + timedelta(days=1)


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def check_period(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise FitbitError("validation_period", value=value)
    return value


def check_range(start: date, end: date, max_days: int) -> None:
    """Fitbit's range limit: more than `max_days` days between start and end is refused [DOC]."""
    if end < start:
        raise FitbitError("validation_date", field_name="end date", date=end.isoformat())
    if (end - start).days + 1 > max_days:
        raise FitbitError("validation_range", max=max_days)


def days_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
