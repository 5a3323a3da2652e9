"""GET/POST /oauth2/authorize: every "Authorization Errors" row on the page, anchors A1–A12, PKCE P1/P2/P7, and
what strict mode refuses (A8, P2, P7) next to what Fitbit mode accepts."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from fitbit_local.errors.catalogue import CATALOGUE
from tests.factories import make_app, make_user
from tests.oauth.helpers import (
    CHALLENGE,
    REDIRECT,
    VERIFIER,
    authorize,
    basic,
    form_fields,
    get_code,
    open_consent,
    page_error,
    parse_page,
    post_form,
    redirect_params,
    submit,
)

SECURITY = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in SECURITY.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp


@pytest.fixture
def two_uri_app(services):  # type: ignore[no-untyped-def]
    return make_app(services, "server", redirect_uris=[REDIRECT, "https://client.example/other?x=1"])


LONG = "a" * 43
# a valid code-flow request, which each row below spoils in one way
CODE_FLOW = {"client_id": "@app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "activity"}


@pytest.mark.parametrize(
    ("params", "message", "key"),
    [
        ({}, "invalid_request - Missing parameters: client_id", "authorize_client_id_missing"),
        ({"client_id": "ZZZZZZ"}, "unauthorize_client - Invalid client_id", "authorize_client_id_invalid"),
        (
            {"client_id": "@app", "redirect_uri": "https://evil.example/cb"},
            "invalid_request - Invalid redirect_uri parameter value",
            "authorize_redirect_uri_invalid",
        ),
        (
            {"client_id": "@app", "redirect_uri": REDIRECT + "/"},
            "invalid_request - Invalid redirect_uri parameter value",
            "authorize_redirect_uri_invalid",
        ),
        (
            {"client_id": "@app", "redirect_uri": "https://CLIENT.example/callback"},
            "invalid_request - Invalid redirect_uri parameter value",
            "authorize_redirect_uri_invalid",
        ),
        (
            {"client_id": "@app", "redirect_uri": REDIRECT + "?x=1"},
            "invalid_request - Invalid redirect_uri parameter value",
            "authorize_redirect_uri_invalid",
        ),
        (
            {"client_id": "@app"},
            "invalid_request - Missing redirect_uri parameter value",
            "authorize_redirect_uri_missing",
        ),
        (
            {"client_id": "@app", "redirect_uri": REDIRECT},
            "invalid_request - Missing response_type parameter value",
            "authorize_response_type_missing",
        ),
        (
            {"client_id": "@app", "redirect_uri": REDIRECT, "response_type": "id_token"},
            "unsupported_response_type - Invalid response_type parameter value",
            "authorize_response_type_invalid",
        ),
        (
            {"client_id": "@app", "redirect_uri": REDIRECT, "response_type": "token"},
            "unauthorized_client - The client is not authorized to request an access token using this method",
            "authorize_response_type_unauthorized",
        ),
        (
            {"client_id": "@app", "redirect_uri": REDIRECT, "response_type": "code"},
            "invalid_request - Missing scope parameter value",
            "authorize_scope_missing",
        ),
        (
            {
                "client_id": "@app",
                "redirect_uri": REDIRECT,
                "response_type": "code",
                "scope": "activity steps foo",
            },
            "invalid_scope - The requested scope is invalid, unknown or malformed: steps foo",
            "authorize_scope_invalid",
        ),
        (
            {**CODE_FLOW, "code_challenge": CHALLENGE, "code_challenge_method": "S512"},
            "invalid_request - Unsupported code_challenge_method",
            "authorize_code_challenge_method",
        ),
        (
            {**CODE_FLOW, "code_challenge": "short", "code_challenge_method": "S256"},
            "invalid_request - The code_challenge parameter length must be between 43 and 128",
            "authorize_code_challenge_length",
        ),
        (
            {**CODE_FLOW, "code_challenge": "a" * 129, "code_challenge_method": "S256"},
            "invalid_request - The code_challenge parameter length must be between 43 and 128",
            "authorize_code_challenge_length",
        ),
        (
            {**CODE_FLOW, "code_challenge": LONG + "+/=", "code_challenge_method": "S256"},
            "invalid_request - The code_challenge parameter is invalid",
            "authorize_code_challenge_invalid",
        ),
    ],
)
def test_every_authorization_error_is_shown_on_the_page_never_redirected(
    http, services, two_uri_app, params, message, key
):
    row = CATALOGUE[key]
    assert message.startswith(
        f"{row.error_type} - {row.message.split('{')[0]}"
    )  # the page shows the row's text
    params = {k: (two_uri_app.client_id if v == "@app" else v) for k, v in params.items()}
    response = open_consent(http, **params)
    assert response.status_code == 400
    assert "location" not in response.headers  # A1/A3: no redirect, no open redirector
    assert page_error(response) == message
    assert response.headers["content-type"].startswith("text/html")
    assert_security_headers(response)


def test_redirect_uri_may_be_omitted_when_exactly_one_is_registered(http, services, ann):
    app = make_app(services, "server")
    response = authorize(http, app.client_id, redirect_uri=None, state="s")
    assert response.headers["location"].startswith(REDIRECT + "?code=")


def test_prompt_requires_redirect_uri(http, services):
    app = make_app(services, "server")
    response = open_consent(
        http, client_id=app.client_id, response_type="code", scope="activity", prompt="consent"
    )
    assert page_error(response) == "invalid_request - Missing redirect_uri parameter value"


UNAUTHORIZED = (
    "unauthorized_client - The client is not authorized to request an access token using this method"
)
UNSUPPORTED = "unsupported_response_type - Invalid response_type parameter value"


@pytest.mark.parametrize(
    ("app_type", "response_type", "fitbit_error", "strict_error"),
    [
        ("server", "code", None, None),
        ("server", "token", UNAUTHORIZED, UNSUPPORTED),
        ("client", "token", None, UNSUPPORTED),
        ("personal", "code", None, None),
        ("personal", "token", None, UNSUPPORTED),
    ],
    ids=["server-code", "server-token", "client-token", "personal-code", "personal-token"],
)
def test_response_type_per_app_type(
    http, services, strict, app_type, response_type, fitbit_error, strict_error
):  # A8: Fitbit allows implicit for Client and Personal apps; strict mode allows it for no app
    app = make_app(services, app_type)
    response = open_consent(
        http, client_id=app.client_id, response_type=response_type, scope="activity", redirect_uri=REDIRECT
    )
    expected = strict_error if strict else fitbit_error
    assert response.status_code == (400 if expected else 200)
    assert page_error(response) == expected and "location" not in response.headers


def test_strict_mode_refuses_an_implicit_consent_form_post(http, services, strict, ann):  # A8
    """The form POST validates again, so a page opened before strict mode was switched on can't finish."""
    app = make_app(services, "client")
    services.settings.oauth_strict = False
    page = open_consent(
        http, client_id=app.client_id, response_type="token", scope="activity", redirect_uri=REDIRECT
    )
    services.settings.oauth_strict = strict
    response = submit(http, page)
    if strict:
        assert response.status_code == 400 and page_error(response) == UNSUPPORTED
        assert "location" not in response.headers
    else:
        assert "access_token" in redirect_params(response)


