import datetime as dt

import numpy as np

from fitbit_local.sources.synthetic import Person


def test_draw_is_deterministic_and_overridable() -> None:
    assert Person.draw(7) == Person.draw(7)
    assert Person.draw(7) != Person.draw(8)
    p = Person.draw(7, birth_date=dt.date(1980, 5, 1), sex="FEMALE", height_cm=170.0, weight_kg=65.0)
    assert (p.birth_date, p.sex, p.height_cm, p.weight_kg) == (dt.date(1980, 5, 1), "FEMALE", 170.0, 65.0)
    assert p.age_on(dt.date(2024, 4, 30)) == 43 and p.age_on(dt.date(2024, 5, 1)) == 44
    assert p.max_heart_rate(dt.date(2024, 5, 1)) == 176


def test_population_resting_hr_matches_quer_2020() -> None:
    people = [Person.draw(s) for s in range(1500)]
    rhr0 = np.array([p.rhr0 for p in people])
    assert 63.5 < rhr0.mean() < 67.5  # Quer et al.: 65.5 +- 7.7
    assert 6.5 < rhr0.std() < 8.7
    women = np.mean([p.rhr0 for p in people if p.sex == "FEMALE"])
    men = np.mean([p.rhr0 for p in people if p.sex == "MALE"])
    assert women > men
    steps = np.array([p.steps_median for p in people])
    assert 6500 < np.median(steps) < 8500
