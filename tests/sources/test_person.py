import datetime as dt
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import httpx
import numpy as np

from fitbit_local.services import Services
from fitbit_local.sources.load import NewUser, person_for, store_synthetic_days
from fitbit_local.sources.synthetic import Person
from fitbit_local.sources.synthetic.person import profile_defaults
from tests.factories import bearer, issue_token, make_app, make_user


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


def test_heights_and_weights_follow_sex_and_age() -> None:
    """Profile defaults: the person model's draw by sex and age (NCD-RisC / NHANES adult means)."""
    young_men = [profile_defaults(s, "MALE", dt.date(1998, 1, 1)) for s in range(300)]
    young_women = [profile_defaults(s, "FEMALE", dt.date(1998, 1, 1)) for s in range(300)]
    old_men = [profile_defaults(s, "MALE", dt.date(1945, 1, 1)) for s in range(300)]
    h = {k: np.mean([x[0] for x in v]) for k, v in (("ym", young_men), ("yw", young_women), ("om", old_men))}
    w = {k: np.mean([x[1] for x in v]) for k, v in (("ym", young_men), ("yw", young_women), ("om", old_men))}
    assert 172 < h["ym"] < 180 and 159 < h["yw"] < 166 and h["om"] < h["ym"] - 1.5
    assert 70 < w["ym"] < 85 and 58 < w["yw"] < 72 and w["yw"] < w["ym"] - 8
    assert np.std([x[0] for x in young_men]) > 5  # drawn, not one default for everyone
    assert profile_defaults(5, "NA", dt.date(1990, 1, 1)) == profile_defaults(5, "NA", dt.date(1990, 1, 1))


def test_new_user_without_height_or_weight_gets_drawn_ones() -> None:
    given = NewUser(name="ann", password="pw", sex="FEMALE", height_cm=170.0, weight_kg=65.0)
    assert given.with_body(3) == given
    drawn = NewUser(name="ann", password="pw", sex="FEMALE").with_body(None)
    assert drawn == NewUser(name="ann", password="pw", sex="FEMALE").with_body(
        None
    )  # same command, same profile
    assert drawn.height_cm is not None and drawn.weight_kg is not None
    others = {NewUser(name=f"u{i}", password="pw", sex="MALE").with_body(None).height_cm for i in range(20)}
    assert len(others) > 15
    half = NewUser(name="bob", password="pw", sex="MALE", height_cm=190.0).with_body(1)
    assert half.height_cm == 190.0 and half.weight_kg is not None


def test_users_create_without_height_draws_a_body(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    out = subprocess.run(
        [sys.executable, "-m", "fitbit_local", "users", "create", "--database-url", url, "--name", "zoe"]
        + ["--sex", "FEMALE", "--birth-date", "1950-06-01", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )
    user = json.loads(out.stdout)
    assert (user["height_cm"], user["weight_kg"]) == profile_defaults(
        zlib.crc32(b"zoe"), "FEMALE", dt.date(1950, 6, 1)
    )


def test_the_profile_and_the_data_have_one_stride(services: Services, http: httpx.Client) -> None:
    """strideLengthWalking / strideLengthRunning in the profile are the strides the generated distance uses."""
    user = make_user(services, sex="MALE", birth_date=dt.date(1985, 3, 1), height_cm=183.0, weight_kg=78.0)
    seed = next(
        s for s in range(500) if (p := person_for(user, s)).sport == "run" and p.exercise_per_week >= 3
    )
    end = dt.date(2024, 6, 30)
    store_synthetic_days(services.store, user, days=14, end=end, seed=seed)
    app = make_app(services, "personal", owner=user.id)
    response = http.get(
        "/1/user/-/profile.json", headers=bearer(issue_token(services, app.client_id, user.id))
    )
    profile = response.json()["user"]
    walk_km, run_km = profile["strideLengthWalking"] / 1e5, profile["strideLengthRunning"] / 1e5  # cm -> km
    seen: set[str] = set()
    for i in range(14):
        arrays = services.store.series.get_day(user.id, end - dt.timedelta(days=i))
        assert arrays is not None
        moved = arrays.steps > 0
        stride = arrays.distance[moved].astype(np.float64) / arrays.steps[moved]
        walking = np.isclose(stride, walk_km, rtol=1e-5)
        running = np.isclose(stride, run_km, rtol=1e-5)
        assert np.all(walking | running)
        seen |= {"walk"} if walking.any() else set()
        seen |= {"run"} if running.any() else set()
    assert seen == {"walk", "run"}
