"""Cardio fitness score through HTTP: one value a worn day, a range estimated from resting heart rate or a number
after a GPS run, in mL/kg/min whatever the units header says."""

from __future__ import annotations

import re

from tests.api.conftest import END, FIRST, World


def test_scores_are_ranges_or_numbers_and_ignore_units(world: World) -> None:
    scores = world.ok(f"/1/user/-/cardioscore/date/{FIRST}/{END}.json")["cardioScore"]
    assert scores
    for entry in scores:
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", entry["value"]["vo2Max"])
        assert match is not None
        low = int(match[1])
        assert 15 <= low <= 75 and (match[2] is None or int(match[2]) - low == 4)
    assert world.ok(f"/1/user/-/cardioscore/date/{FIRST}/{END}.json", **{"Accept-Language": "en_US"}) == {
        "cardioScore": scores
    }
    assert world.ok(f"/1/user/-/cardioscore/date/{END}.json")["cardioScore"] == scores[-1:]
