"""HRV through HTTP: the summary is the night's samples summed up, and HRV exists exactly on the nights whose main
sleep has stages."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from tests.api.conftest import END, FIRST, World


def _staged_nights(world: World) -> set[str]:
    logs = world.ok(f"/1.2/user/-/sleep/date/{FIRST}/{END}.json")["sleep"]
    return {log["dateOfSleep"] for log in logs if log["isMainSleep"] and log["type"] == "stages"}


def test_hrv_exists_exactly_on_qualifying_nights(world: World) -> None:
    days = world.ok(f"/1/user/-/hrv/date/{FIRST}/{END}.json")["hrv"]
    assert {d["dateTime"] for d in days} == _staged_nights(world)
    assert days, "the world's nights have stages"


def test_the_summary_is_the_mean_of_the_samples(world: World) -> None:
    summary = world.ok(f"/1/user/-/hrv/date/{END}.json")["hrv"]
    intraday = world.ok(f"/1/user/-/hrv/date/{END}/all.json")["hrv"]
    assert [d["dateTime"] for d in summary] == [d["dateTime"] for d in intraday] == [str(END)]
    samples = intraday[0]["minutes"]
    assert len(samples) > 40  # 5-minute windows over a night
    rmssd = np.array([s["value"]["rmssd"] for s in samples])
    assert abs(summary[0]["value"]["dailyRmssd"] - rmssd.mean()) < 0.01
    assert all(0.5 <= s["value"]["coverage"] <= 1.0 and s["value"]["lf"] > 0 for s in samples)
    minutes = [s["minute"] for s in samples]
    assert minutes == sorted(minutes)
    log = next(log for log in world.ok(f"/1.2/user/-/sleep/date/{END}.json")["sleep"] if log["isMainSleep"])
    assert log["startTime"] <= minutes[0] and minutes[-1] < log["endTime"]


def test_interval_intraday_and_days_past_today(world: World) -> None:
    by_interval = world.ok(f"/1/user/-/hrv/date/{FIRST}/{END}/all.json")["hrv"]
    assert [d["dateTime"] for d in by_interval] == sorted(_staged_nights(world))
    assert world.ok("/1/user/-/hrv/date/2030-01-01.json") == {"hrv": []}


def test_a_night_shows_once_it_has_ended(fresh_world: World) -> None:
    """By the sandbox clock: at 03:00 on END the night is still going on, so neither its log nor its HRV is served."""
    w = fresh_world
    night = next(log for log in w.ok(f"/1.2/user/-/sleep/date/{END}.json")["sleep"] if log["isMainSleep"])
    w.services.clock.set(
        datetime.fromisoformat(night["endTime"]).replace(tzinfo=ZoneInfo(w.user.current_timezone))
        - timedelta(hours=1),
        frozen=True,
    )
    try:
        assert w.ok(f"/1/user/-/hrv/date/{END}.json") == {"hrv": []}
        assert all(
            log["logId"] != night["logId"] for log in w.ok(f"/1.2/user/-/sleep/date/{END}.json")["sleep"]
        )
    finally:
        w.services.clock.reset()
    assert w.ok(f"/1/user/-/hrv/date/{END}.json")["hrv"]
