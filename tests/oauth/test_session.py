"""The sign-in session of the authorize page (oauth/session.py) and what it changes: Fitbit's straight-back redirect
for an app that already holds every requested scope, the consent form without a password, and `prompt`."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from fitbit_local.oauth.session import SESSION_COOKIE, SESSION_LIFETIME, session_cookie
from tests.factories import bearer, issue_token, make_app, make_user
from tests.oauth.helpers import (
    CHALLENGE,
    REDIRECT,
    VERIFIER,
    basic,
    form_fields,
    open_consent,
    page_error,
    parse_page,
    post_form,
    redirect_params,
    sign_out,
    submit,
)

PASSWORD_FORM = "password"
SESSION_FORM = "session"


def params(client_id: str, scope: str = "activity profile", **extra: str) -> dict[str, str]:
    return {
        "client_id": client_id,
        "response_type": "code",
        "scope": scope,
        "redirect_uri": REDIRECT,
        **extra,
    }


def exchange(http: httpx.Client, app, code: str, **extra: str) -> httpx.Response:  # type: ignore[no-untyped-def]
    fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", REDIRECT)]
    fields += list(extra.items())
    return post_form(http, "/oauth2/token", fields, headers=basic(app.client_id, app.secret))


def sign_in_and_allow(http: httpx.Client, client_id: str, scope: str) -> str:
    """The password flow, keeping the session it starts (helpers.authorize leaves none behind): the code."""
    response = submit(http, open_consent(http, **params(client_id, scope)))  # with a password, either form
    assert session_set_cookie(response) is not None
    return redirect_params(response)["code"]


def grant(http: httpx.Client, app, scope: str = "activity profile") -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Sign in with the password, allow, and exchange the code: the user now has a session and a grant."""
    response = exchange(http, app, sign_in_and_allow(http, app.client_id, scope))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def form_kind(page: httpx.Response, status: int = 200) -> str:
    """Which consent form the page shows: the sign-in form (password field) or the signed-in one."""
    assert page.status_code == status and "location" not in page.headers, page.text
    names = {item.get("name") for item in parse_page(page.text).inputs}
    assert "csrf_token" in names and "requested_scope" in names
    if "password" in names:
        assert "signed_in_as" not in names
        return PASSWORD_FORM
    assert "username" not in names and "signed_in_as" in names
    return SESSION_FORM


def submit_signed_in(
    http: httpx.Client, page: httpx.Response, *, action: str = "allow", scopes: list[str] | None = None
) -> httpx.Response:
    """Post the signed-in form as a browser would: no username or password, the session cookie authorises it."""
    fields = form_fields(page.text)
    if scopes is not None:
        fields = [(n, v) for n, v in fields if n != "scope"] + [("scope", s) for s in scopes]
    return post_form(http, "/oauth2/authorize", fields + [("action", action)])


def session_value(http: httpx.Client) -> str | None:
    return next((c.value for c in http.cookies.jar if c.name == SESSION_COOKIE), None)


def put_session(http: httpx.Client, value: str) -> None:
    sign_out(http)
    http.cookies.set(SESSION_COOKIE, value, domain=str(http.base_url.host), path="/oauth2")


def session_set_cookie(response: httpx.Response) -> str | None:
    return next(
        (v for v in response.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE + "=")), None
    )


def redirect_params_of(response: httpx.Response) -> dict[str, list[str]]:
    return parse_qs(urlsplit(response.headers["location"]).query)


def freeze_clock(services) -> None:  # type: ignore[no-untyped-def]
    services.clock.set(datetime.now(UTC), frozen=True)


# --- straight back when everything is already granted -------------------------------------------------------------


