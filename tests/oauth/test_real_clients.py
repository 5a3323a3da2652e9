"""End to end: a browser-like walk through the consent page, and python-fitbit (requests-oauthlib) as a client."""

from __future__ import annotations

from urllib.parse import urlsplit

import fitbit
import pytest

from tests.factories import make_app, make_user
from tests.oauth.helpers import REDIRECT, basic, form_fields, post_form, redirect_params


def test_browser_flow_to_profile(http, services):
    user = make_user(services, "ann")
    app = make_app(services, "server")
    page = http.get(
        "/oauth2/authorize",
        params={
            "client_id": app.client_id,
            "response_type": "code",
            "scope": "profile activity",
            "redirect_uri": REDIRECT,
            "state": "s t",
        },
    )
    assert page.status_code == 200 and "fitbit_local_consent" in http.cookies
    fields = form_fields(page.text) + [
        ("username", "ann"),
        ("password", "correct horse"),
        ("action", "allow"),
    ]
    redirect = post_form(http, "/oauth2/authorize", fields)
    assert redirect.status_code == 303
    params = redirect_params(redirect)
    assert params["state"] == "s t"
    token = post_form(
        http,
        "/oauth2/token",
        [("grant_type", "authorization_code"), ("code", params["code"]), ("redirect_uri", REDIRECT)],
        headers=basic(app.client_id, app.secret),
    )
    body = token.json()
    profile = http.get("/1/user/-/profile.json", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert profile.status_code == 200 and profile.json()["user"]["encodedId"] == user.id


def test_python_fitbit_fetch_and_refresh(live_http, services, live_server, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    base = live_server.base_url
    monkeypatch.setattr(fitbit.api.FitbitOauth2Client, "authorization_url", f"{base}/oauth2/authorize")
    monkeypatch.setattr(fitbit.api.FitbitOauth2Client, "access_token_url", f"{base}/oauth2/token")
    monkeypatch.setattr(fitbit.api.FitbitOauth2Client, "refresh_token_url", f"{base}/oauth2/token")
    user = make_user(services, "ann")
    app = make_app(services, "server")
    saved: list[dict] = []
    client = fitbit.api.FitbitOauth2Client(
        app.client_id, app.secret, redirect_uri=REDIRECT, refresh_cb=saved.append
    )
    url, state = client.authorize_token_url(scope=["activity", "profile"])
    query = urlsplit(url).query
    page = live_http.get(f"/oauth2/authorize?{query}")
    assert page.status_code == 200, page.text
    fields = form_fields(page.text) + [
        ("username", "ann"),
        ("password", "correct horse"),
        ("action", "allow"),
    ]
    params = redirect_params(post_form(live_http, "/oauth2/authorize", fields))
    assert params["state"] == state
    token = client.fetch_access_token(params["code"])
    assert token["user_id"] == user.id and token["scope"] == ["activity", "profile"] and "expires_at" in token
    refreshed = client.refresh_token()
    assert refreshed["refresh_token"] != token["refresh_token"] and saved == [refreshed]
    api = fitbit.Fitbit(
        app.client_id,
        app.secret,
        access_token=refreshed["access_token"],
        refresh_token=refreshed["refresh_token"],
        expires_at=refreshed["expires_at"],
    )
    api.API_ENDPOINT = base
    assert api.user_profile_get()["user"]["encodedId"] == user.id
