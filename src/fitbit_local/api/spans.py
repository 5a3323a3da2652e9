"""What a time-series or intraday row's date parameters cover, worked out by the pipeline from the parsed values
and the row's limits (registry.py ``Shape``):

- days: one entry per calendar day, ending on the base date for periods, bounded by the row's maximum range;
- intraday spans: a date (or start/end dates) with an optional ``/time/HH:mm[:ss]/HH:mm[:ss]`` window and a detail
  level; buckets are aligned to the clock (00:00, 00:15 …) and only the minutes inside the window count.

The period and range forms share one URL shape (``date/{date}/{x}.json``): the ``tsperiod`` route convertor sends
the period words to the period rows and everything else to the range rows, which answer a non-date with Fitbit's
"Invalid time series period" [seed 003].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.convertors import CONVERTOR_TYPES, Convertor, register_url_convertor

from fitbit_local.api.params import DETAIL_SECONDS, check_range, days_between, period_start
from fitbit_local.api.registry import PERIODS, Endpoint
from fitbit_local.errors import FitbitError

SECONDS_PER_DAY = 86_400
INTRADAY_WINDOW_SECONDS = SECONDS_PER_DAY + 60  # "max range 24 hours" [DOC]: 00:00 to 00:00 the next day fits


class PatternConvertor(Convertor[str]):
    """A path segment matching a regular expression, passed on as text."""

    def __init__(self, regex: str) -> None:
        self.regex = regex  # type: ignore[misc]  # starlette declares regex on the class; ours vary per instance

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


def register_convertor(name: str, regex: str) -> None:
    if name not in CONVERTOR_TYPES:
        register_url_convertor(name, PatternConvertor(regex))


# Families served under /activities/ by their own rows: the generic {resource} never captures them.
_OWN_FAMILIES = ("heart", "active-zone-minutes", "tracker", "date")
register_convertor("tsperiod", "|".join(PERIODS))
register_convertor("digits", "[0-9]+")  # an entity id (a log, a meal, a food): never a word such as list.json
register_convertor("activityresource", "".join(f"(?!{re.escape(f)}/)" for f in _OWN_FAMILIES) + "[^/]+")


def series_days(
    row: Endpoint, args: Mapping[str, Any], first_data_day: Callable[[], date | None]
) -> list[date]:
    """The days of ``date/{date}/{period}`` or ``date/{start}/{end}``; ``max`` starts at the first day of data.
    Every form is bounded by the row's maximum range, ``max`` included, so no request's work is unbounded."""
    base: date = args["date"]
    max_days = row.max_range_days or 1
    if "period" in args:
        period = args["period"]
        start = period_start(base, period, first_day=first_data_day() if period == "max" else None)
        if period == "max" and (base - start).days + 1 > max_days:
            raise FitbitError("validation_data_points")  # recorded for max.json [docs/decisions.md]
        check_range(start, base, max_days)
        return days_between(start, base)
    end: date = args["end_date"]
    check_range(base, end, max_days)
    return days_between(base, end)


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
    def empty(self) -> bool:
        """A one-day window that ends before it starts (``…/1d/1min/time/10:00/09:00.json``)."""
        return self.first_second > self.last_second


@dataclass(frozen=True)
class IntradaySpan:
    detail: str
    windows: tuple[DayWindow, ...]
    windowed: bool  # the request named a /time/ window

    @property
    def bucket_seconds(self) -> int:
        return DETAIL_SECONDS[self.detail]

    @property
    def bucket_minutes(self) -> int:
        return max(1, self.bucket_seconds // 60)

    @property
    def dataset_type(self) -> str:
        return "second" if self.detail == "1sec" else "minute"

    @property
    def dataset_interval(self) -> int:
        return 1 if self.detail == "1sec" else self.bucket_minutes

    @property
    def days(self) -> list[date]:
        return [w.day for w in self.windows]

    def __iter__(self) -> Iterator[DayWindow]:
        return iter(self.windows)


def intraday_span(row: Endpoint, args: Mapping[str, Any]) -> IntradaySpan:
    """``date/{date}/1d[/{detail}]`` or ``date/{date}/{end_date}/{detail}``, each with an optional
    ``time/{start_time}/{end_time}``. Without a detail level (Fitbit.NET's legacy ``…/1d/time/A/B.json`` and the
    Swagger's interval-with-window form) the dataset is per minute. The row's ``max_range_days`` of None is
    Fitbit's 24-hour limit."""
    detail = args.get("detail", "1min")  # checked against the row's detail levels by its parser
    start: date = args["date"]
    end: date = args.get("end_date", start)
    first: int = args.get("start_time", 0)
    last: int = args.get("end_time", SECONDS_PER_DAY - 1)
    if row.max_range_days is None:
        if end < start:
            raise FitbitError("validation_date", field_name="end date", date=end.isoformat())
        if (end - start).days * SECONDS_PER_DAY + last - first >= INTRADAY_WINDOW_SECONDS:
            raise FitbitError("validation_time_range")
    else:
        check_range(start, end, row.max_range_days)
    days = days_between(start, end)
    # Every day keeps its window, even a one-day window ending before it starts: the answer then has that day with
    # an empty dataset rather than no day at all, since clients index ``activities-<resource>[0]`` [fidelity audit].
    windows = tuple(
        DayWindow(day, first if i == 0 else 0, last if i == len(days) - 1 else SECONDS_PER_DAY - 1)
        for i, day in enumerate(days)
    )
    return IntradaySpan(detail, windows, windowed="start_time" in args)


def bucket_labels(window: DayWindow, bucket_minutes: int) -> list[int]:
    """Minute-of-day labels of the clock-aligned buckets that hold at least one minute of the window."""
    if window.empty:
        return []
    first = window.first_minute - window.first_minute % bucket_minutes
    return list(range(first, window.last_minute + 1, bucket_minutes))


_MINUTE_LABELS = tuple(f"{m // 60:02d}:{m % 60:02d}:00" for m in range(1440))


def hh_mm_ss(minute: int) -> str:
    """``HH:mm:00`` of a minute of the day, as intraday datasets label their points (made once, not per point)."""
    return _MINUTE_LABELS[minute]


def iso_minute(day: date, minute: int) -> str:
    return f"{day.isoformat()}T{hh_mm_ss(minute)}"
