"""Active Zone Minutes: time series, intraday (documented list shape), and the seed scenario end to end."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from tests.api.conftest import END, FIRST, SEED, World
from tests.factories import SEED_SCOPES, bearer, issue_token, make_app, make_user

AZM = "/1/user/-/activities/active-zone-minutes/date/{}/{}.json"
FIELDS = {"activeZoneMinutes", "fatBurnActiveZoneMinutes", "cardioActiveZoneMinutes", "peakActiveZoneMinutes"}
GOOGLE_403 = {
    "error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}
}


def test_time_series_shape_and_days_without_azm(world: World) -> None:
    rows = world.ok(AZM.format(END, "7d"))["activities-active-zone-minutes"]
    assert [r["dateTime"] for r in rows] == [
        str(FIRST + timedelta(days=i)) for i in range(3)
    ]  # zero days left out
    for row in rows:
        v = row["value"]
        # zones without credit are left out, as in Fitbit.NET's 2025 recorded responses
        assert "activeZoneMinutes" in v and set(v) <= FIELDS and all(isinstance(x, int) for x in v.values())
        assert all(x > 0 for k, x in v.items() if k != "activeZoneMinutes")
        assert v["activeZoneMinutes"] == sum(x for k, x in v.items() if k != "activeZoneMinutes")
        assert v.get("cardioActiveZoneMinutes", 0) % 2 == 0 and v.get("peakActiveZoneMinutes", 0) % 2 == 0
    assert any(set(r["value"]) < FIELDS for r in rows)  # the world's days have a zone without credit
    assert world.ok(AZM.format(FIRST, END))["activities-active-zone-minutes"] == rows
    assert world.ok(AZM.format("2023-01-01", "2023-01-31"))["activities-active-zone-minutes"] == []


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        (AZM.format(END, "max"), "period", "Invalid time series period: max"),
        (
            AZM.format("2020-01-01", END),
            "date range",
            "The number of days between time series start and end dates cannot exceed 1095",
        ),
        (
            AZM.format(END, "1d/1sec"),
            "resource path",
            "Invalid time series resource path: /activities/active-zone-minutes",
        ),
        (
            AZM.format("2024-01-01", "2024-03-10/15min"),
            "date range",
            "The number of days between time series start and end dates cannot exceed 31",
        ),
    ],
)
def test_validation(world: World, path: str, field: str, message: str) -> None:
    assert world.error(path) == {"errorType": "validation", "fieldName": field, "message": message}


def _daily_azm(world: World, day: date) -> int:
    rows = world.ok(AZM.format(day, "1d"))["activities-active-zone-minutes"]
    return rows[0]["value"]["activeZoneMinutes"] if rows else 0


@pytest.mark.parametrize("detail", ["1min", "5min", "15min"])
def test_intraday_sums_to_daily(world: World, detail: str) -> None:
    body = world.ok(AZM.format(END, f"1d/{detail}"))
    (entry,) = body["activities-active-zone-minutes-intraday"]
    assert entry["dateTime"] == str(END)
    assert sum(m["value"]["activeZoneMinutes"] for m in entry["minutes"]) == _daily_azm(world, END) > 0
    n = int(detail.removesuffix("min"))
    for m in entry["minutes"]:
        assert (
            m["minute"].startswith(f"{END}T")
            and int(m["minute"][14:16]) % n == 0
            and m["minute"].endswith(":00")
        )
        value = m["value"]
        assert value["activeZoneMinutes"] > 0 and set(value) <= FIELDS
        assert value["activeZoneMinutes"] == sum(v for k, v in value.items() if k != "activeZoneMinutes")


def test_intraday_interval_is_one_entry_per_day(world: World) -> None:
    body = world.ok(AZM.format(FIRST, f"{END}/15min"))["activities-active-zone-minutes-intraday"]
    assert [e["dateTime"] for e in body] == [str(FIRST + timedelta(days=i)) for i in range(3)]
    for entry in body:
        day = date.fromisoformat(entry["dateTime"])
        assert sum(m["value"]["activeZoneMinutes"] for m in entry["minutes"]) == _daily_azm(world, day)


def test_intraday_time_window(world: World) -> None:
    (full,) = world.ok(AZM.format(END, "1d/1min"))["activities-active-zone-minutes-intraday"]
    first = full["minutes"][0]["minute"][11:16]
    (window,) = world.ok(AZM.format(END, f"1d/1min/time/{first}/{first}"))[
        "activities-active-zone-minutes-intraday"
    ]
    assert window["minutes"] == full["minutes"][:1]
    (legacy,) = world.ok(AZM.format(END, f"1d/time/{first}/{first}"))[
        "activities-active-zone-minutes-intraday"
    ]
    assert legacy == window


# --- the intraday gate and the seed scenario ------------------------------------------------------------------------


@pytest.fixture
def ann(services: Services):  # type: ignore[no-untyped-def]
    user = make_user(services, timezone="Europe/Berlin", sex="MALE", birth_date=date(1980, 2, 2))
    store_synthetic_days(services.store, user, days=3, end=END, seed=SEED)
    return user


INTRADAY_PATHS = [
    AZM.format(FIRST, f"{END}/15min"),
    AZM.format(END, "1d/1min"),
    f"/1/user/-/activities/steps/date/{END}/1d/1min.json",
    f"/1/user/-/activities/heart/date/{END}/1d/1sec.json",
    f"/1.2/user/-/activities/heart/date/{END}/{END}/1min.json",
]


@pytest.mark.parametrize("path", INTRADAY_PATHS)
def test_server_app_without_intraday_gets_google_403(services: Services, http, ann, path: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, "server")
    token = issue_token(services, app.client_id, ann.id)
    response = http.get(path, headers=bearer(token))
    assert response.status_code == 403 and response.json() == GOOGLE_403


def test_personal_app_owner_gets_intraday(services: Services, http, ann) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, "personal", owner=ann.id)
    token = issue_token(services, app.client_id, ann.id)
    for path in INTRADAY_PATHS:
        assert http.get(path, headers=bearer(token)).status_code == 200


def test_seed_scenario_end_to_end(services: Services, http, ann) -> None:  # type: ignore[no-untyped-def]
    """shared/seeds/000: a Server app with the forum post's scopes; daily heart works, 15-minute AZM is refused until
    the app has an intraday grant and a NEW token is issued."""
    app = make_app(services, "server")
    old = issue_token(services, app.client_id, ann.id, scopes=SEED_SCOPES)
    heart = http.get(f"/1/user/-/activities/heart/date/{FIRST}/{END}.json", headers=bearer(old))
    assert heart.status_code == 200 and len(heart.json()["activities-heart"]) == 3
    azm_15 = f"/1/user/-/activities/active-zone-minutes/date/{FIRST}/{END}/15min.json"
    denied = http.get(azm_15, headers=bearer(old))
    assert denied.status_code == 403 and denied.json() == GOOGLE_403

    services.store.apps.update(app.client_id, intraday=True)
    assert http.get(azm_15, headers=bearer(old)).status_code == 403  # the old token keeps its old permissions
    new = issue_token(services, app.client_id, ann.id, scopes=SEED_SCOPES)
    granted = http.get(azm_15, headers=bearer(new))
    assert granted.status_code == 200
    daily = http.get(AZM.format(FIRST, END), headers=bearer(new)).json()["activities-active-zone-minutes"]
    by_day = {r["dateTime"]: r["value"]["activeZoneMinutes"] for r in daily}
    for entry in granted.json()["activities-active-zone-minutes-intraday"]:
        assert sum(m["value"]["activeZoneMinutes"] for m in entry["minutes"]) == by_day.get(
            entry["dateTime"], 0
        )
    assert sum(by_day.values()) > 0