def test_already_granted_redirects_straight_back_with_a_new_code(http, services, strict, ann, app):
    grant(http, app, "activity profile sleep")
    response = open_consent(
        http,
        **params(
            app.client_id,
            "profile activity",
            state="a b&c",
            code_challenge=CHALLENGE,
            code_challenge_method="S256",
        ),
    )
    assert response.status_code == 302  # Fitbit's redirect from GET [DOC authorize]
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?code=") and location.endswith("#_=_")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["a b&c"] and len(query["code"][0]) == 40
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
    code = query["code"][0]
    assert exchange(http, app, code, code_verifier="x" * 43).status_code == 400
    body = exchange(http, app, code, code_verifier=VERIFIER).json()  # bound to the PKCE challenge
    assert body["user_id"] == ann.id and body["scope"] == "activity profile"
    assert http.get("/1/user/-/profile.json", headers=bearer(body)).status_code == 200


def test_the_code_is_bound_to_the_redirect_uri_as_sent(http, services, ann):
    app = make_app(services, redirect_uris=[REDIRECT])
    grant(http, app, "activity")
    sent = open_consent(http, **params(app.client_id, "activity"))
    omitted = http.get(
        "/oauth2/authorize", params={"client_id": app.client_id, "response_type": "code", "scope": "activity"}
    )
    assert sent.status_code == omitted.status_code == 302
    code_sent, code_omitted = (
        parse_qs(urlsplit(r.headers["location"]).query)["code"][0] for r in (sent, omitted)
    )
    without = [("grant_type", "authorization_code")]
    headers = basic(app.client_id, app.secret)
    assert (
        post_form(http, "/oauth2/token", [*without, ("code", code_sent)], headers=headers).status_code == 400
    )
    assert (
        post_form(http, "/oauth2/token", [*without, ("code", code_omitted)], headers=headers).status_code
        == 200
    )
    assert exchange(http, app, code_sent).status_code == 200


def test_implicit_grant_redirects_straight_back(http, services, ann):
    app = make_app(services, "client")
    page = open_consent(http, **params(app.client_id, response_type="token"))
    first = redirect_params(submit(http, page))  # the implicit grant records the grant at consent
    assert first["scope"] == "activity profile"
    for asked, given in (("604800", "604800"), ("3600", "86400")):
        response = open_consent(
            http, **params(app.client_id, "activity", response_type="token", state="st", expires_in=asked)
        )
        assert response.status_code == 302 and urlsplit(response.headers["location"]).query == ""
        fragment = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).fragment).items()}
        assert fragment["user_id"] == ann.id and fragment["expires_in"] == given and fragment["state"] == "st"
        assert fragment["scope"] == "activity" and "refresh_token" not in fragment
        assert (
            http.get(
                "/1/user/-/activities/date/today.json", headers=bearer(fragment["access_token"])
            ).status_code
            == 200
        )


def test_strict_refusals_come_before_the_redirect(http, services, strict, ann, app):
    client = make_app(services, "client")
    grant_body = issue_token(services, client.client_id, ann.id, "activity")
    assert grant_body["scope"] == "activity"
    submit(http, open_consent(http, **params(app.client_id)), action="deny")  # signs ann in, grants nothing
    assert session_value(http) is not None
    for extra in (
        {"response_type": "token"},
        {},
        {"code_challenge": "x" * 50, "code_challenge_method": "plain"},
    ):
        response = open_consent(http, **params(client.client_id, "activity", **extra))
        if strict:
            assert response.status_code == 400 and "location" not in response.headers
            assert page_error(response)
        else:
            assert response.status_code == 302
    response = open_consent(
        http, **params(client.client_id, "activity", code_challenge=CHALLENGE, code_challenge_method="S256")
    )
    assert response.status_code == 302


# --- when the form is still shown -----------------------------------------------------------------------------


