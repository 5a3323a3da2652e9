"""The data horizon: by the sandbox clock, today holds only its completed minutes and later days hold nothing yet."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from tests.api.conftest import END, World

NEW_YORK = ZoneInfo("America/New_York")  # the world's user lives there
NOON_30 = 12 * 60 + 30


@pytest.fixture
def midday(fresh_world: World) -> World:
    """The clock frozen at 12:30:20 on END, the user's local time."""
    fresh_world.services.clock.set(
        datetime(END.year, END.month, END.day, 12, 30, 20, tzinfo=NEW_YORK), frozen=True
    )
    return fresh_world


def _stored(world: World, name: str) -> np.ndarray:
    array = world.services.store.series.get_series(world.user.id, name, END)
    assert array is not None
    return array


def test_today_counts_only_completed_minutes(midday: World) -> None:
    steps = _stored(midday, "steps")
    summary = midday.ok(f"/1/user/-/activities/date/{END}.json")["summary"]
    assert summary["steps"] == int(steps[:NOON_30].sum()) < int(steps.sum())
    today = midday.ok("/1/user/-/activities/date/today.json")["summary"]
    assert today == summary
    intraday = midday.ok("/1/user/-/activities/steps/date/today/1d/1min.json")
    values = [int(p["value"]) for p in intraday["activities-steps-intraday"]["dataset"]]
    assert sum(values) == summary["steps"] and not any(values[NOON_30:])
    in_bed = int(np.count_nonzero(_stored(midday, "sleep")[:NOON_30]))
    levels = ("sedentaryMinutes", "lightlyActiveMinutes", "fairlyActiveMinutes", "veryActiveMinutes")
    assert sum(summary[k] for k in levels) + in_bed == NOON_30  # minutes not yet lived are in no level
    series = midday.ok("/1/user/-/activities/steps/date/today/1d.json")["activities-steps"]
    assert series == [{"dateTime": str(END), "value": str(summary["steps"])}]


def test_today_heart_stops_at_the_last_completed_minute(midday: World) -> None:
    heart = _stored(midday, "heart")
    dataset = midday.ok(f"/1/user/-/activities/heart/date/{END}/1d/1sec.json")["activities-heart-intraday"][
        "dataset"
    ]
    assert len(dataset) == np.count_nonzero(heart[: NOON_30 * 60])
    assert dataset[-1]["time"] < "12:30:00"


def test_bmr_calories_accrue_through_the_day(midday: World) -> None:
    partial = midday.ok(f"/1/user/-/activities/date/{END}.json")["summary"]["caloriesBMR"]
    midday.services.clock.set(datetime(END.year, END.month, END.day + 1, 6, 0, tzinfo=NEW_YORK), frozen=True)
    whole = midday.ok(f"/1/user/-/activities/date/{END}.json")["summary"]["caloriesBMR"]
    assert abs(partial - whole * NOON_30 / 1440) <= 1 and partial < whole


def test_later_days_have_no_data_yet(midday: World) -> None:
    # the data goes no further than END, so generate a day past it and check it stays hidden until the clock gets there
    from fitbit_local.sources.load import store_synthetic_days

    tomorrow = END + timedelta(days=1)
    store_synthetic_days(midday.services.store, midday.user, days=1, end=tomorrow, seed=11)
    hidden = midday.ok(f"/1/user/-/activities/date/{tomorrow}.json")["summary"]
    assert hidden["steps"] == 0 and hidden["heartRateZones"][0]["minutes"] == 0
    heart = midday.ok(f"/1/user/-/activities/heart/date/{tomorrow}/1d/1min.json")["activities-heart-intraday"]
    assert heart["dataset"] == []
    midday.services.clock.set(datetime(END.year, END.month, END.day + 2, 0, 5, tzinfo=NEW_YORK), frozen=True)
    shown = midday.ok(f"/1/user/-/activities/date/{tomorrow}.json")["summary"]
    assert (
        shown["steps"]
        == int(midday.services.store.series.get_series(midday.user.id, "steps", tomorrow).sum())
        > 0
    )


def test_utc_frame_respects_the_horizon(midday: World) -> None:
    """12:30 in New York is 16:30 UTC (EDT starts on 2024-03-10 at 02:00, so the offset is -4 h by noon)."""
    body = midday.ok(f"/1/user/-/activities/steps/date/{END}/1d/1min.json?timezone=UTC")
    values = [int(p["value"]) for p in body["activities-steps-intraday"]["dataset"]]
    assert not any(values[16 * 60 + 30 :])
    assert sum(values) <= int(_stored(midday, "steps")[:NOON_30].sum()) + int(
        midday.services.store.series.get_series(midday.user.id, "steps", END - timedelta(days=1)).sum()
    )


def test_average_daily_steps_counts_complete_days(midday: World) -> None:
    store = midday.services.store.series
    earlier = [int(store.get_series(midday.user.id, "steps", END - timedelta(days=d)).sum()) for d in (1, 2)]
    profile = midday.ok("/1/user/-/profile.json")["user"]
    assert profile["averageDailySteps"] == round(sum(earlier) / 2)
