"""Temperature through HTTP: skin temperature relative to the baseline (°F differences for en_US), core
temperature only where logged (synthetic users log none)."""

from __future__ import annotations

from tests.api.conftest import END, FIRST, World


def test_skin_temperature_and_units(world: World) -> None:
    metric = world.ok(f"/1/user/-/temp/skin/date/{FIRST}/{END}.json")["tempSkin"]
    assert metric and all(e["logType"] == "dedicated_temp_sensor" for e in metric)
    assert all(abs(e["value"]["nightlyRelative"]) < 2.0 for e in metric)
    us = world.ok(f"/1/user/-/temp/skin/date/{FIRST}/{END}.json", **{"Accept-Language": "en_US"})["tempSkin"]
    for c, f in zip(metric, us, strict=True):
        assert abs(f["value"]["nightlyRelative"] - c["value"]["nightlyRelative"] * 1.8) <= 0.011


def test_core_temperature_is_only_what_was_logged(world: World) -> None:
    assert world.ok(f"/1/user/-/temp/core/date/{END}.json") == {"tempCore": []}
    assert world.ok(f"/1/user/-/temp/core/date/{FIRST}/{END}.json") == {"tempCore": []}