@pytest.mark.parametrize("name", ["client_id", "redirect_uri", "response_type", "code_challenge"])
def test_repeated_parameters_are_rejected(http, services, name):  # A7
    app = make_app(services)
    params = [
        ("client_id", app.client_id),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "activity"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ]
    value = dict(params)[name]
    response = http.get("/oauth2/authorize", params=params + [(name, value)])
    assert response.status_code == 400 and page_error(response).startswith(
        ("unauthorize_client", "invalid_request", "unsupported_response_type")
    )


def test_unknown_parameters_are_ignored(http, services, ann):  # A7
    app = make_app(services)
    response = authorize(http, app.client_id, foo="bar", nonce="n")
    assert "code" in redirect_params(response)


def test_consent_page_form_and_headers(http, services):  # A9, A10, A11
    app = make_app(services, name="My <script>App")
    page = open_consent(
        http,
        client_id=app.client_id,
        response_type="code",
        scope="activity sleep",
        redirect_uri=REDIRECT,
        state='"><script>alert(1)</script>',
    )
    assert page.status_code == 200
    assert_security_headers(page)
    assert "<script>" not in page.text and "My &lt;script&gt;App" in page.text
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/oauth2" in cookie
    inputs = parse_page(page.text).inputs
    boxes = [i for i in inputs if i.get("type") == "checkbox"]
    assert [b["value"] for b in boxes] == ["activity", "sleep"] and all("checked" in b for b in boxes)
    names = {i.get("name") for i in inputs}
    assert {"csrf_token", "username", "password", "requested_scope", "state"} <= names


def test_code_redirect_is_303_with_state_verbatim_and_fitbit_fragment(http, services, ann):  # A6, A9
    app = make_app(services)
    state = "a b&c=d/é?#+%"
    response = authorize(http, app.client_id, state=state)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?code=") and location.endswith("#_=_")
    params = redirect_params(response)
    assert params["state"] == state and len(params["code"]) == 40
    assert_security_headers(response)


