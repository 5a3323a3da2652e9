"""Rate-limit races on `serve --workers N` over PostgreSQL (issue #8: "rate-limit races"), with the counters in the
database (the SQL backend, automatic with more than one worker) and in Redis (`--redis-url`).

200 requests of one (app, user) at once against a quota of 50: exactly 50 answered, each with a different
`Fitbit-Rate-Limit-Remaining` (49 … 0: no count lost or given twice), the other 150 are 429 with `Retry-After` and
Fitbit's headers and body; requests of another user of the same app and of another app of the same user, raced
among them, are all answered from quotas of their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from fitbit_local.services import Services
from fitbit_local.store.schema import rate_counters
from tests.concurrency.conftest import FROZEN_AT, race, serve
from tests.factories import bearer, issue_token, make_app, make_user

PROFILE = "/1/user/-/profile.json"
LIMIT = 50
BURST = 200  # requests of the limited (app, user)
BYSTANDERS = 20  # requests of each unaffected (app, user)
THREADS = 16
RESET = "3600"  # the clock is frozen on the hour: a whole hour to the next window
TOO_MANY = {
    "errors": [{"errorType": "system", "fieldName": "n/a", "message": "Too Many Requests"}],
    "success": False,
}


def get(token: dict[str, object]) -> Callable[[httpx.Client], httpx.Response]:
    def job(http: httpx.Client) -> httpx.Response:
        response = http.get(PROFILE, headers=bearer(token))
        response.read()
        return response

    return job


def remaining(responses: list[httpx.Response]) -> list[int]:
    return sorted(int(r.headers["Fitbit-Rate-Limit-Remaining"]) for r in responses)


@pytest.fixture(params=["sql", "redis"])
def backend(request: pytest.FixtureRequest) -> tuple[str | None, int]:
    """The counters' place (None: the database, the SQL backend) and the number of workers."""
    if request.param == "sql":
        return None, 3
    return request.getfixturevalue("redis_url"), 2


@pytest.mark.postgres
def test_rate_limit_race(pg_services: Services, tmp_path: Path, backend: tuple[str | None, int]) -> None:
    redis_url, workers = backend
    flags = ["--redis-url", redis_url] if redis_url else []
    services = pg_services
    ann, bob = make_user(services, "ann"), make_user(services, "bob")
    app, other_app = make_app(services), make_app(services, name="other")
    limited = issue_token(services, app.client_id, ann.id, scopes="profile")
    same_app = issue_token(services, app.client_id, bob.id, scopes="profile")
    same_user = issue_token(services, other_app.client_id, ann.id, scopes="profile")
    jobs = [("limited", get(limited))] * BURST + [
        ("same app", get(same_app)),
        ("same user", get(same_user)),
    ] * (BYSTANDERS)
    random.Random(8).shuffle(jobs)
    database_url = services.settings.database_url or ""
    try:
        with serve(database_url, tmp_path, "--rate-limit", str(LIMIT), *flags, workers=workers) as server:
            responses = race(server.base_url, [job for _, job in jobs], THREADS)
            with httpx.Client(base_url=server.base_url, timeout=20) as http:
                after = http.get(PROFILE, headers=bearer(limited))
                bystander_after = http.get(PROFILE, headers=bearer(same_app))
        by_kind: dict[str, list[httpx.Response]] = {"limited": [], "same app": [], "same user": []}
        for (kind, _), response in zip(jobs, responses, strict=True):
            by_kind[kind].append(response)

        burst = by_kind["limited"]
        assert sorted({r.status_code for r in burst}) == [200, 429]  # no 5xx, nothing else
        answered = [r for r in burst if r.status_code == 200]
        refused = [r for r in burst if r.status_code == 429]
        assert (len(answered), len(refused)) == (LIMIT, BURST - LIMIT)
        assert remaining(answered) == list(range(LIMIT))  # every count from 1 to 50 given exactly once
        for response in refused:
            assert response.headers["Retry-After"] == RESET
            assert response.headers["Fitbit-Rate-Limit-Remaining"] == "0"
            assert response.json() == TOO_MANY
        for response in burst:
            assert response.headers["Fitbit-Rate-Limit-Limit"] == str(LIMIT)
            assert response.headers["Fitbit-Rate-Limit-Reset"] == RESET
        for kind in ("same app", "same user"):  # their own quotas, untouched by the burst
            theirs = by_kind[kind]
            assert [r.status_code for r in theirs] == [200] * BYSTANDERS
            assert remaining(theirs) == list(range(LIMIT - BYSTANDERS, LIMIT))
        assert after.status_code == 429 and after.headers["Retry-After"] == RESET
        assert bystander_after.status_code == 200
        assert bystander_after.headers["Fitbit-Rate-Limit-Remaining"] == str(LIMIT - BYSTANDERS - 1)

        # every request counted once, refused ones included (docs/decisions.md, "Rate limiting")
        window = int(FROZEN_AT.timestamp())
        assert counted(services, redis_url, app.client_id, ann.id, window) == BURST + 1
    finally:
        if redis_url:
            forget_redis_counters(redis_url, [app.client_id, other_app.client_id])


def counted(services: Services, redis_url: str | None, client_id: str, user_id: str, window: int) -> int:
    """The count the server stored for one (app, user) and window: the SQL row, or the Redis key."""
    if redis_url is not None:
        import redis

        value = redis.Redis.from_url(redis_url).get(f"fitbit-local:rate:{client_id}:{user_id}:{window}")
        return int(value or 0)
    with services.store.engine.connect() as conn:
        return int(
            conn.execute(
                select(rate_counters.c.count).where(
                    rate_counters.c.client_id == client_id,
                    rate_counters.c.user_id == user_id,
                    rate_counters.c.window_start == window,
                )
            ).scalar_one()
        )


def forget_redis_counters(redis_url: str, client_ids: list[str]) -> None:
    """Delete this test's counters (only its own apps': the Redis database is shared)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for client_id in client_ids:
        for key in client.scan_iter(match=f"fitbit-local:rate:{client_id}:*"):
            client.delete(key)
