"""POST /oauth2/token: client authentication (T1–T5), grant types (T7, T8), the code grant (C1–C6), PKCE (P3–P6),
every 400/401 catalogue row with exact bodies and headers, garbage input and injected faults."""

from __future__ import annotations

import threading

import pytest

from tests.factories import bearer, make_app
from tests.oauth.helpers import (
    BASIC_REALM,
    CHALLENGE,
    REDIRECT,
    VERIFIER,
    basic,
    error_of,
    get_code,
    oauth_message,
    post_form,
)


def exchange(http, app, code, *, auth=True, **extra):  # type: ignore[no-untyped-def]
    fields = [("grant_type", "authorization_code")] + ([("code", code)] if code is not None else [])
    if "redirect_uri" not in extra:
        fields.append(("redirect_uri", REDIRECT))
    fields += [(k, v) for k, v in extra.items() if v is not None]
    headers = basic(app.client_id, app.secret) if auth else {}
    return post_form(http, "/oauth2/token", fields, headers=headers)


def assert_error(response, status, error_type, message, realm=False):  # type: ignore[no-untyped-def]
    assert error_of(response) == (status, error_type, message)
    assert response.json()["success"] is False
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Pragma"] == "no-cache"
    if realm:
        assert response.headers["WWW-Authenticate"] == BASIC_REALM


def test_code_exchange_response_and_headers(http, services, ann, app):  # T5, K4
    code = get_code(http, app.client_id, scope="activity profile")
    response = exchange(http, app, code)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "refresh_token", "scope", "token_type", "user_id"}
    assert body["expires_in"] == 28800 and body["token_type"] == "Bearer" and body["user_id"] == ann.id
    assert body["scope"] == "activity profile" and len(body["refresh_token"]) == 64
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Pragma"] == "no-cache"
    assert http.get("/1/user/-/profile.json", headers=bearer(body)).status_code == 200
    services.clock.advance(28_801)
    assert error_of(http.get("/1/user/-/profile.json", headers=bearer(body)))[1] == "expired_token"


def test_granted_subset_reaches_the_token(http, services, ann, app):  # A12
    code = get_code(http, app.client_id, scope="activity profile sleep", scopes=["sleep"])
    assert exchange(http, app, code).json()["scope"] == "sleep"


# --- client authentication ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "fields", "key", "message"),
    [
        ({}, [], "client_auth_header_required", "Authorization header required"),
        (
            {"Authorization": "Bearer abc"},
            [],
            "client_auth_method_incorrect",
            "Incorrect authorization method",
        ),
        (
            {"Authorization": "Basic !!!not-base64"},
            [],
            "client_auth_header_format",
            "Invalid authorization header format",
        ),
        (
            {"Authorization": "Basic bm9jb2xvbg=="},
            [],
            "client_auth_header_format",
            "Invalid authorization header format",
        ),
        (
            {"Authorization": "Basic //79"},
            [],
            "client_auth_header_format",
            "Invalid authorization header format",
        ),
        ("unknown", [], "client_id_invalid", "Invalid authorization header. Client id invalid"),
        ("wrong-secret", [], "client_secret_invalid", "Invalid authorization header. Client secret invalid"),
        ({}, [("client_id", "@id")], "client_auth_header_required", "Authorization header required"),
        (
            {},
            [("client_id", "@id"), ("client_secret", "nope")],
            "client_secret_invalid",
            "Invalid authorization header. Client secret invalid",
        ),
        (
            {},
            [("client_id", "QQQQQQ"), ("client_secret", "x")],
            "client_id_invalid",
            "Invalid authorization header. Client id invalid",
        ),
        (
            "good",
            [("client_id", "OTHER1")],
            "client_id_invalid",
            "Invalid authorization header. Client id invalid",
        ),
    ],
)
def test_client_authentication_errors(http, services, app, headers, fields, key, message):  # T2, T3
    if headers == "unknown":
        headers = basic("NOPE00", "secret")
    elif headers == "wrong-secret":
        headers = basic(app.client_id, "0" * 32)
    elif headers == "good":
        headers = basic(app.client_id, app.secret)
    fields = [(k, app.client_id if v == "@id" else v) for k, v in fields]
    response = post_form(
        http,
        "/oauth2/token",
        [("grant_type", "authorization_code"), ("code", "0" * 40)] + fields,
        headers=headers,
    )
    assert_error(response, 401, "invalid_client", oauth_message(message), realm=True)