def test_a_subset_granted_shows_the_consent_form_without_a_password(http, services, ann, app):
    grant(http, app, "activity")
    page = open_consent(http, **params(app.client_id, "activity sleep", state="s"))
    assert form_kind(page) == SESSION_FORM
    parsed = parse_page(page.text)
    boxes = [i["value"] for i in parsed.inputs if i.get("type") == "checkbox"]
    assert boxes == ["activity", "sleep"]
    assert "Signed in as" in page.text and ann.name in page.text
    response = submit_signed_in(http, page)
    assert response.status_code == 303 and redirect_params(response)["state"] == "s"
    assert session_set_cookie(response) is None  # the session is used, not renewed
    body = exchange(http, app, redirect_params(response)["code"]).json()
    assert body["scope"] == "activity sleep"
    assert open_consent(http, **params(app.client_id, "sleep")).status_code == 302


def test_consent_alone_does_not_make_a_grant_in_the_code_flow(http, services, ann, app):
    sign_in_and_allow(http, app.client_id, "activity")  # never exchanged: the grant is made at the exchange
    assert form_kind(open_consent(http, **params(app.client_id, "activity"))) == SESSION_FORM


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("none", 302),
        ("consent", SESSION_FORM),
        ("login", PASSWORD_FORM),
        ("login consent", PASSWORD_FORM),
        ("consent login", PASSWORD_FORM),
        ("none consent", SESSION_FORM),
        ("select_account", 302),  # no documented meaning: the default behaviour
    ],
)
def test_prompt(http, services, ann, app, prompt, expected):
    grant(http, app)
    response = open_consent(http, **params(app.client_id, prompt=prompt))
    if expected == 302:
        assert response.status_code == 302 and "code" in redirect_params_of(response)
    else:
        assert form_kind(response) == expected


def test_prompt_still_requires_redirect_uri_when_signed_in(http, services, ann):
    app = make_app(services, redirect_uris=[REDIRECT])
    grant(http, app)
    response = http.get(
        "/oauth2/authorize",
        params={"client_id": app.client_id, "response_type": "code", "scope": "activity", "prompt": "none"},
    )
    assert response.status_code == 400
    assert page_error(response) == "invalid_request - Missing redirect_uri parameter value"


def test_prompt_login_needs_the_password_and_replaces_the_session(http, services, ann, app):
    bob = make_user(services, "bob")
    grant(http, app)
    ann_session = session_value(http)
    page = open_consent(http, **params(app.client_id, prompt="login"))
    assert form_kind(page) == PASSWORD_FORM
    # the password form, posted without credentials, is not authorised by the session
    fields = form_fields(page.text) + [("signed_in_as", ann.id), ("action", "allow")]
    response = post_form(http, "/oauth2/authorize", fields)
    assert response.status_code == 200 and "location" not in response.headers
    assert parse_page(response.text).texts["signin-error"] == (
        "The email address or password you entered is incorrect."
    )
    response = submit(http, page, username="bob")
    assert redirect_params(response)["code"] and session_set_cookie(response)
    assert session_value(http) not in (None, ann_session)
    page = open_consent(http, **params(app.client_id))  # bob has no grant yet
    assert form_kind(page) == SESSION_FORM and f'value="{bob.id}"' in page.text


