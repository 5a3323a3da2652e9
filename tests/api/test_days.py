"""Day frames hand handlers typed summaries (`DailySummary`), cached until the sandbox epoch moves."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from fitbit_local.api.days import DayFrame
from fitbit_local.physiology.day import NO_ZONE, DayArrays
from fitbit_local.physiology.summaries import DailySummary, derive_daily_summary
from tests.api.conftest import END, FIRST, World


def _frame(world: World) -> DayFrame:
    services = world.services
    return DayFrame(
        services.store.series, world.user, utc=False, now=services.clock.now(), cache=services.cached
    )


def test_summaries_are_typed_and_their_minute_zones_decode_on_first_use(world: World) -> None:
    days = [FIRST - timedelta(days=1), FIRST, END]
    summaries = _frame(world).summaries(days)
    assert all(isinstance(s, DailySummary) for s in summaries.values())
    stored = summaries[END]
    assert isinstance(stored.minute_zones_packed, str)  # still the stored text
    assert "minute_zones" not in vars(stored)
    zones = stored.minute_zones
    assert zones.shape == (1440,) and zones.dtype == np.uint8 and not zones.flags.writeable
    assert int(np.count_nonzero(zones != NO_ZONE)) == stored.minutes_with_hr
    assert DailySummary.from_json(stored.to_json()) == stored
    assert summaries[days[0]].steps == 0 and summaries[days[0]].sedentary_minutes == 1440


def test_a_store_write_is_seen_by_the_next_request(fresh_world: World) -> None:
    world = fresh_world
    path = f"/1/user/-/activities/steps/date/{FIRST}/{END}.json"
    before = world.ok(path)["activities-steps"]
    assert world.ok(path)["activities-steps"] == before  # served from the cached typed summaries
    arrays = DayArrays()
    arrays.steps[600:610] = 7
    summary = derive_daily_summary(arrays, age=38, resting_hr_fallback=60, bmr_kcal_per_day=1500.0)
    world.services.store.series.put_days(world.user.id, [(END, arrays, summary.to_json())], source="import")
    after = world.ok(path)["activities-steps"]
    assert after[:-1] == before[:-1] and after[-1] == {"dateTime": str(END), "value": "70"}


def test_from_json_refuses_what_to_json_did_not_write(world: World) -> None:
    stored = world.services.store.series.get_summaries(world.user.id, END, END)[END.isoformat()]
    for broken in (
        {**stored, "extra": 1},
        {k: v for k, v in stored.items() if k != "steps"},
        {**stored, "zones": [{**stored["zones"][0], "colour": "red"}, *stored["zones"][1:]]},
        {**stored, "minute_zones": [0] * 1440},
    ):
        with pytest.raises(ValueError):
            DailySummary.from_json(broken)
