"""Breathing rate through HTTP: the summary is the full-sleep rate of the by-stage answer; deep sleep breathes
slowest, REM fastest."""

from __future__ import annotations

from tests.api.conftest import END, FIRST, World


def test_summary_and_stages_agree(world: World) -> None:
    summary = world.ok(f"/1/user/-/br/date/{FIRST}/{END}.json")["br"]
    stages = world.ok(f"/1/user/-/br/date/{FIRST}/{END}/all.json")["br"]
    assert summary and [d["dateTime"] for d in summary] == [d["dateTime"] for d in stages]
    for rate, by_stage in zip(summary, stages, strict=True):
        value = by_stage["value"]
        assert rate["value"]["breathingRate"] == value["fullSleepSummary"]["breathingRate"]
        assert value["deepSleepSummary"]["breathingRate"] < value["remSleepSummary"]["breathingRate"]
        assert 10 <= rate["value"]["breathingRate"] <= 22
    assert world.ok(f"/1/user/-/br/date/{END}.json")["br"] == summary[-1:]
