"""Shared time-series and intraday machinery for the activity, AZM and heart-rate families.

- path shapes: the period and range forms share one URL shape (``date/{date}/{x}.json``); a ``tsperiod`` route
  convertor sends the period words to the period rows and everything else to the range rows, which answer a
  non-date with Fitbit's "Invalid time series period" [seed 003];
- day lists: one entry per calendar day, ending on the base date for periods;
- intraday spans: a date (or start/end dates) with an optional ``/time/HH:mm[:ss]/HH:mm[:ss]`` window and a detail
  level; buckets are aligned to the clock (00:00, 00:15 …) and only the minutes inside the window count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from starlette.convertors import CONVERTOR_TYPES, Convertor

from fitbit_local.api.context import RequestContext
from fitbit_local.api.days import DayFrame
from fitbit_local.api.params import (
    check_period,
    check_range,
    days_between,
    parse_date,
    parse_time,
    period_start,
)
from fitbit_local.errors import FitbitError

ALL_PERIODS = ("1d", "7d", "30d", "1w", "1m", "3m", "6m", "1y", "max")
DOC_PERIODS = ALL_PERIODS[:-1]  # what the doc pages list; the Swagger adds "max" for activity
HEART_PERIODS = ("1d", "7d", "30d", "1w", "1m")
MINUTE_DETAILS = ("1min", "5min", "15min")
HEART_DETAILS = ("1sec", *MINUTE_DETAILS)
DETAIL_SECONDS = {"1sec": 1, "1min": 60, "5min": 300, "15min": 900}

# Families served under /activities/ by their own rows: the generic {resource} never captures them.
_OWN_FAMILIES = ("heart", "active-zone-minutes", "tracker", "date")
_DATE_LIKE = re.compile(r"^(today|\d+-\d+-\d+|\d{4}-.*)$")


class _Regex(Convertor[str]):
    def __init__(self, regex: str) -> None:
        self.regex = regex  # type: ignore[misc]  # starlette declares regex on the class; ours vary per instance

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


CONVERTOR_TYPES.setdefault("tsperiod", _Regex("|".join(ALL_PERIODS)))
CONVERTOR_TYPES.setdefault(
    "activityresource", _Regex("".join(f"(?!{re.escape(f)}/)" for f in _OWN_FAMILIES) + "[^/]+")
)


def frame(ctx: RequestContext) -> DayFrame:
    return DayFrame(
        ctx.services.store.series, ctx.user, utc=ctx.utc_requested, now=ctx.now, cache=ctx.services.cached
    )


# --- daily time series ---------------------------------------------------------------------------------------


def series_days(ctx: RequestContext, *, periods: tuple[str, ...], max_days: int) -> list[date]:
    """The days a time-series request covers: ``date/{date}/{period}`` or ``date/{start}/{end}``."""
    base = parse_date(ctx.path["date"], today=ctx.today)
    if "period" in ctx.path:
        period = check_period(ctx.path["period"], periods)
        first = None
        if period == "max":
            known = ctx.services.store.series.day_range(ctx.user.id)
            first = known[0] if known else base
        return days_between(period_start(base, period, first_day=first), base)
    end_raw = ctx.path["end_date"]
    if not _DATE_LIKE.match(end_raw):  # /date/today/2d.json: a bad period, not a bad date
        raise FitbitError("validation_period", value=end_raw)
    end = parse_date(end_raw, today=ctx.today)
    check_range(base, end, max_days)
    return days_between(base, end)


# --- intraday --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayWindow:
    day: date
    first_second: int  # inclusive
    last_second: int  # inclusive

    @property
    def first_minute(self) -> int:
        return self.first_second // 60

    @property
    def last_minute(self) -> int:
        return self.last_second // 60

    @property
    def whole_day(self) -> bool:
        return self.first_second == 0 and self.last_second == 86_399


@dataclass(frozen=True)
class IntradaySpan:
    detail: str
    windows: tuple[DayWindow, ...]

    @property
    def bucket_minutes(self) -> int:
        return max(1, DETAIL_SECONDS[self.detail] // 60)

    @property
    def dataset_type(self) -> str:
        return "second" if self.detail == "1sec" else "minute"

    @property
    def dataset_interval(self) -> int:
        return 1 if self.detail == "1sec" else self.bucket_minutes

    def __iter__(self) -> Iterator[DayWindow]:
        return iter(self.windows)


def _end_second(raw: str, field: str) -> int:
    t = parse_time(raw, field)
    # "HH:mm" ends at the end of that minute (00:00/23:59 is the whole day); "HH:mm:ss" is exact
    return t.hour * 3600 + t.minute * 60 + (t.second if raw.count(":") == 2 else 59)


def intraday_span(ctx: RequestContext, *, details: tuple[str, ...], max_days: int | None) -> IntradaySpan:
    """Parse an intraday path: ``date/{date}/1d[/{detail}]`` or ``date/{date}/{end_date}/{detail}``, each with an
    optional ``time/{start_time}/{end_time}``. ``max_days=None`` means Fitbit's 24-hour interval limit."""
    path = ctx.path
    detail = path.get("detail", "1min")  # Fitbit.NET's legacy ".../1d/time/A/B.json" has no detail level
    start = parse_date(path["date"], today=ctx.today)
    end = start
    if "end_date" in path:
        if not _DATE_LIKE.match(path["end_date"]):  # /date/D/7d/1min.json: intraday needs "1d" [seed 003]
            raise FitbitError("validation_period", value=path["end_date"])
        end = parse_date(path["end_date"], today=ctx.today)
        check_range(start, end, max_days or 10**6)  # the 24-hour rule is checked below, once times are known
    if detail not in details:
        raise FitbitError("validation_resource_path")
    first, last = 0, 86_399
    if "start_time" in path:
        t = parse_time(path["start_time"], "start-time")
        first = t.hour * 3600 + t.minute * 60 + t.second
        last = _end_second(path["end_time"], "end-time")
    if max_days is None and (end - start).days * 86_400 + last - first >= 86_400 + 60:
        raise FitbitError("validation_range", max=1)
    days = days_between(start, end)
    windows = []
    for i, day in enumerate(days):
        lo = first if i == 0 else 0
        hi = last if i == len(days) - 1 else 86_399
        if lo <= hi:
            windows.append(DayWindow(day, lo, hi))
    return IntradaySpan(detail, tuple(windows))


def bucket_labels(window: DayWindow, bucket_minutes: int) -> list[int]:
    """Minute-of-day labels of the clock-aligned buckets that hold at least one minute of the window."""
    first = window.first_minute - window.first_minute % bucket_minutes
    return list(range(first, window.last_minute + 1, bucket_minutes))


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}:00"


def iso_minute(day: date, minute: int) -> str:
    return f"{day.isoformat()}T{clock(minute)}"


def next_day(day: date) -> date:
    return day + timedelta(days=1)
