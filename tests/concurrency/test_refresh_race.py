"""Refresh races on `serve --workers 2` over PostgreSQL (issue #8: "refresh races"), in Fitbit mode and in
`--oauth-strict` mode.

One refresh token presented by many requests at once rotates exactly once. Fitbit mode: every request that gets an
answer gets the same new pair, or 409 `refresh_conflict` while the rotation is in flight (Fitbit's "Concurrent
refresh token requests …"), after which an identical retry inside the replay window gets that same pair [DOC
best-practices]. Strict mode: one winner, every other request `invalid_grant`, and nothing revoked. Then the tokens
of different users, refreshed at once, do not interfere.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from fitbit_local.ids import token_hash
from fitbit_local.services import Services
from fitbit_local.store.schema import access_tokens, refresh_tokens
from tests.concurrency.conftest import race, serve
from tests.factories import bearer, issue_token, make_app, make_user
from tests.oauth.helpers import basic, error_of, oauth_message, post_form

PROFILE = "/1/user/-/profile.json"
SAME_TOKEN = 24  # identical refreshes of one token
USERS = 8  # users whose tokens are refreshed at once …
PER_USER = 3  # … each by this many identical requests
THREADS = 12
CONFLICT = (
    409,
    "invalid_request",
    "Concurrent refresh token requests were made by the same client for the same user, and while one of these "
    "requests probably succeeded, this one did not due to an update conflict.",
)


def invalid(token: str) -> tuple[int, str, str]:
    return 400, "invalid_grant", oauth_message(f"Refresh token invalid: {token}")


def refresh_job(client_id: str, secret: str, token: str) -> Callable[[httpx.Client], httpx.Response]:
    def job(http: httpx.Client) -> httpx.Response:
        fields = [("grant_type", "refresh_token"), ("refresh_token", token)]
        response = post_form(http, "/oauth2/token", fields, headers=basic(client_id, secret))
        response.read()
        return response

    return job


def outcome(response: httpx.Response) -> tuple[int, str, str]:
    return (200, "", "") if response.status_code == 200 else error_of(response)


def tokens_of(services: Services, grant_user: str) -> tuple[list[str], int]:
    """The user's active refresh-token hashes and the number of access tokens ever issued to them, from the store."""
    with services.store.engine.connect() as conn:
        active = conn.execute(
            select(refresh_tokens.c.token_hash).where(
                refresh_tokens.c.user_id == grant_user, refresh_tokens.c.status == "active"
            )
        ).all()
        issued = conn.execute(
            select(func.count()).select_from(access_tokens).where(access_tokens.c.user_id == grant_user)
        ).scalar_one()
    return [r.token_hash for r in active], int(issued)


@pytest.mark.postgres
@pytest.mark.parametrize("strict", [False, True], ids=["fitbit", "strict"])
def test_refresh_races(pg_services: Services, tmp_path: Path, strict: bool) -> None:
    services = pg_services
    app = make_app(services)
    users = [make_user(services, f"user{i}") for i in range(USERS + 1)]
    ann, others = users[0], users[1:]
    issued = {u.id: issue_token(services, app.client_id, u.id, scopes="profile") for u in users}
    old = str(issued[ann.id]["refresh_token"])
    flags = ["--rate-limit", "0", *(["--oauth-strict"] if strict else [])]
    with serve(services.settings.database_url or "", tmp_path, *flags) as server:
        same = race(server.base_url, [refresh_job(app.client_id, app.secret, old)] * SAME_TOKEN, THREADS)
        outcomes = [outcome(r) for r in same]
        assert {o[0] for o in outcomes} <= {200, 400, 409}, outcomes  # no 5xx
        winners = [r.json() for r in same if r.status_code == 200]
        if strict:  # exactly one winner; every other request refused, none of them a conflict
            assert len(winners) == 1, outcomes
            assert sorted(o for o in outcomes if o[0] != 200) == [invalid(old)] * (SAME_TOKEN - 1)
        else:  # one pair, shared by every success; the others saw the rotation in flight
            assert winners and all(w == winners[0] for w in winners), winners
            assert all(o == CONFLICT for o in outcomes if o[0] != 200), outcomes
        pair = winners[0]
        assert pair["user_id"] == ann.id and pair["refresh_token"] != old
        # exactly one rotation: one active refresh token (the new one), one access token more than before
        active, access_count = tokens_of(services, ann.id)
        assert active == [token_hash(str(pair["refresh_token"]))]
        assert access_count == 2
        old_row = services.store.grants.refresh_token(token_hash(old))
        assert old_row is not None and old_row.status == "rotated"

        with httpx.Client(base_url=server.base_url, timeout=20) as http:
            retry = refresh_job(app.client_id, app.secret, old)(http)
            if strict:
                assert outcome(retry) == invalid(old)
            else:  # an identical retry inside the replay window: the same pair
                assert retry.status_code == 200 and retry.json() == pair
            # the new access token works (and closes the replay window); the old refresh token is dead
            profile = http.get(PROFILE, headers=bearer(str(pair["access_token"])))
            assert profile.status_code == 200 and profile.json()["user"]["encodedId"] == ann.id
            if not strict:  # (in strict mode a spent token presented after its window revokes the grant: R3)
                assert outcome(refresh_job(app.client_id, app.secret, old)(http)) == invalid(old)
            newer = refresh_job(app.client_id, app.secret, str(pair["refresh_token"]))(http)
            assert newer.status_code == 200 and newer.json()["user_id"] == ann.id
            anns_access = str(newer.json()["access_token"])

        # different users' tokens at once, each by several identical requests, in a shuffled order
        jobs = [
            (u.id, refresh_job(app.client_id, app.secret, str(issued[u.id]["refresh_token"])))
            for u in others
            for _ in range(PER_USER)
        ]
        random.Random(8).shuffle(jobs)
        responses = race(server.base_url, [job for _, job in jobs], THREADS)
        by_user: dict[str, list[httpx.Response]] = defaultdict(list)
        for (user_id, _), response in zip(jobs, responses, strict=True):
            by_user[user_id].append(response)
        pairs = {}
        for user in others:
            mine = by_user[user.id]
            refresh_token = str(issued[user.id]["refresh_token"])
            assert {r.status_code for r in mine} <= {200, 400, 409}, [r.text for r in mine]
            ok = [r.json() for r in mine if r.status_code == 200]
            if strict:
                assert len(ok) == 1
                assert [outcome(r) for r in mine if r.status_code != 200] == [invalid(refresh_token)] * (
                    PER_USER - 1
                )
            else:
                assert ok and all(b == ok[0] for b in ok)
                assert all(outcome(r) == CONFLICT for r in mine if r.status_code != 200)
            assert ok[0]["user_id"] == user.id
            pairs[user.id] = ok[0]
            active, access_count = tokens_of(services, user.id)
            assert active == [token_hash(str(ok[0]["refresh_token"]))] and access_count == 2
        assert len({str(p["refresh_token"]) for p in pairs.values()}) == USERS
        with httpx.Client(base_url=server.base_url, timeout=20) as http:
            for user_id, theirs in pairs.items():
                profile = http.get(PROFILE, headers=bearer(str(theirs["access_token"])))
                assert profile.status_code == 200 and profile.json()["user"]["encodedId"] == user_id
            # ann's grant, refreshed before, is untouched by the others' race
            profile = http.get(PROFILE, headers=bearer(anns_access))
            assert profile.status_code == 200 and profile.json()["user"]["encodedId"] == ann.id