def test_registered_query_string_is_preserved(http, services, ann):
    uri = "https://client.example/cb?tenant=7"
    app = make_app(services, redirect_uris=[uri])
    response = authorize(http, app.client_id, redirect_uri=uri, state="x")
    assert response.headers["location"].startswith(uri + "&code=")


def test_wrong_password_reshows_the_form(http, services, ann):
    app = make_app(services)
    page = open_consent(
        http, client_id=app.client_id, response_type="code", scope="activity", redirect_uri=REDIRECT
    )
    response = submit(http, page, password="wrong")
    assert response.status_code == 200 and "location" not in response.headers
    assert (
        parse_page(response.text).texts["signin-error"]
        == "The email address or password you entered is incorrect."
    )
    # the re-shown form still works
    again = submit(http, response)
    assert "code" in redirect_params(again)


def test_sign_in_by_user_id(http, services, ann):
    app = make_app(services)
    assert "code" in redirect_params(authorize(http, app.client_id, username=ann.id))


def test_deny_redirects_with_access_denied_and_state(http, services, ann):
    app = make_app(services)
    page = open_consent(
        http,
        client_id=app.client_id,
        response_type="code",
        scope="activity",
        redirect_uri=REDIRECT,
        state="xyz",
    )
    response = submit(http, page, action="deny")
    assert response.status_code == 303
    assert response.headers["location"] == REDIRECT + "?error=access_denied&state=xyz"


def test_unticking_every_scope_is_a_denial(http, services, ann):
    app = make_app(services)
    response = authorize(http, app.client_id, scopes=[], state="s")
    assert redirect_params(response) == {"error": "access_denied", "state": "s"}


def test_implicit_denial_goes_in_the_fragment(http, services, ann):
    app = make_app(services, "client")
    page = open_consent(
        http,
        client_id=app.client_id,
        response_type="token",
        scope="activity",
        redirect_uri=REDIRECT,
        state="s",
    )
    response = submit(http, page, action="deny")
    assert response.headers["location"] == REDIRECT + "#error=access_denied&state=s"


def test_personal_app_only_for_its_owner(http, services, ann):
    bob = make_user(services, "bob")
    app = make_app(services, "personal", owner=ann.id)
    page = open_consent(
        http, client_id=app.client_id, response_type="code", scope="activity", redirect_uri=REDIRECT
    )
    response = submit(http, page, username="bob")
    assert response.status_code == 400 and "location" not in response.headers
    row = CATALOGUE["authorize_personal_not_owner"]
    assert page_error(response) == f"{row.error_type} - {row.message}"
    assert page_error(response) == (
        'unauthorized_client - A "Personal" application is only authorized to request '
        "access tokens from the owner of the application"
    )
    assert bob.id != ann.id
    assert "code" in redirect_params(submit(http, page, username="ann"))


def test_csrf_cookie_is_required(http, services, ann):  # A9
    app = make_app(services)
    page = open_consent(
        http, client_id=app.client_id, response_type="code", scope="activity", redirect_uri=REDIRECT
    )
    http.cookies.clear()
    response = submit(http, page)
    assert response.status_code == 403 and "location" not in response.headers
    assert "expired" in parse_page(response.text).texts["signin-error"]


def test_tampered_hidden_parameters_fail_the_csrf_check(http, services, ann):
    app = make_app(services, redirect_uris=[REDIRECT, "https://client.example/two"])
    page = open_consent(
        http,
        client_id=app.client_id,
        response_type="code",
        scope="activity",
        redirect_uri=REDIRECT,
        state="s",
    )
    fields = [
        (n, "https://client.example/two" if n == "redirect_uri" else v) for n, v in form_fields(page.text)
    ]
    fields += [("username", "ann"), ("password", "correct horse"), ("action", "allow")]
    response = post_form(http, "/oauth2/authorize", fields)
    assert response.status_code == 403
    fields = [(n, "https://evil.example/" if n == "redirect_uri" else v) for n, v in form_fields(page.text)]
    response = post_form(http, "/oauth2/authorize", fields + [("action", "allow")])
    assert (
        response.status_code == 400
        and page_error(response) == "invalid_request - Invalid redirect_uri parameter value"
    )


def test_scope_subset_is_granted(http, services, ann):  # A12 (the token side is in test_token_endpoint)
    app = make_app(services, "client")
    response = authorize(
        http, app.client_id, response_type="token", scope="activity sleep profile", scopes=["sleep", "weight"]
    )
    assert redirect_params(response)["scope"] == "sleep"