def test_the_switch_user_link_asks_for_the_password(http, services, ann, app):
    grant(http, app, "activity")
    page = open_consent(http, **params(app.client_id, "activity sleep", state="x y"))
    links = [a for a in page.text.split('"') if a.startswith("/oauth2/authorize?")]
    assert len(links) == 1
    link = links[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query["prompt"] == ["login"] and query["scope"] == ["activity sleep"] and query["state"] == ["x y"]
    assert form_kind(http.get(link)) == PASSWORD_FORM


def test_a_post_with_a_password_still_signs_in_over_a_session(http, services, ann, app):
    bob = make_user(services, "bob")
    grant(http, app, "activity")
    page = open_consent(http, **params(app.client_id, "activity sleep"))
    assert form_kind(page) == SESSION_FORM
    response = submit(http, page, username="bob")  # username + password on the signed-in form
    assert exchange(http, app, redirect_params(response)["code"]).json()["user_id"] == bob.id
    assert form_kind(open_consent(http, **params(app.client_id, "activity sleep weight"))) == SESSION_FORM
    assert open_consent(http, **params(app.client_id, "sleep")).status_code == 302


def test_personal_app_is_not_auto_authorized_for_another_user(http, services, ann):
    bob = make_user(services, "bob")
    app = make_app(services, "personal", owner=ann.id)
    issue_token(services, app.client_id, bob.id, "activity")  # a grant made outside the page
    page = open_consent(http, **params(app.client_id, "activity"))
    submit(http, page, username="bob", action="deny")
    page = open_consent(http, **params(app.client_id, "activity"))
    assert form_kind(page) == SESSION_FORM
    response = submit_signed_in(http, page)
    assert response.status_code == 400 and page_error(response).startswith("unauthorized_client - ")


# --- the cookie -------------------------------------------------------------------------------------------------


def test_session_cookie_attributes(http, services, ann, app):
    page = open_consent(http, **params(app.client_id))
    assert session_set_cookie(page) is None
    response = submit(http, page, password="wrong")
    assert session_set_cookie(response) is None  # a failed sign-in starts no session
    response = submit(http, response)
    cookie = session_set_cookie(response)
    assert cookie is not None
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert attributes["path"] == "Path=/oauth2"
    assert (
        attributes["samesite"].lower() == "samesite=lax"
    )  # sent on the top-level GET from the client's site
    assert attributes["max-age"] == f"Max-Age={SESSION_LIFETIME}" and SESSION_LIFETIME == 14 * 86_400
    assert "httponly" in attributes and "secure" not in attributes  # plain http
    assert session_value(http)
    page = open_consent(http, **params(app.client_id, "sleep"))  # behind a TLS-terminating proxy:
    fields = form_fields(page.text) + [
        ("username", "ann"),
        ("password", "correct horse"),
        ("action", "allow"),
    ]
    response = post_form(http, "/oauth2/authorize", fields, headers={"X-Forwarded-Proto": "https"})
    assert "; secure" in session_set_cookie(response).lower()  # type: ignore[union-attr]


def test_deny_with_a_password_signs_in_and_deny_while_signed_in_keeps_the_grant(http, services, ann, app):
    page = open_consent(http, **params(app.client_id, state="s"))
    response = submit(http, page, action="deny")
    assert response.headers["location"] == REDIRECT + "?error=access_denied&state=s"
    assert session_set_cookie(response) is not None
    assert form_kind(open_consent(http, **params(app.client_id))) == SESSION_FORM
    grant(http, app)
    page = open_consent(http, **params(app.client_id, "activity sleep", state="t"))
    response = submit_signed_in(http, page, action="deny")
    assert response.status_code == 303
    assert response.headers["location"] == REDIRECT + "?error=access_denied&state=t"
    assert (
        open_consent(http, **params(app.client_id)).status_code == 302
    )  # denying a new scope revokes nothing


def test_genuine_session_cookie_is_accepted_when_put_back(http, services, ann, app):
    """The positive control for the tests below: a cookie set by hand is sent and honoured."""
    grant(http, app)
    value = session_value(http)
    assert value is not None
    put_session(http, value)
    assert open_consent(http, **params(app.client_id)).status_code == 302
    put_session(http, session_cookie(services.signing_key, ann.id, services.clock.now()))
    assert open_consent(http, **params(app.client_id)).status_code == 302


def tamper(value: str) -> list[str]:
    payload, signature = value.split(".")
    flip = "A" if signature[0] != "A" else "B"
    return [
        f"{payload}.{flip}{signature[1:]}",
        f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}",
        payload,
        f"{value}.x",
        "",
        "garbage",
    ]


def test_tampered_session_cookies_are_ignored(http, services, ann, app):
    grant(http, app)
    value = session_value(http)
    assert value is not None
    for forged in tamper(value):
        put_session(http, forged)
        assert form_kind(open_consent(http, **params(app.client_id))) == PASSWORD_FORM, forged


