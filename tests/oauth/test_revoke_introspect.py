"""POST /oauth2/revoke (V1–V4) and POST /1.1/oauth2/introspect, /oauth2/introspect (I1–I3)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fitbit_local.store.schema import access_tokens, changes, grants, refresh_tokens
from tests.factories import bearer, issue_token, make_app, make_user
from tests.oauth.helpers import BASIC_REALM, basic, error_of, post_form


def counts(services) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with services.store.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar()
            for t in (grants, access_tokens, refresh_tokens)
        )  # type: ignore[return-value]


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_revoking_either_token_removes_the_whole_grant(http, services, ann, app, which):  # V4
    first = issue_token(services, app.client_id, ann.id)
    second = issue_token(services, app.client_id, ann.id)
    assert (
        http.get("/1/user/-/profile.json", headers=bearer(first)).status_code == 200
    )  # cached by the validator
    response = post_form(
        http, "/oauth2/revoke", [("token", str(second[which]))], headers=basic(app.client_id, app.secret)
    )
    assert response.status_code == 200 and response.json() == {}
    for tokens in (first, second):
        assert error_of(http.get("/1/user/-/profile.json", headers=bearer(tokens)))[:2] == (
            401,
            "invalid_token",
        )
    assert counts(services) == (0, 0, 0)


def test_unknown_or_other_clients_token_is_200_and_revokes_nothing(http, services, ann, app):  # V1, V2
    tokens = issue_token(services, app.client_id, ann.id)
    other = make_app(services, "server")
    for token in ("nope", str(tokens["access_token"])):
        response = post_form(
            http, "/oauth2/revoke", [("token", token)], headers=basic(other.client_id, other.secret)
        )
        assert response.status_code == 200 and response.json() == {}
    assert http.get("/1/user/-/profile.json", headers=bearer(tokens)).status_code == 200


def test_token_type_hint_is_only_a_hint(http, services, ann, app):  # V3
    tokens = issue_token(services, app.client_id, ann.id)
    post_form(
        http,
        "/oauth2/revoke",
        [("token", str(tokens["access_token"])), ("token_type_hint", "refresh_token")],
        headers=basic(app.client_id, app.secret),
    )
    assert counts(services) == (0, 0, 0)


def test_revoke_client_authentication(http, services, ann, app):  # V1
    tokens = issue_token(services, app.client_id, ann.id)
    response = post_form(http, "/oauth2/revoke", [("token", str(tokens["access_token"]))])
    assert (
        error_of(response)[:2] == (401, "invalid_client")
        and response.headers["WWW-Authenticate"] == BASIC_REALM
    )
    client = make_app(services, "client")
    client_tokens = issue_token(services, client.client_id, ann.id)
    response = post_form(
        http,
        "/oauth2/revoke",
        [("client_id", client.client_id), ("token", str(client_tokens["refresh_token"]))],
    )
    assert response.status_code == 200
    assert error_of(http.get("/1/user/-/profile.json", headers=bearer(client_tokens)))[0] == 401
    assert http.get("/1/user/-/profile.json", headers=bearer(tokens)).status_code == 200


def test_introspect_active_and_inactive(http, services, ann, app):  # I2, I3
    caller = issue_token(services, app.client_id, ann.id, scopes="activity heartrate")
    response = post_form(
        http, "/1.1/oauth2/introspect", [("token", str(caller["access_token"]))], headers=bearer(caller)
    )
    body = response.json()
    assert response.status_code == 200
    now = int(services.clock.now())
    assert body == {
        "active": True,
        "scope": "{ACTIVITY=READ_WRITE, HEARTRATE=READ_WRITE}",
        "client_id": app.client_id,
        "user_id": ann.id,
        "token_type": "access_token",
        "exp": body["iat"] + 28800,
        "iat": body["iat"],
    }
    assert abs(body["iat"] - now) <= 2
    other_app = make_app(services, "server")
    other = issue_token(services, other_app.client_id, ann.id)
    for token in ("garbage", str(caller["refresh_token"]), str(other["access_token"])):
        response = post_form(http, "/1.1/oauth2/introspect", [("token", token)], headers=bearer(caller))
        assert response.json() == {"active": False}
    assert post_form(http, "/1.1/oauth2/introspect", [], headers=bearer(caller)).json() == {"active": False}


def test_introspect_expired_and_revoked(http, services, ann, app):
    caller = issue_token(services, app.client_id, ann.id)
    short = issue_token(services, app.client_id, ann.id, expires_in=60)
    services.clock.advance(61)
    assert post_form(
        http, "/1.1/oauth2/introspect", [("token", str(short["access_token"]))], headers=bearer(caller)
    ).json() == {"active": False}
    victim_user = make_user(services, "bob")
    victim = issue_token(services, app.client_id, victim_user.id)
    post_form(
        http,
        "/oauth2/revoke",
        [("token", str(victim["access_token"]))],
        headers=basic(app.client_id, app.secret),
    )
    assert post_form(
        http, "/1.1/oauth2/introspect", [("token", str(victim["access_token"]))], headers=bearer(caller)
    ).json() == {"active": False}


def test_read_only_app_scope_format(http, services, ann):
    app = make_app(services, "server", read_only=True)
    caller = issue_token(services, app.client_id, ann.id, scopes="sleep")
    body = post_form(
        http, "/1.1/oauth2/introspect", [("token", str(caller["access_token"]))], headers=bearer(caller)
    ).json()
    assert body["scope"] == "{SLEEP=READ}"


def test_introspect_requires_bearer(http, services, ann, app):  # I1
    response = post_form(http, "/1.1/oauth2/introspect", [("token", "x")])
    assert error_of(response)[:2] == (401, "invalid_request")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api.fitbit.com"'
    response = post_form(http, "/1.1/oauth2/introspect", [("token", "x")], headers=bearer("garbage"))
    assert error_of(response)[:2] == (401, "invalid_token")
    response = post_form(
        http, "/1.1/oauth2/introspect", [("token", "x")], headers=basic(app.client_id, app.secret)
    )
    assert error_of(response)[:2] == (401, "system")


def test_introspect_v10_shape(http, services, ann, app):
    caller = issue_token(services, app.client_id, ann.id, scopes="activity")
    body = post_form(
        http, "/oauth2/introspect", [("token", str(caller["access_token"]))], headers=bearer(caller)
    ).json()
    assert (
        body["active"] == 1 and body["clientId"] == {"id": app.client_id} and body["userId"] == {"id": ann.id}
    )
    assert body["tokenType"] == "access_token" and body["scope"] == "{ACTIVITY=READ_WRITE}"
    assert post_form(http, "/oauth2/introspect", [("token", "x")], headers=bearer(caller)).json() == {
        "active": 0
    }


def test_query_string_access_token_is_not_accepted(http, services, ann, app):  # K3
    tokens = issue_token(services, app.client_id, ann.id)
    response = http.get("/1/user/-/profile.json", params={"access_token": tokens["access_token"]})
    assert response.status_code == 401


def test_token_entropy_and_hashed_storage(http, services, ann, app):  # K1, K2
    tokens = issue_token(services, app.client_id, ann.id)
    with services.store.engine.connect() as conn:
        stored = [r.token_hash for r in conn.execute(select(refresh_tokens)).all()]
    assert tokens["refresh_token"] not in stored and len(str(tokens["refresh_token"])) == 64


# --- revoking with a Bearer token (fidelity audit row 6; docs/decisions.md) ---------------------------------------


def bearer_revoke(http, presented: str, token: str, **extra: str):  # type: ignore[no-untyped-def]
    """What clients generated from Fitbit's Swagger send (security scheme oauth2): the access token as Bearer,
    the token to revoke in the form body."""
    return post_form(http, "/oauth2/revoke", [("token", token), *extra.items()], headers=bearer(presented))


@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_a_bearer_access_token_authenticates_its_app(http, services, ann, app, which):
    tokens = issue_token(services, app.client_id, ann.id)
    response = bearer_revoke(http, str(tokens["access_token"]), str(tokens[which]))
    assert response.status_code == 200 and response.json() == {}
    assert error_of(http.get("/1/user/-/profile.json", headers=bearer(tokens)))[:2] == (401, "invalid_token")
    assert counts(services) == (0, 0, 0)


def test_a_bearer_token_cannot_revoke_another_apps_token(http, services, ann, app):
    mine = issue_token(services, app.client_id, ann.id)
    other_app = make_app(services, "client")
    theirs = issue_token(services, other_app.client_id, ann.id)
    response = bearer_revoke(http, str(mine["access_token"]), str(theirs["refresh_token"]))
    assert response.status_code == 200 and response.json() == {}  # no oracle, nothing revoked
    assert http.get("/1/user/-/profile.json", headers=bearer(theirs)).status_code == 200
    response = bearer_revoke(
        http, str(mine["access_token"]), str(mine["refresh_token"]), client_id=other_app.client_id
    )
    assert error_of(response)[:2] == (401, "invalid_client")
    assert http.get("/1/user/-/profile.json", headers=bearer(mine)).status_code == 200


def test_an_expired_bearer_token_still_authenticates_its_app(http, services, ann, app):
    tokens = issue_token(services, app.client_id, ann.id)
    services.clock.advance(28_801)
    assert bearer_revoke(http, str(tokens["access_token"]), str(tokens["refresh_token"])).status_code == 200
    assert counts(services) == (0, 0, 0)


def test_an_unknown_or_revoked_bearer_token_is_401_invalid_token(http, services, ann, app):
    tokens = issue_token(services, app.client_id, ann.id)
    for presented in ("garbage", str(tokens["access_token"])):
        if presented != "garbage":
            bearer_revoke(http, presented, presented)  # revoked now: it authenticates nothing any more
        response = bearer_revoke(http, presented, str(tokens["refresh_token"]))
        assert error_of(response)[:2] == (401, "invalid_token")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api.fitbit.com"'


# --- what revocations record through the change seam --------------------------------------------------------------


def recorded(services, since: int = 0) -> list[tuple[str, str, str | None, str | None]]:  # type: ignore[no-untyped-def]
    with services.store.engine.connect() as conn:
        rows = conn.execute(select(changes).where(changes.c.id > since).order_by(changes.c.id)).all()
    return [(r.collection, r.kind, r.user_id, r.client_id) for r in rows]


def last_change_id(services) -> int:  # type: ignore[no-untyped-def]
    with services.store.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(changes.c.id), 0))).scalar_one())


def test_consent_and_revocation_record_their_changes(http, services, ann, app):
    start = last_change_id(services)
    tokens = issue_token(services, app.client_id, ann.id)
    issue_token(services, app.client_id, ann.id)
    who = (ann.id, app.client_id)
    assert recorded(services, start) == [
        ("grants", "created", *who),
        ("tokens", "created", *who),
        ("grants", "updated", *who),
        ("tokens", "created", *who),
    ]
    start = last_change_id(services)
    post_form(
        http,
        "/oauth2/revoke",
        [("token", str(tokens["refresh_token"]))],
        headers=basic(app.client_id, app.secret),
    )
    assert recorded(services, start) == [("grants", "deleted", *who), ("userRevokedAccess", "created", *who)]


def test_a_security_revocation_is_not_the_users(http, services, ann, app, strict):
    tokens = issue_token(services, app.client_id, ann.id)
    auth = basic(app.client_id, app.secret)
    post_form(
        http,
        "/oauth2/token",
        [("grant_type", "refresh_token"), ("refresh_token", str(tokens["refresh_token"]))],
        headers=auth,
    )
    services.clock.advance(301)
    start = last_change_id(services)
    post_form(
        http,
        "/oauth2/token",
        [("grant_type", "refresh_token"), ("refresh_token", str(tokens["refresh_token"]))],
        headers=auth,
    )
    expected = [("grants", "deleted", ann.id, app.client_id)] if strict else []
    assert [c for c in recorded(services, start) if c[0] in ("grants", "userRevokedAccess")] == expected
