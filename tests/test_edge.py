"""The HTTP edge: one 500 net that logs an unexpected error once, under the id its response carries; one
FitbitError handler; injected faults with the headers their real counterparts carried."""

from __future__ import annotations

import logging

import pytest

from fitbit_local.app import REQUEST_ID_HEADER
from tests.factories import bearer, issue_token, make_app, make_user

PROFILE = "/1/user/-/profile.json"


@pytest.fixture
def token(services):
    user = make_user(services)
    app = make_app(services)
    return issue_token(services, app.client_id, user.id, scopes="profile activity")


def test_an_unexpected_error_is_logged_once_with_the_responses_request_id(services, http, token, caplog):
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE daily_summaries")
    with caplog.at_level(logging.ERROR, logger="fitbit_local"):
        response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 500
    request_id = response.headers[REQUEST_ID_HEADER]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1, [r.getMessage() for r in logged]
    assert request_id in logged[0].getMessage()
    assert logged[0].exc_info is not None  # the traceback goes to the log, never to the client
    assert "Traceback" not in response.text


def test_an_injected_429_carries_retry_after_and_the_rate_limit_headers(services, http, token):
    """python-fitbit reads response.headers['Retry-After'] on every 429 [fidelity audit row 3]."""
    services.store.sandbox.add_fault("too_many_requests", count=1)
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    assert response.headers["Fitbit-Rate-Limit-Remaining"] == "0"
    assert response.headers["Fitbit-Rate-Limit-Reset"] == str(retry_after)
    assert response.headers["Fitbit-Rate-Limit-Limit"] == "150"


def test_an_injected_503_carries_retry_after(services, http, token):
    services.store.sandbox.add_fault("maintenance", count=1)
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()


def test_a_refusal_after_the_rate_limit_step_keeps_the_rate_limit_headers(http, token):
    response = http.get("/1/user/-/activities/steps/date/2024-13-01/7d.json", headers=bearer(token))
    assert response.status_code == 400
    assert response.headers["Fitbit-Rate-Limit-Remaining"].isdigit()


def test_openapi_is_served_without_a_token(http):
    response = http.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert "/1/user/{user-id}/profile.json" in document["paths"]
