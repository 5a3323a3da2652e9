"""grant_type=refresh_token: rotation (R2), the replay window (R3/R4), client binding (R1), scopes (R5), the
app access-mode change (R6), 409 refresh_conflict and refresh-token recovery; reuse and concurrency in both modes
(Fitbit: shared pair, 409, no revocation; strict: one winner, reuse after the window revokes the grant)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from sqlalchemy import select

from fitbit_local.ids import token_hash
from fitbit_local.oauth import refresh as refresh_module
from fitbit_local.store.schema import refresh_tokens
from tests.factories import bearer, issue_token, make_app, make_user
from tests.oauth.helpers import BASIC_REALM, basic, error_of, oauth_message, post_form


@pytest.fixture
def tokens(services, ann, app):  # type: ignore[no-untyped-def]
    return issue_token(services, app.client_id, ann.id, scopes="activity profile")


def do_refresh(http, app, refresh_token, **extra):  # type: ignore[no-untyped-def]
    fields = [("grant_type", "refresh_token")]
    if refresh_token is not None:
        fields.append(("refresh_token", refresh_token))
    fields += list(extra.items())
    return post_form(http, "/oauth2/token", fields, headers=basic(app.client_id, app.secret))


def invalid(token: str) -> tuple[int, str, str]:
    return 400, "invalid_grant", oauth_message(f"Refresh token invalid: {token}")


def profile_status(http, token) -> int:  # type: ignore[no-untyped-def]
    return int(http.get("/1/user/-/profile.json", headers=bearer(token)).status_code)


CONFLICT = (
    409,
    "invalid_request",
    "Concurrent refresh token requests were made by the same client "
    "for the same user, and while one of these requests probably succeeded, this one did "
    "not due to an update conflict.",
)


def test_refresh_rotates_and_keeps_scopes(http, services, app, tokens):  # R2, R5
    response = do_refresh(http, app, tokens["refresh_token"], scope="activity", expires_in="28800")
    body = response.json()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert body["refresh_token"] != tokens["refresh_token"] and body["access_token"] != tokens["access_token"]
    assert body["scope"] == "activity profile" and body["expires_in"] == 28800
    # the old access token stays valid until it expires (several active access tokens are allowed)
    assert http.get("/1/user/-/profile.json", headers=bearer(tokens)).status_code == 200
    assert http.get("/1/user/-/profile.json", headers=bearer(body)).status_code == 200
    assert error_of(do_refresh(http, app, tokens["refresh_token"])) == invalid(tokens["refresh_token"])


def test_identical_retry_returns_the_same_pair_until_a_new_token_is_used(
    http, services, app, tokens
):  # R3, R4
    first = do_refresh(http, app, tokens["refresh_token"]).json()
    services.clock.advance(60)
    assert do_refresh(http, app, tokens["refresh_token"]).json() == first
    assert http.get("/1/user/-/profile.json", headers=bearer(first)).status_code == 200  # closes the window
    assert error_of(do_refresh(http, app, tokens["refresh_token"])) == invalid(tokens["refresh_token"])


def test_using_the_new_refresh_token_closes_the_window(http, services, app, tokens):
    first = do_refresh(http, app, tokens["refresh_token"]).json()
    second = do_refresh(http, app, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert error_of(do_refresh(http, app, tokens["refresh_token"])) == invalid(tokens["refresh_token"])
    assert do_refresh(http, app, first["refresh_token"]).json() == second  # its own window is still open


def test_replay_window_is_five_minutes(http, services, app, tokens):
    do_refresh(http, app, tokens["refresh_token"])
    services.clock.advance(301)
    assert error_of(do_refresh(http, app, tokens["refresh_token"])) == invalid(tokens["refresh_token"])


def test_database_never_holds_a_usable_token(http, services, app, tokens):
    body = do_refresh(http, app, tokens["refresh_token"]).json()
    with services.store.engine.connect() as conn:
        blobs = [
            bytes(r.replay_sealed) for r in conn.execute(select(refresh_tokens)).all() if r.replay_sealed
        ]
    assert blobs and all(
        body["refresh_token"].encode() not in b and body["access_token"].encode() not in b for b in blobs
    )


def test_missing_and_unknown_refresh_token(http, app):
    assert error_of(do_refresh(http, app, None)) == (
        400,
        "invalid_grant",
        oauth_message("Missing parameters: refresh_token"),
    )
    assert error_of(do_refresh(http, app, "f" * 64)) == invalid("f" * 64)


def test_refresh_token_is_bound_to_its_client(http, services, tokens):  # R1
    other = make_app(services, "server")
    assert error_of(do_refresh(http, other, tokens["refresh_token"])) == invalid(tokens["refresh_token"])
    assert do_refresh(http, make_app(services), "x").status_code == 400


def test_server_app_must_authenticate_to_refresh(http, app, tokens):  # T3
    response = post_form(
        http,
        "/oauth2/token",
        [
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"]),
            ("client_id", app.client_id),
        ],
    )
    assert error_of(response)[:2] == (401, "invalid_client")
    assert response.headers["WWW-Authenticate"] == BASIC_REALM


def test_client_app_refreshes_with_client_id(http, services, ann):
    client = make_app(services, "client")
    tokens = issue_token(services, client.client_id, ann.id)
    response = post_form(
        http,
        "/oauth2/token",
        [
            ("grant_type", "refresh_token"),
            ("client_id", client.client_id),
            ("refresh_token", tokens["refresh_token"]),
        ],
    )
    assert response.status_code == 200


def test_access_mode_change_invalidates_tokens(http, services, app, tokens):  # R6
    services.store.apps.update(app.client_id, read_only=True)
    assert error_of(http.get("/1/user/-/profile.json", headers=bearer(tokens)))[:2] == (401, "invalid_token")


def test_identical_retry_inside_the_window_per_mode(http, services, strict, app, tokens):  # R3
    first = do_refresh(http, app, tokens["refresh_token"]).json()
    services.clock.advance(60)
    retry = do_refresh(http, app, tokens["refresh_token"])
    if strict:  # never the same pair twice, but a retry this close is not treated as theft
        assert error_of(retry) == invalid(tokens["refresh_token"])
    else:
        assert retry.json() == first
    assert profile_status(http, tokens) == profile_status(http, first) == 200
    assert do_refresh(http, app, first["refresh_token"]).status_code == 200


@pytest.mark.parametrize(
    "closed_by", ["new-access-token-used", "new-refresh-token-used", "five-minutes-passed"]
)
def test_reuse_after_the_window_revokes_the_grant_only_in_strict_mode(
    http, services, strict, ann, app, tokens, closed_by
):  # R3
    bob = make_user(services, "bob")
    bobs = issue_token(services, app.client_id, bob.id, scopes="profile")
    first = do_refresh(http, app, tokens["refresh_token"]).json()
    current = first
    if closed_by == "new-access-token-used":
        assert profile_status(http, first) == 200
    elif closed_by == "new-refresh-token-used":
        current = do_refresh(http, app, first["refresh_token"]).json()
    else:
        services.clock.advance(301)
    assert error_of(do_refresh(http, app, tokens["refresh_token"])) == invalid(tokens["refresh_token"])
    if strict:  # the user's whole grant to the app: every access token and the active refresh token
        for issued in (tokens, first, current):
            assert error_of(http.get("/1/user/-/profile.json", headers=bearer(issued)))[:2] == (
                401,
                "invalid_token",
            )
        assert error_of(do_refresh(http, app, current["refresh_token"])) == invalid(current["refresh_token"])
    else:
        assert profile_status(http, tokens) == profile_status(http, current) == 200
        assert do_refresh(http, app, current["refresh_token"]).status_code == 200
    assert profile_status(http, bobs) == 200  # another user's grant to the same app is untouched
    assert do_refresh(http, app, bobs["refresh_token"]).status_code == 200


@pytest.mark.parametrize("retired_by", ["new-consent", "recover"])
def test_a_token_retired_without_being_used_revokes_nothing(
    http, services, strict, ann, app, tokens, retired_by
):  # R3: only a *used* token presented again is evidence of a copy
    if retired_by == "new-consent":
        fresh = str(issue_token(services, app.client_id, ann.id, scopes="activity profile")["refresh_token"])
    else:
        fresh = post_form(
            http,
            "/oauth2/recover",
            [("grant_type", "refresh_token"), ("user_id", ann.id)],
            headers=basic(app.client_id, app.secret),
        ).json()["refresh_token"]
    assert error_of(do_refresh(http, app, tokens["refresh_token"])) == invalid(tokens["refresh_token"])
    assert do_refresh(http, app, fresh).status_code == 200


def test_concurrent_refresh_mid_rotation_per_mode(
    http, open_http, services, strict, app, tokens, monkeypatch
):  # R4
    claimed, release = threading.Event(), threading.Event()

    def hold() -> None:
        claimed.set()
        release.wait(10)

    monkeypatch.setattr(refresh_module, "after_claim", hold)
    results: dict[str, httpx.Response] = {}

    def winner() -> None:
        with open_http() as client:
            results["winner"] = do_refresh(client, app, tokens["refresh_token"])

    thread = threading.Thread(target=winner)
    thread.start()
    assert claimed.wait(10)
    loser = do_refresh(http, app, tokens["refresh_token"])
    release.set()
    thread.join(10)
    assert error_of(loser) == (invalid(tokens["refresh_token"]) if strict else CONFLICT)
    assert results["winner"].status_code == 200
    monkeypatch.setattr(refresh_module, "after_claim", None)
    again = do_refresh(http, app, tokens["refresh_token"])
    if strict:
        assert error_of(again) == invalid(tokens["refresh_token"])
    else:
        assert again.json() == results["winner"].json()
    assert profile_status(http, results["winner"].json()) == 200  # the winner keeps its pair in both modes


def test_simultaneous_refreshes_stay_consistent(http, open_http, services, strict, app, tokens):  # R4
    barrier = threading.Barrier(5)
    bodies: list[tuple[int, dict]] = []

    def go() -> None:
        with open_http() as client:
            barrier.wait()
            response = do_refresh(client, app, tokens["refresh_token"])
            bodies.append((response.status_code, response.json()))

    threads = [threading.Thread(target=go) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [b for s, b in bodies if s == 200]
    if strict:  # exactly one wins; every other request is refused, and nothing is revoked
        assert len(ok) == 1
        refused = [(s, b["errors"][0]["errorType"], b["errors"][0]["message"]) for s, b in bodies if s != 200]
        assert refused == [invalid(tokens["refresh_token"])] * 4
        assert do_refresh(http, app, ok[0]["refresh_token"]).status_code == 200
    else:
        assert ok and all(b == ok[0] for b in ok)  # every success got the same pair
        assert all(s in (200, 409) for s, _ in bodies)


def test_stale_rotation_is_taken_over(http, services, app, tokens, monkeypatch):
    def crash() -> None:
        raise RuntimeError("crash mid-rotation")

    monkeypatch.setattr(refresh_module, "after_claim", crash)
    assert do_refresh(http, app, tokens["refresh_token"]).status_code == 500
    monkeypatch.setattr(refresh_module, "after_claim", None)
    assert do_refresh(http, app, tokens["refresh_token"]).status_code == 200  # the claim was rolled back


# --- recovery ----------------------------------------------------------------------------------------------------


def test_recover_mints_a_new_refresh_token(http, services, ann, app, tokens):
    response = post_form(
        http,
        "/oauth2/recover",
        [("grant_type", "refresh_token"), ("user_id", ann.id)],
        headers=basic(app.client_id, app.secret),
    )
    body = response.json()
    assert (
        response.status_code == 200
        and set(body) == {"refresh_token", "user_id"}
        and body["user_id"] == ann.id
    )
    assert error_of(do_refresh(http, app, tokens["refresh_token"])) == invalid(tokens["refresh_token"])
    assert do_refresh(http, app, body["refresh_token"]).status_code == 200


def test_recover_errors(http, services, ann, app):
    auth = basic(app.client_id, app.secret)
    response = post_form(
        http, "/oauth2/recover", [("grant_type", "refresh_token"), ("user_id", ann.id)], headers=auth
    )
    assert error_of(response) == (404, "invalid_request", "Refresh token not found")
    response = post_form(http, "/oauth2/recover", [("user_id", ann.id)], headers=auth)
    assert error_of(response)[:2] == (400, "invalid_request")
    response = post_form(
        http,
        "/oauth2/recover",
        [
            ("grant_type", "refresh_token"),
            ("user_id", ann.id),
            ("client_id", app.client_id),
            ("client_secret", app.secret),
        ],
    )
    assert error_of(response)[:2] == (401, "invalid_client")


# --- in-flight rotations under a frozen sandbox clock (issue #8 item 11) -------------------------------------------


def freeze(services) -> float:  # type: ignore[no-untyped-def]
    services.clock.set(services.clock.now_datetime(), frozen=True)
    return float(services.clock.now())


def test_a_crashed_rotation_is_taken_over_under_a_frozen_clock(http, services, strict, app, tokens):
    frozen = freeze(services)
    grants = services.store.grants
    row = grants.refresh_token(token_hash(str(tokens["refresh_token"])))
    assert row is not None
    with services.store.write() as tx:  # a worker claims the rotation, then dies before issuing anything
        assert grants.claim_rotation(tx, row, 0.5) is not None
    held = do_refresh(http, app, tokens["refresh_token"])
    assert error_of(held) == (invalid(tokens["refresh_token"]) if strict else CONFLICT)
    time.sleep(0.6)  # the claim's lease runs out on the wall clock
    assert services.clock.now() == frozen  # while the sandbox clock has not moved
    taken_over = do_refresh(http, app, tokens["refresh_token"])
    assert taken_over.status_code == 200
    assert profile_status(http, taken_over.json()) == 200


def test_a_worker_that_lost_its_lease_does_not_rotate_too(
    http, open_http, services, strict, app, tokens, monkeypatch
):
    freeze(services)
    claimed, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def hold_the_first() -> None:
        calls.append(1)
        if len(calls) == 1:  # the slow worker: it claims, then stalls past its lease
            claimed.set()
            release.wait(10)

    monkeypatch.setattr(refresh_module, "ROTATION_LEASE", 0.5)
    monkeypatch.setattr(refresh_module, "after_claim", hold_the_first)
    results: dict[str, httpx.Response] = {}

    def slow() -> None:
        with open_http() as client:
            results["slow"] = do_refresh(client, app, tokens["refresh_token"])

    thread = threading.Thread(target=slow)
    thread.start()
    assert claimed.wait(10)
    time.sleep(0.6)
    winner = do_refresh(http, app, tokens["refresh_token"])  # takes the stalled rotation over
    release.set()
    thread.join(10)
    assert winner.status_code == 200
    if strict:
        assert error_of(results["slow"]) == invalid(tokens["refresh_token"])
    else:  # the stalled request answers as an identical retry: the winner's pair
        assert results["slow"].json() == winner.json()
    with services.store.engine.connect() as conn:
        active = conn.execute(
            select(refresh_tokens.c.token_hash).where(refresh_tokens.c.status == "active")
        ).all()
    assert [r.token_hash for r in active] == [token_hash(winner.json()["refresh_token"])]
    assert do_refresh(http, app, winner.json()["refresh_token"]).status_code == 200


def test_the_sealed_replay_is_aes_gcm_bound_to_its_token(services):
    body: dict[str, object] = {"access_token": "a", "refresh_token": "r"}
    sealed = refresh_module.seal("old-token", body)
    assert refresh_module.unseal("old-token", sealed) == body
    assert refresh_module.unseal("other-token", sealed) is None
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert refresh_module.unseal("old-token", tampered) is None
    assert refresh_module.seal("old-token", body) != sealed  # a fresh nonce each time
