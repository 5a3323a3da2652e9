"""GET profile.json: the fields clients read to plan their requests."""

from __future__ import annotations

from datetime import date

import httpx

from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from tests.api.conftest import END, FIRST, SEED
from tests.factories import bearer, issue_token, make_app, make_user


def _profile(services: Services, http: httpx.Client, user_id: str) -> dict[str, object]:
    app = make_app(services, "personal", owner=user_id)
    response = http.get(
        "/1/user/-/profile.json", headers=bearer(issue_token(services, app.client_id, user_id))
    )
    assert response.status_code == 200, response.text
    user: dict[str, object] = response.json()["user"]
    return user


def test_member_since_is_no_later_than_the_first_day_of_data(services: Services, http: httpx.Client) -> None:
    """A user created today with generated history (what `users create --synthetic-days` does): clients start
    their backfill at memberSince, so it must reach the first day of data."""
    user = make_user(services, member_since=date(2026, 12, 1))
    store_synthetic_days(services.store, user, days=3, end=END, seed=SEED)
    assert _profile(services, http, user.id)["memberSince"] == str(FIRST)


def test_member_since_keeps_an_earlier_stored_date(services: Services, http: httpx.Client) -> None:
    user = make_user(services, member_since=date(2020, 5, 1))
    store_synthetic_days(services.store, user, days=3, end=END, seed=SEED)
    assert _profile(services, http, user.id)["memberSince"] == "2020-05-01"
    nobody = make_user(services, name="bo", member_since=date(2026, 12, 1))
    assert _profile(services, http, nobody.id)["memberSince"] == "2026-12-01"  # no data: the stored date


def _profile_with(services: Services, http: httpx.Client, user_id: str, **headers: str) -> dict[str, object]:
    app = make_app(services, "personal", owner=user_id)
    token = issue_token(services, app.client_id, user_id)
    response = http.get("/1/user/-/profile.json", headers={**bearer(token), **headers})
    assert response.status_code == 200, response.text
    user: dict[str, object] = response.json()["user"]
    return user


def test_unit_settings_are_the_accounts_and_numbers_follow_the_header(
    services: Services, http: httpx.Client
) -> None:
    """Swagger: numbers in the Accept-Language system; the unit fields are the website settings, "which doesn't
    affect API". Numbers are not rounded (Fitbit.NET's recorded profile: strideLengthWalking 70.60000000000001)."""
    user = make_user(services, locale="de_DE", height_cm=171.0, weight_kg=62.5)
    metric = _profile_with(services, http, user.id)
    us = _profile_with(services, http, user.id, **{"Accept-Language": "en_US"})
    for profile in (metric, us):
        assert profile["distanceUnit"] == profile["heightUnit"] == profile["weightUnit"] == "METRIC"
        assert profile["startDayOfWeek"] == "MONDAY" and profile["clockTimeDisplayFormat"] == "24hour"
    assert metric["height"] == 171.0 and metric["weight"] == 62.5
    assert us["height"] == 171.0 / 2.54 and us["weight"] == 62.5 / 0.45359237
    assert us["strideLengthWalking"] == 171.0 * 0.415 / 2.54

    american = make_user(services, name="al", locale="en_US", height_cm=180.0)
    plain = _profile_with(services, http, american.id)
    assert plain["distanceUnit"] == plain["weightUnit"] == "en_US" and plain["waterUnitName"] == "fl oz"
    assert plain["height"] == 180.0  # no header: metric numbers, whatever the settings say
