"""SpO2 through HTTP: bare object by date, bare array by interval, the summary agrees with the minutes."""

from __future__ import annotations

from tests.api.conftest import END, FIRST, World


def test_summary_is_a_bare_object_and_agrees_with_the_minutes(world: World) -> None:
    summary = world.ok(f"/1/user/-/spo2/date/{END}.json")
    assert summary["dateTime"] == str(END) and set(summary["value"]) == {"avg", "min", "max"}
    intraday = world.ok(f"/1/user/-/spo2/date/{END}/all.json")
    values = [m["value"] for m in intraday["minutes"]]
    assert len(values) > 200  # per minute asleep
    assert summary["value"]["min"] == min(values) and summary["value"]["max"] == max(values)
    assert abs(summary["value"]["avg"] - sum(values) / len(values)) <= 0.05
    assert 90 <= summary["value"]["min"] <= summary["value"]["avg"] <= summary["value"]["max"] <= 100


def test_interval_is_a_bare_array(world: World) -> None:
    days = world.ok(f"/1/user/-/spo2/date/{FIRST}/{END}.json")
    assert isinstance(days, list) and days[-1] == world.ok(f"/1/user/-/spo2/date/{END}.json")
    intraday = world.ok(f"/1/user/-/spo2/date/{FIRST}/{END}/all.json")
    assert [d["dateTime"] for d in intraday] == [d["dateTime"] for d in days]


def test_a_night_without_data_is_an_empty_object(world: World) -> None:
    assert world.ok("/1/user/-/spo2/date/2030-01-01.json") == {}
    assert world.ok("/1/user/-/spo2/date/2030-01-01/2030-01-02.json") == []