def test_foreign_session_cookies_are_ignored(http, services, ann, app):
    grant(http, app)
    now = services.clock.now()
    put_session(http, session_cookie(b"another database's key".ljust(32, b"!"), ann.id, now))
    assert form_kind(open_consent(http, **params(app.client_id))) == PASSWORD_FORM
    put_session(http, session_cookie(services.signing_key, "ZZZZZZ", now))  # no such user
    assert form_kind(open_consent(http, **params(app.client_id))) == PASSWORD_FORM


def test_session_expires_on_the_sandbox_clock(http, services, ann, app):
    freeze_clock(services)
    grant(http, app)
    services.clock.advance(SESSION_LIFETIME - 1)
    assert open_consent(http, **params(app.client_id)).status_code == 302
    services.clock.advance(1)
    assert form_kind(open_consent(http, **params(app.client_id))) == PASSWORD_FORM


def test_a_session_from_the_future_is_ignored(http, services, ann, app):
    freeze_clock(services)
    grant(http, app)
    services.clock.advance(-60)  # the sandbox clock was set back past the sign-in
    assert form_kind(open_consent(http, **params(app.client_id))) == PASSWORD_FORM


# --- the signed-in form's POST ------------------------------------------------------------------------------------


def test_csrf_is_still_enforced_on_the_signed_in_post(http, services, ann, app):
    grant(http, app, "activity")
    page = open_consent(http, **params(app.client_id, "activity sleep"))
    assert form_kind(page) == SESSION_FORM
    tampered = [(n, "activity weight" if n == "requested_scope" else v) for n, v in form_fields(page.text)]
    response = post_form(http, "/oauth2/authorize", tampered + [("action", "allow")])
    assert response.status_code == 403 and "location" not in response.headers
    session = session_value(http)
    http.cookies.clear()
    put_session(http, session)  # type: ignore[arg-type]
    response = submit_signed_in(http, page)  # the session alone is not enough: the CSRF cookie is gone
    assert "expired" in parse_page(response.text).texts["signin-error"]
    assert form_kind(response, 403) == SESSION_FORM  # the fresh form, for the user still signed in
    assert redirect_params(submit_signed_in(http, response))["code"]


def test_signed_in_post_needs_the_user_the_page_showed(http, services, ann, app):
    bob = make_user(services, "bob")
    freeze_clock(services)
    grant(http, app, "activity")
    page = open_consent(http, **params(app.client_id, "activity sleep"))
    fields = [(n, bob.id if n == "signed_in_as" else v) for n, v in form_fields(page.text)]
    response = post_form(http, "/oauth2/authorize", fields + [("action", "allow")])
    assert response.status_code == 200 and "location" not in response.headers
    assert (
        parse_page(response.text).texts["signin-error"]
        == "You are no longer signed in. Please sign in again."
    )
    assert form_kind(response) == PASSWORD_FORM
    services.clock.advance(SESSION_LIFETIME)  # the session ends between the GET and the POST
    response = submit_signed_in(http, page)
    assert response.status_code == 200 and form_kind(response) == PASSWORD_FORM
    assert "no longer signed in" in parse_page(response.text).texts["signin-error"]
    assert redirect_params(submit(http, response))["code"]  # the re-shown form signs in again


def test_revoke_removes_the_grant_so_consent_is_asked_again(http, services, ann, app):
    tokens = grant(http, app)
    assert open_consent(http, **params(app.client_id)).status_code == 302
    response = post_form(
        http,
        "/oauth2/revoke",
        [("token", str(tokens["access_token"]))],
        headers=basic(app.client_id, app.secret),
    )
    assert response.status_code == 200
    page = open_consent(http, **params(app.client_id))
    assert form_kind(page) == SESSION_FORM  # still signed in, but the grant is gone
    response = submit_signed_in(http, page)
    assert exchange(http, app, redirect_params(response)["code"]).status_code == 200
    assert open_consent(http, **params(app.client_id)).status_code == 302
