"""Fitbit's rate limit: 150 requests per hour per (user, app), reset at the top of the hour, headers on every
response, 429 with Retry-After and the observed body — with the memory, SQL and Redis counter backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fitbit_local.config import Settings
from fitbit_local.services import Services
from tests.conftest import in_process
from tests.factories import bearer, issue_token, make_app, make_user

PROFILE = "/1/user/-/profile.json"


@pytest.fixture(params=["memory", "sql", "redis"])
def limited(request, tmp_path):
    backend = request.param
    redis_url = request.getfixturevalue("redis_url") if backend == "redis" else None
    settings = Settings(data_dir=str(tmp_path), rate_limit=3, rate_limit_backend=backend, redis_url=redis_url)
    services = Services.build(settings)
    services.clock.set(datetime(2026, 3, 1, 10, 59, 0, tzinfo=UTC), frozen=True)
    with in_process(services) as open_client:
        yield services, open_client
    services.store.close()


def test_quota_headers_429_and_reset_at_the_top_of_the_hour(limited):
    services, open_client = limited
    user = make_user(services)
    app = make_app(services)
    token = issue_token(services, app.client_id, user.id)
    with open_client() as http:
        seen = [http.get(PROFILE, headers=bearer(token)) for _ in range(4)]
        assert [r.status_code for r in seen] == [200, 200, 200, 429]
        assert [r.headers["Fitbit-Rate-Limit-Remaining"] for r in seen] == ["2", "1", "0", "0"]
        assert all(r.headers["Fitbit-Rate-Limit-Limit"] == "3" for r in seen)
        assert all(r.headers["Fitbit-Rate-Limit-Reset"] == "60" for r in seen)  # 10:59:00 → 11:00:00
        limited_response = seen[-1]
        assert limited_response.headers["Retry-After"] == "60"
        assert limited_response.json() == {
            "errors": [{"errorType": "system", "fieldName": "n/a", "message": "Too Many Requests"}],
            "success": False,
        }
        # another app of the same user has its own quota
        other = issue_token(services, make_app(services, name="other").client_id, user.id)
        assert http.get(PROFILE, headers=bearer(other)).status_code == 200
        services.clock.advance(60)  # the top of the hour
        fresh = http.get(PROFILE, headers=bearer(token))
        assert fresh.status_code == 200
        assert fresh.headers["Fitbit-Rate-Limit-Remaining"] == "2"
        assert fresh.headers["Fitbit-Rate-Limit-Reset"] == "3600"


def test_rate_limit_off(tmp_path):
    services = Services.build(Settings(data_dir=str(tmp_path), rate_limit=0))
    try:
        user = make_user(services)
        token = issue_token(services, make_app(services).client_id, user.id)
        with in_process(services) as open_client, open_client() as http:
            statuses = {http.get(PROFILE, headers=bearer(token)).status_code for _ in range(200)}
            assert statuses == {200}
            assert "Fitbit-Rate-Limit-Remaining" not in http.get(PROFILE, headers=bearer(token)).headers
    finally:
        services.store.close()
