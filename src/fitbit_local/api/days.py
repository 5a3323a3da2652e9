"""A user's days as one request renders them: in the user's local time (the default) or, with ``?timezone=UTC``,
in UTC [DOC application-design: "Some endpoints such as activity and heart rate support the query parameter
timezone=UTC"].

Data has a horizon: the sandbox clock's "now". A day after the user's local today has no data yet, and today holds
only its completed minutes (as if the tracker had just synced), with today's summary derived from those minutes by
the same function, so a client polling through the day sees the numbers grow and a settable clock replays a day.

The store keeps one array per local calendar day. A UTC day spans parts of up to two (three, around travel) local
days, so UTC rendering stitches the local arrays onto the UTC clock with the time-zone history and derives the UTC
day's summary with the same `physiology.summaries` function, so UTC intraday sums still equal UTC daily values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol, TypeVar
from zoneinfo import ZoneInfo

import numpy as np

from fitbit_local.physiology.day import MINUTES_PER_DAY, SECONDS_PER_DAY, DayArrays
from fitbit_local.physiology.summaries import DailySummary, derive_daily_summary
from fitbit_local.store.series import SeriesRepository
from fitbit_local.store.users import User

if TYPE_CHECKING:
    from fitbit_local.api.context import RequestContext

T = TypeVar("T")


class Cache(Protocol):
    """`Services.cached`: a value kept until the sandbox epoch moves."""

    def __call__(self, key: object, load: Callable[[], T]) -> T: ...


def _no_cache(key: object, load: Callable[[], T]) -> T:
    return load()


@lru_cache(maxsize=128)
def empty_summary(age: int) -> DailySummary:
    """A day without data: zero counts, 1440 sedentary minutes, zone bounds from age and the default resting HR
    (immutable, so one object serves every request)."""
    return derive_daily_summary(DayArrays(), age=age, resting_hr_fallback=None, bmr_kcal_per_day=0.0)


def _minute_offsets(day: date, zone: ZoneInfo) -> np.ndarray:
    """UTC offset in seconds of each local wall-clock minute of `day` (constant except on DST days)."""
    start = datetime.combine(day, time(0), zone).utcoffset()
    end = datetime.combine(day, time(23, 59), zone).utcoffset()
    if start == end:
        return np.full(MINUTES_PER_DAY, int(start.total_seconds()) if start else 0, dtype=np.int64)
    base = datetime.combine(day, time(0))
    offsets = [
        ((base + timedelta(minutes=m)).replace(tzinfo=zone).utcoffset() or timedelta())
        for m in range(MINUTES_PER_DAY)
    ]
    return np.array([int(o.total_seconds()) for o in offsets], dtype=np.int64)


def _is_utc_everywhere(user: User) -> bool:
    probes = (datetime(2001, 1, 15), datetime(2001, 7, 15))
    return all(ZoneInfo(z).utcoffset(p) == timedelta(0) for _, z in user.timezones for p in probes)


def mask_after(arrays: DayArrays, minute: int) -> DayArrays:
    """A copy of the day holding only minutes before `minute` (and their seconds): what a tracker had synced."""
    kept = DayArrays(**{name: array.copy() for name, array in arrays.items()})
    for _, array in kept.items():
        array[minute * (60 if array.shape[0] == SECONDS_PER_DAY else 1) :] = 0
    return kept


class DayFrame:
    """Summaries and arrays of one user's days in the frame the request asked for (cached for the request),
    as they stand at `now` (the sandbox clock)."""

    def __init__(
        self, series: SeriesRepository, user: User, *, utc: bool, now: float, cache: Cache = _no_cache
    ) -> None:
        self.series = series
        self.cache = cache
        self.user = user
        self.utc = utc and not _is_utc_everywhere(user)
        local_now = datetime.fromtimestamp(now, ZoneInfo(user.current_timezone))
        self.today = local_now.date()
        self.completed_minutes = local_now.hour * 60 + local_now.minute  # minutes of today already synced
        self._local_days: dict[date, DayArrays | None] = {}
        self._local_summaries: dict[date, DailySummary] = {}
        self._utc_arrays: dict[date, DayArrays | None] = {}

    # --- local storage, cut at the horizon -----------------------------------------------------------------
    def _local_day(self, day: date) -> DayArrays | None:
        if day not in self._local_days:
            stored = self.series.get_day(self.user.id, day) if day <= self.today else None
            if stored is not None and day == self.today:
                stored = mask_after(stored, self.completed_minutes)
            self._local_days[day] = stored
        return self._local_days[day]

    def _stored_summaries(self, start: date, end: date) -> dict[date, DailySummary]:
        return {
            date.fromisoformat(key): DailySummary.from_json(value)
            for key, value in self.series.get_summaries(self.user.id, start, end).items()
        }

    def _load_local_summaries(self, start: date, end: date) -> None:
        # Typed summaries of the whole range stay cached until the epoch moves (every store write bumps it): a
        # client polling one range reads them once. Today's entry is the stored whole day, replaced below.
        last = min(end, self.today)
        self._local_summaries.update(
            self.cache(("summaries", self.user.id, start, last), lambda: self._stored_summaries(start, last))
        )
        if start <= self.today <= end and self.today in self._local_summaries:
            whole_day = self._local_summaries[self.today]
            self._local_summaries[self.today] = self.cache(
                ("today so far", self.user.id, self.today, self.completed_minutes),
                lambda: self._today_so_far(whole_day),
            )

    def _today_so_far(self, whole_day: DailySummary) -> DailySummary:
        """Today's summary from its completed minutes; BMR calories accrue with the minutes [decisions.md]."""
        arrays = self._local_day(self.today) or DayArrays()  # a day without readings stores no arrays
        return derive_daily_summary(
            arrays,
            age=self.user.age_on(self.today),
            resting_hr_fallback=self.series.latest_resting_hr(self.user.id, before=self.today),
            bmr_kcal_per_day=whole_day.calories_bmr * self.completed_minutes / MINUTES_PER_DAY,
            elapsed_minutes=self.completed_minutes,
        )

    # --- the request's frame -------------------------------------------------------------------------------
    def summaries(self, days: list[date]) -> dict[date, DailySummary]:
        """The summary of each day; days without data get `empty_summary`."""
        if not days:
            return {}
        if not self.utc:
            self._load_local_summaries(days[0], days[-1])
            return {d: self._local_summaries.get(d) or empty_summary(self.user.age_on(d)) for d in days}
        self._load_local_summaries(days[0] - timedelta(days=1), days[-1] + timedelta(days=1))
        return {d: self._utc_summary(d) for d in days}

    def summary(self, day: date) -> DailySummary:
        return self.summaries([day])[day]

    def arrays(self, day: date) -> DayArrays | None:
        """The raw arrays of `day` in the frame, or None when the day holds no data."""
        if not self.utc:
            return self._local_day(day)
        if day not in self._utc_arrays:
            self._utc_arrays[day] = self._stitch(day)
        return self._utc_arrays[day]

    # --- UTC rendering ---------------------------------------------------------------------------------------
    def _stitch(self, utc_day: date) -> DayArrays | None:
        out = DayArrays()
        found = False
        for delta in (-1, 0, 1):
            local_day = utc_day + timedelta(days=delta)
            source = self._local_day(local_day)
            if source is None:
                continue
            offsets = _minute_offsets(local_day, ZoneInfo(self.user.timezone_on(local_day)))
            # UTC second of each local minute's start, relative to the UTC day's midnight
            utc_minute_start = (
                np.arange(MINUTES_PER_DAY, dtype=np.int64) * 60 - offsets + delta * SECONDS_PER_DAY
            )
            if utc_minute_start.max() < 0 or utc_minute_start.min() >= SECONDS_PER_DAY:
                continue
            found = True
            utc_minute = utc_minute_start // 60
            keep_m = (utc_minute >= 0) & (utc_minute < MINUTES_PER_DAY)
            seconds = (utc_minute_start[:, None] + np.arange(60)).ravel()
            keep_s = (seconds >= 0) & (seconds < SECONDS_PER_DAY)
            for name, array in source.items():
                target = getattr(out, name)
                if array.shape[0] == SECONDS_PER_DAY:
                    target[seconds[keep_s]] = array[keep_s]
                else:
                    target[utc_minute[keep_m]] = array[keep_m]
        return out if found else None

    def _utc_summary(self, utc_day: date) -> DailySummary:
        age = self.user.age_on(utc_day)
        arrays = self.arrays(utc_day)
        if arrays is None:
            return empty_summary(age)
        local = self._local_summaries.get(utc_day)
        earlier = self._local_summaries.get(utc_day - timedelta(days=1))
        known = [s for s in (local, earlier) if s is not None]
        return derive_daily_summary(
            arrays,
            age=age,
            resting_hr_fallback=next((s.resting_heart_rate for s in known if s.resting_heart_rate), None),
            bmr_kcal_per_day=float(next((s.calories_bmr for s in known if s.calories_bmr), 0)),
        )


def frame(ctx: RequestContext) -> DayFrame:
    """The requesting user's days in the frame the request asked for (local, or UTC with ``?timezone=UTC``)."""
    return DayFrame(
        ctx.services.store.series, ctx.user, utc=ctx.utc_requested, now=ctx.now, cache=ctx.services.cached
    )