def test_app_may_authenticate_in_the_body(http, services, ann, app):  # fitbit-data-pipeline
    code = get_code(http, app.client_id)
    response = exchange(http, app, code, auth=False, client_id=app.client_id, client_secret=app.secret)
    assert response.status_code == 200


def test_secret_in_the_query_string_is_not_accepted(http, services, ann, app):  # T1
    code = get_code(http, app.client_id)
    response = http.post(
        "/oauth2/token",
        params={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app.client_id,
            "client_secret": app.secret,
        },
    )
    assert_error(response, 401, "invalid_client", oauth_message("Authorization header required"), realm=True)


def test_query_parameters_with_empty_json_body_and_basic(http, services, ann, app):  # fitbit-web-api
    code = get_code(http, app.client_id)
    response = http.post(
        "/oauth2/token",
        params={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers=basic(app.client_id, app.secret) | {"content-type": "application/json"},
        content=b"{}",
    )
    assert response.status_code == 200


def test_client_app_identifies_with_client_id_in_the_body(http, services, ann):  # T3
    app = make_app(services, "client")
    code = get_code(http, app.client_id, code_challenge=CHALLENGE, code_challenge_method="S256")
    response = exchange(http, app, code, auth=False, client_id=app.client_id, code_verifier=VERIFIER)
    assert response.status_code == 200
    code = get_code(http, app.client_id)
    assert (
        exchange(http, app, code, auth=True, username="x", password="y").status_code == 200
    )  # orcasgit extras


def test_get_is_not_allowed(http, services):  # T1
    response = http.get("/oauth2/token")
    assert response.status_code == 405


# --- grant types --------------------------------------------------------------------------------------------------


def test_grant_type_missing_and_unsupported(http, services, app):  # T7
    auth = basic(app.client_id, app.secret)
    assert_error(
        post_form(http, "/oauth2/token", [], headers=auth),
        400,
        "invalid_request",
        oauth_message("Missing \u2018grant_type\u2019 parameter values"),
    )
    for grant in ("password", "urn:ietf:params:oauth:grant-type:jwt-bearer", "implicit"):
        response = post_form(
            http,
            "/oauth2/token",
            [("grant_type", grant), ("username", "ann"), ("password", "x")],
            headers=auth,
        )
        assert_error(
            response,
            400,
            "unsupported_grant_type",
            oauth_message("The authorization grant_type is not supported"),
        )


def test_client_credentials_has_no_refresh_token_and_no_user_access(http, services, ann, app):  # T8
    auth = basic(app.client_id, app.secret)
    response = post_form(
        http, "/oauth2/token", [("grant_type", "client_credentials"), ("expires_in", "3600")], headers=auth
    )
    body = response.json()
    assert response.status_code == 200 and "refresh_token" not in body and "user_id" not in body
    assert body["expires_in"] == 3600 and body["token_type"] == "Bearer"
    assert error_of(http.get("/1/user/-/profile.json", headers=bearer(body)))[:2] == (401, "invalid_token")
    no_basic = post_form(
        http,
        "/oauth2/token",
        [("grant_type", "client_credentials"), ("client_id", app.client_id), ("client_secret", app.secret)],
    )
    assert_error(no_basic, 401, "invalid_client", oauth_message("Authorization header required"), realm=True)


# --- authorization code -----------------------------------------------------------------------------------------


def test_code_rows(http, services, ann, app):
    assert_error(exchange(http, app, None), 400, "invalid_request", oauth_message("Missing parameters: code"))
    assert_error(
        exchange(http, app, "xyz"), 400, "invalid_request", oauth_message("Authorization code invalid: xyz")
    )
    unknown = "ab" * 20
    assert_error(
        exchange(http, app, unknown),
        400,
        "invalid_grant",
        oauth_message(f"Authorization code invalid: {unknown}"),
    )


def test_code_is_single_use_and_reuse_revokes_its_tokens(http, services, ann, app):  # C1, C2
    code = get_code(http, app.client_id)
    first = exchange(http, app, code).json()
    assert http.get("/1/user/-/profile.json", headers=bearer(first)).status_code == 200
    services.clock.advance(30)
    assert_error(
        exchange(http, app, code), 400, "invalid_grant", oauth_message(f"Authorization code invalid: {code}")
    )
    assert error_of(http.get("/1/user/-/profile.json", headers=bearer(first)))[:2] == (401, "invalid_token")
    refreshed = post_form(
        http,
        "/oauth2/token",
        [("grant_type", "refresh_token"), ("refresh_token", first["refresh_token"])],
        headers=basic(app.client_id, app.secret),
    )
    assert error_of(refreshed)[1] == "invalid_grant"


def test_concurrent_double_exchange_yields_one_success(http, open_http, services, ann, app):  # C3
    for _ in range(3):
        code = get_code(http, app.client_id)
        barrier = threading.Barrier(4)
        results: list[int] = []

        def race(
            code: str = code, barrier: threading.Barrier = barrier, results: list[int] = results
        ) -> None:
            with open_http() as client:
                barrier.wait()
                results.append(exchange(client, app, code).status_code)

        threads = [threading.Thread(target=race) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [200, 400, 400, 400]


def test_code_expires_after_ten_minutes(http, services, ann, app):  # C4
    code = get_code(http, app.client_id)
    services.clock.advance(599)
    fresh = get_code(http, app.client_id)
    assert exchange(http, app, fresh).status_code == 200
    services.clock.advance(2)
    assert_error(
        exchange(http, app, code), 400, "invalid_grant", oauth_message(f"Authorization code expired: {code}")
    )


def test_code_is_bound_to_its_client(http, services, ann, app):  # C5
    other = make_app(services, "server")
    code = get_code(http, app.client_id)
    assert_error(
        exchange(http, other, code),
        400,
        "invalid_grant",
        oauth_message(f"Authorization code invalid: {code}"),
    )
    assert exchange(http, app, code).status_code == 200  # the failed attempt did not consume it


def test_code_is_bound_to_the_redirect_uri(http, services, ann):  # C5
    app = make_app(services, redirect_uris=[REDIRECT, "https://client.example/two"])
    code = get_code(http, app.client_id)
    assert_error(
        exchange(http, app, code, redirect_uri=None),
        400,
        "invalid_request",
        oauth_message("Redirect_uri mismatch: null"),
    )
    assert_error(
        exchange(http, app, code, redirect_uri="https://client.example/two"),
        400,
        "invalid_request",
        oauth_message("Redirect_uri mismatch: https://client.example/two"),
    )
    assert exchange(http, app, code).status_code == 200


def test_pkce_exchange_without_redirect_uri_when_none_was_sent(http, services, ann):  # fitbit-cli
    app = make_app(services, "client")
    code = get_code(
        http, app.client_id, redirect_uri=None, code_challenge=CHALLENGE, code_challenge_method="S256"
    )
    response = exchange(
        http, app, code, auth=False, client_id=app.client_id, code_verifier=VERIFIER, redirect_uri=None
    )
    assert response.status_code == 200


def test_code_entropy(http, services, ann, app):  # C6, K1
    codes = {get_code(http, app.client_id) for _ in range(3)}
    assert len(codes) == 3 and all(len(c) == 40 and int(c, 16) >= 0 for c in codes)  # 160 bits


# --- PKCE ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def pkce_code(http, services, ann, app):  # type: ignore[no-untyped-def]
    return get_code(http, app.client_id, code_challenge=CHALLENGE, code_challenge_method="S256")


def test_pkce_rfc7636_vector(http, app, pkce_code):  # P3
    assert exchange(http, app, pkce_code, code_verifier=VERIFIER).status_code == 200


@pytest.mark.parametrize(
    ("verifier", "message"),
    [
        (None, "Authorization code verifier invalid: null"),  # P4 downgrade
        ("a" * 42, "The code_verifier parameter length must be between 43 and 128"),  # P6 short verifier
        ("a" * 129, "The code_verifier parameter length must be between 43 and 128"),
        ("a" * 43 + "!", "The code_verifier parameter is invalid"),
        ("b" * 43, "Authorization code verifier invalid: " + "b" * 43),  # P3 mismatch
        (CHALLENGE, "Authorization code verifier invalid: " + CHALLENGE),  # P6 plain/S256 confusion
    ],
)
def test_pkce_verifier_rows(http, app, pkce_code, verifier, message):
    response = exchange(http, app, pkce_code, code_verifier=verifier)
    assert_error(response, 400, "invalid_request", oauth_message(message))
    assert exchange(http, app, pkce_code, code_verifier=VERIFIER).status_code == 200


def test_verifier_without_challenge_is_rejected(http, services, ann, app):  # P5
    code = get_code(http, app.client_id)
    assert_error(
        exchange(http, app, code, code_verifier=VERIFIER),
        400,
        "invalid_request",
        oauth_message(f"Authorization code verifier invalid: {VERIFIER}"),
    )


def test_plain_method(http, services, ann, app):
    verifier = "v" * 60
    code = get_code(http, app.client_id, code_challenge=verifier, code_challenge_method="plain")
    assert exchange(http, app, code, code_verifier=verifier).status_code == 200


# --- garbage and faults --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"grant_type=authorization_code&code=\xff\xfe", "application/x-www-form-urlencoded"),
        (b"x" * 70_000, "application/x-www-form-urlencoded"),
        (b"grant_type=refresh_token&grant_type=authorization_code", "application/x-www-form-urlencoded"),
    ],
)
def test_unreadable_bodies(http, app, content, content_type):
    response = http.post(
        "/oauth2/token",
        content=content,
        headers={"content-type": content_type} | basic(app.client_id, app.secret),
    )
    assert_error(response, 400, "invalid_request", "There was an error reading the request body")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"grant_type": "authorization_code"}', "application/json"),
        (b"\x00\x01\x02", "application/octet-stream"),
        (b"%%%&&&===", "application/x-www-form-urlencoded"),
        (
            b"grant_type=refresh_token&grant_type=refresh_token&refresh_token=" + b"z" * 2000,
            "application/x-www-form-urlencoded",
        ),
    ],
)
def test_garbage_never_500s(http, app, content, content_type):
    response = http.post(
        "/oauth2/token",
        content=content,
        headers={"content-type": content_type} | basic(app.client_id, app.secret),
    )
    assert 400 <= response.status_code < 500 and response.json()["success"] is False


def test_injected_fault_hits_the_token_endpoint(http, services, app):
    services.store.sandbox.add_fault(
        "maintenance", path_prefix="/oauth2/token", client_id=app.client_id, count=1
    )
    response = post_form(
        http,
        "/oauth2/token",
        [("grant_type", "refresh_token"), ("refresh_token", "x")],
        headers=basic(app.client_id, app.secret),
    )
    assert error_of(response)[:2] == (503, "back_off_app_maintenance")
    response = post_form(
        http,
        "/oauth2/token",
        [("grant_type", "refresh_token"), ("refresh_token", "x")],
        headers=basic(app.client_id, app.secret),
    )
    assert error_of(response)[:2] == (400, "invalid_grant")
