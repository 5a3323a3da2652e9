"""The read-body cache never serves a body the request would not have produced: it keys on path, query, units,
user, scopes and the sandbox minute, and empties when any write moves the epoch."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from fitbit_local.api.response_cache import CachedBody, ResponseCache
from fitbit_local.sources.load import store_synthetic_days
from tests.factories import bearer, issue_token, make_app, make_user

PROFILE = "/1/user/-/profile.json"


@pytest.fixture
def ann(services):
    return make_user(services, timezone="UTC")


@pytest.fixture
def token(services, ann):
    app = make_app(services, "personal", owner=ann.id)
    return issue_token(services, app.client_id, ann.id)


def test_a_write_is_seen_by_the_next_read(http, token):
    assert http.get(PROFILE, headers=bearer(token)).json()["user"]["fullName"] == "ann"
    assert http.post(PROFILE, headers=bearer(token), data={"fullName": "Ann Other"}).status_code == 200
    assert http.get(PROFILE, headers=bearer(token)).json()["user"]["fullName"] == "Ann Other"


def test_units_and_scopes_are_part_of_the_key(services, http, ann, token):
    metric = http.get(PROFILE, headers=bearer(token)).json()["user"]
    us = http.get(PROFILE, headers={**bearer(token), "Accept-Language": "en_US"}).json()["user"]
    assert metric["height"] != us["height"]
    app = make_app(services, "personal", owner=ann.id, name="no location")
    narrow = issue_token(services, app.client_id, ann.id, scopes="profile")
    assert "city" in metric and "city" not in http.get(PROFILE, headers=bearer(narrow)).json()["user"]


def test_new_data_and_the_clock_move_the_answer(services, http, ann, token):
    path = "/1/user/-/activities/steps/date/2024-03-10/1d.json"
    services.clock.set(datetime(2024, 3, 10, 12, 0, tzinfo=UTC), frozen=True)
    assert http.get(path, headers=bearer(token)).json()["activities-steps"][0]["value"] == "0"
    store_synthetic_days(services.store, ann, days=1, end=date(2024, 3, 10), seed=3)
    noon = int(http.get(path, headers=bearer(token)).json()["activities-steps"][0]["value"])
    services.clock.set(datetime(2024, 3, 10, 18, 0, tzinfo=UTC), frozen=True)
    evening = int(http.get(path, headers=bearer(token)).json()["activities-steps"][0]["value"])
    assert 0 < noon < evening


def test_errors_are_not_cached_and_checks_run_on_every_hit(services, http, ann, token):
    assert http.get(PROFILE, headers=bearer(token)).status_code == 200
    services.store.faults.add_fault("maintenance", count=1)
    assert http.get(PROFILE, headers=bearer(token)).status_code == 503
    assert http.get(PROFILE, headers=bearer(token)).status_code == 200
    assert http.get(PROFILE, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_cache_is_bounded_in_bytes():
    epoch = [0]
    cache = ResponseCache(lambda: epoch[0], budget_bytes=1000)
    for i in range(20):
        cache.put(i, CachedBody(b"x" * 90, 200, "application/json"))
    assert cache.size_bytes <= 1000
    assert cache.get(0) is None and cache.get(19) is not None  # the least recently used went first
    cache.put("big", CachedBody(b"x" * 200, 200, "application/json"))  # over a tenth of the budget: not kept
    assert cache.get("big") is None
    epoch[0] += 1
    assert cache.get(19) is None and cache.size_bytes == 0
