"""Parameters parsed by the rows before any handler runs: absurd dates, unbounded periods and bad profile values
get Fitbit's validation errors on SQLite and PostgreSQL alike, never a 500."""

from __future__ import annotations

from datetime import date

import pytest

from fitbit_local.sources.load import store_synthetic_days
from tests.factories import bearer, issue_token, make_app, make_user


@pytest.fixture
def token(services):
    user = make_user(services)
    app = make_app(services, "personal", owner=user.id)
    return issue_token(services, app.client_id, user.id)


def error(response) -> dict:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["success"] is False
    return body["errors"][0]


@pytest.mark.parametrize(
    "path",
    [
        "/1/user/-/activities/steps/date/0001-01-01/7d.json",
        "/1/user/-/activities/steps/date/0001-01-01/1y.json",
        "/1/user/-/activities/active-zone-minutes/date/0001-01-01/1m.json",
        "/1/user/-/activities/heart/date/0001-01-07/1m.json",
        "/1/user/-/activities/steps/date/1899-12-31/2024-01-01.json",
        "/1/user/-/activities/heart/date/0001-01-01/1d/1min.json",
    ],
)
def test_dates_before_1900_are_invalid_dates_not_500s(http, token, path):
    found = error(http.get(path, headers=bearer(token)))
    assert found["errorType"] == "validation"
    assert found["message"].startswith("Invalid date: ")


def test_max_is_bounded_by_the_rows_range(services, http, token):
    """GET …/date/9999-12-31/max.json answered 200 with a 110 MB body after 10 s [issue 8 item 1]."""
    user = services.store.users.find("ann")
    assert store_synthetic_days(services.store, user, days=2, end=date(2024, 3, 10), seed=1) == 2
    ok = http.get("/1/user/-/activities/steps/date/2024-03-12/max.json", headers=bearer(token))
    assert [d["dateTime"] for d in ok.json()["activities-steps"]] == [
        "2024-03-09",
        "2024-03-10",
        "2024-03-11",
        "2024-03-12",
    ]
    assert error(http.get("/1/user/-/activities/steps/date/9999-12-31/max.json", headers=bearer(token)))[
        "message"
    ] == ("Invalid date: 9999-12-31")  # past the last date served
    response = http.get("/1/user/-/activities/steps/date/9998-12-31/max.json", headers=bearer(token))
    assert response.status_code == 422  # as recorded for max.json (decomissioned-fitbit-export#25-#28)
    assert response.json()["errors"] == [
        {
            "errorType": "validation",
            "fieldName": "Request",
            "message": "The number of data points queried exceeds limit.",
        }
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birthday", "9999-12-31"),  # age -7974: zones with negative maxima [issue 8 item 10]
        ("birthday", "2999-01-01"),
        ("height", "9999.99"),
        ("height", "-5"),
        ("height", "nan"),
        ("height", "inf"),
        ("fullName", "a\x00b"),  # PostgreSQL cannot store NUL [issue 8 item 3]
        ("locale", "x" * 40),  # longer than the column [issue 8 item 3]
        ("locale", "en_US\x00"),
        ("timezone", "Europe/Paris\x00"),
        ("timezone", "Mars/Olympus_Mons"),
        ("gender", "\x00"),
    ],
)
def test_absurd_profile_values_are_refused(http, token, field, value):
    before = http.get("/1/user/-/profile.json", headers=bearer(token)).json()
    found = error(http.post("/1/user/-/profile.json", headers=bearer(token), data={field: value}))
    if "\x00" in value:  # refused at the edge before any parser runs
        assert found == {
            "errorType": "invalid_request",
            "message": "There was an error reading the request body",
        }
    else:
        assert found["errorType"] == "validation"
        assert found["fieldName"] in (field, "date")
    assert http.get("/1/user/-/profile.json", headers=bearer(token)).json() == before


def test_a_bad_field_refuses_the_whole_update(http, token):
    """Every field is parsed before anything is written: a bad locale leaves the time zone as it was."""
    before = http.get("/1/user/-/profile.json", headers=bearer(token)).json()["user"]
    response = http.post(
        "/1/user/-/profile.json",
        headers=bearer(token),
        data={"timezone": "Europe/Paris", "locale": "not a locale"},
    )
    assert error(response)["fieldName"] == "locale"
    after = http.get("/1/user/-/profile.json", headers=bearer(token)).json()["user"]
    assert after["timezone"] == before["timezone"]


def test_human_values_are_accepted_in_the_requests_units(http, token):
    us = {**bearer(token), "Accept-Language": "en_US"}
    response = http.post("/1/user/-/profile.json", headers=us, data={"height": "70", "birthday": "1980-2-3"})
    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["height"] == 70.0 and user["dateOfBirth"] == "1980-02-03"