@pytest.mark.parametrize(
    ("asked", "given"),
    [
        (None, "86400"),
        ("604800", "604800"),
        ("2592000", "2592000"),
        ("31536000", "31536000"),
        ("3600", "86400"),
        ("abc", "86400"),
    ],
)
def test_implicit_grant_fragment(http, services, ann, asked, given):
    app = make_app(services, "client")
    extra = {"expires_in": asked} if asked else {}
    response = authorize(
        http, app.client_id, response_type="token", scope="activity profile", state="st", **extra
    )
    location = response.headers["location"]
    assert urlsplit(location).query == ""
    params = redirect_params(response)
    assert params["user_id"] == ann.id and params["token_type"] == "Bearer" and params["expires_in"] == given
    assert params["scope"] == "activity profile" and params["state"] == "st" and "refresh_token" not in params
    profile = http.get(
        "/1/user/-/profile.json", headers={"Authorization": f"Bearer {params['access_token']}"}
    )
    assert profile.status_code == 200


@pytest.mark.parametrize(
    "extra",
    [
        {"code_challenge": "x" * 50, "code_challenge_method": "plain"},
        {"code_challenge": "x" * 50},  # no method means plain
        {"code_challenge_method": "plain"},  # a method without a challenge
    ],
    ids=["plain", "default-method", "method-only"],
)
def test_plain_pkce_is_accepted_by_fitbit_and_refused_in_strict_mode(
    http, services, strict, ann, extra
):  # P2
    app = make_app(services)
    params = {
        "client_id": app.client_id,
        "response_type": "code",
        "scope": "activity",
        "redirect_uri": REDIRECT,
    }
    page = open_consent(http, **params, **extra)
    if strict:
        assert page.status_code == 400 and "location" not in page.headers
        assert page_error(page) == "invalid_request - Unsupported code_challenge_method"
        assert CATALOGUE["authorize_code_challenge_method"].message == "Unsupported code_challenge_method"
    else:
        assert "code" in redirect_params(submit(http, page))


def test_s256_is_accepted_in_both_modes(http, services, strict, ann):  # P2
    app = make_app(services)
    code = get_code(http, app.client_id, code_challenge=CHALLENGE, code_challenge_method="S256")
    response = post_form(
        http,
        "/oauth2/token",
        [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
        headers=basic(app.client_id, app.secret),
    )
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"


MISSING_CHALLENGE = "invalid_request - Missing code_challenge parameter value"


@pytest.mark.parametrize("app_type", ["client", "server", "personal"])
def test_client_apps_need_pkce_in_strict_mode(http, services, strict, ann, app_type):  # P7
    app = make_app(services, app_type, owner=ann.id if app_type == "personal" else None)
    page = open_consent(
        http, client_id=app.client_id, response_type="code", scope="activity", redirect_uri=REDIRECT
    )
    if strict and app_type == "client":  # a public client: RFC 9700 §2.1.1 makes PKCE a MUST
        assert page.status_code == 400 and "location" not in page.headers
        row = CATALOGUE["authorize_code_challenge_missing"]
        assert page_error(page) == f"{row.error_type} - {row.message}" == MISSING_CHALLENGE
    else:
        assert "code" in redirect_params(submit(http, page))


def test_a_client_app_with_pkce_completes_the_flow_in_strict_mode(http, services, strict, ann):  # P7
    app = make_app(services, "client")
    code = get_code(http, app.client_id, code_challenge=CHALLENGE, code_challenge_method="S256")
    response = post_form(
        http,
        "/oauth2/token",
        [
            ("grant_type", "authorization_code"),
            ("client_id", app.client_id),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    assert response.status_code == 200 and response.json()["user_id"] == ann.id


def test_strict_mode_keeps_fitbit_check_order(http, services, strict):
    """A strict refusal sits at its parameter's step: an earlier parameter's row still wins."""
    app = make_app(services, "client")
    response = open_consent(
        http, client_id=app.client_id, response_type="token", redirect_uri=REDIRECT, code_challenge="x" * 50
    )
    assert page_error(response) == (
        UNSUPPORTED if strict else "invalid_request - Missing scope parameter value"
    )
    response = open_consent(
        http,
        client_id=app.client_id,
        response_type="code",
        scope="activity",
        redirect_uri=REDIRECT,
        code_challenge="short",
    )
    assert page_error(response) == (
        "invalid_request - Unsupported code_challenge_method"
        if strict
        else "invalid_request - The code_challenge parameter length must be between 43 and 128"
    )


def test_garbage_post_body_is_a_page_error_not_a_500(http, services):
    response = http.post(
        "/oauth2/authorize",
        content=b"\xff\xfe\x00",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert page_error(response) == "invalid_request - There was an error reading the request body"
    assert http.post("/oauth2/authorize", data={"x": "y"}).status_code == 400
