"""The console over HTTP: who may open it (loopback, or signed in with the admin token; never an API token), CSRF on
every form, and its actions doing what the CLI does."""

from __future__ import annotations

import re

import httpx
import pytest
from anyio.from_thread import start_blocking_portal

from fitbit_local.app import create_app
from fitbit_local.services import Services
from tests.conftest import BASE_URL, InProcessTransport
from tests.factories import bearer, issue_token, make_app, make_user


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, "the page has no form with a CSRF field"
    return found.group(1)


def post_form(http: httpx.Client, page_path: str, action: str, data: dict[str, str]) -> httpx.Response:
    """Open the page (which sets the CSRF cookie), then submit one of its forms with the token."""
    page = http.get(page_path)
    assert page.status_code == 200, page.text
    return http.post(action, data={**data, "csrf": csrf_of(page)})


def test_root_leads_to_the_console_and_api_paths_are_unchanged(http: httpx.Client) -> None:
    assert http.get("/").headers["location"] == "/console/"
    page = http.get("/console/")
    assert page.status_code == 200 and "fitbit-local console" in page.text
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert http.get("/console/nothing").status_code == 404
    assert http.get("/nothing").json()["errors"][0]["errorType"] == "not_found"


def test_every_form_needs_its_csrf_token(http: httpx.Client, services: Services) -> None:
    http.get("/console/apps/new")  # the CSRF cookie is set
    refused = http.post(
        "/console/apps", data={"name": "X", "app_type": "server", "redirect_uris": "https://a.example/cb"}
    )
    assert refused.status_code == 403
    forged = http.post("/console/apps", data={"name": "X", "csrf": "0" * 43})
    assert forged.status_code == 403
    cross_site = http.post(
        "/console/sandbox/reset",
        data={"csrf": csrf_of(http.get("/console/sandbox"))},
        headers={"Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    assert services.store.apps.list() == []


def test_registering_an_app_shows_the_secret_once_and_it_works(
    http: httpx.Client, services: Services
) -> None:
    created = post_form(
        http,
        "/console/apps/new",
        "/console/apps",
        {
            "name": "DPR105",
            "description": "the seed's app",
            "website": "https://dpr.example",
            "organization": "DPR",
            "organization_website": "https://dpr.example",
            "terms_url": "https://dpr.example/terms",
            "privacy_url": "https://dpr.example/privacy",
            "app_type": "server",
            "redirect_uris": "https://dpr.example/cb\nhttp://127.0.0.1:9/console/callback",
            "access": "read-only",
        },
    )
    assert created.status_code == 200, created.text
    client_id = re.search(r'id="client-id">([A-Z0-9]{6})<', created.text).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="client-secret">([0-9a-f]+)<', created.text).group(1)  # type: ignore[union-attr]
    app = services.store.apps.get(client_id)
    assert app is not None and app.read_only and app.app_type == "server"
    assert app.redirect_uris == ("https://dpr.example/cb", "http://127.0.0.1:9/console/callback")
    assert services.store.app_details.get(client_id)["terms_url"] == "https://dpr.example/terms"
    for url in ("/oauth2/authorize", "/oauth2/token"):
        assert url in created.text
    shown_again = http.get(f"/console/apps/{client_id}")
    assert secret not in shown_again.text and "client-secret" not in shown_again.text
    # the secret authenticates at the token endpoint (a bad code, not a bad client)
    answer = http.post(
        "/oauth2/token", data={"grant_type": "authorization_code", "code": "x"}, auth=(client_id, secret)
    )
    assert answer.status_code == 400
    regenerated = post_form(http, f"/console/apps/{client_id}", f"/console/apps/{client_id}/secret", {})
    new_secret = re.search(r'id="client-secret">([0-9a-f]+)<', regenerated.text).group(1)  # type: ignore[union-attr]
    assert new_secret != secret
    old = http.post(
        "/oauth2/token", data={"grant_type": "authorization_code", "code": "x"}, auth=(client_id, secret)
    )
    assert old.status_code == 401


def test_a_bad_registration_is_shown_on_the_form(http: httpx.Client, services: Services) -> None:
    answer = post_form(
        http,
        "/console/apps/new",
        "/console/apps",
        {"name": "X", "app_type": "server", "redirect_uris": "http://example.com/cb", "website": "ftp://x"},
    )
    assert answer.status_code == 400
    assert "must be an http(s) URL" in answer.text
    assert services.store.apps.list() == []


def test_the_intraday_switch_and_the_seed_case(http: httpx.Client, services: Services) -> None:
    user = make_user(services)
    app = make_app(services, "server")
    path = "/1/user/-/activities/active-zone-minutes/date/today/1d/15min.json"
    assert http.get(path, headers=bearer(issue_token(services, app.client_id, user.id))).status_code == 403
    switched = post_form(
        http, f"/console/apps/{app.client_id}", f"/console/apps/{app.client_id}/intraday", {"intraday": "on"}
    )
    assert 'id="intraday-state">granted<' in switched.text
    assert services.store.apps.get(app.client_id).intraday  # type: ignore[union-attr]
    assert http.get(path, headers=bearer(issue_token(services, app.client_id, user.id))).status_code == 200


def test_users_charts_and_revoking_an_app(http: httpx.Client, services: Services) -> None:
    created = post_form(
        http,
        "/console/users",
        "/console/users",
        {
            "name": "carol",
            "password": "pw-carol-123",
            "timezone": "Europe/Berlin",
            "synthetic_days": "2",
            "seed": "3",
        },
    )
    assert created.status_code == 303
    user = services.store.users.find("carol")
    assert user is not None and user.current_timezone == "Europe/Berlin"
    app = make_app(services, "server")
    issue_token(services, app.client_id, user.id, "activity heartrate")
    page = http.get(f"/console/users/{user.id}")
    for chart in ("steps", "resting-heart-rate", "azm", "sleep"):
        assert f'data-chart="{chart}"' in page.text
    assert app.client_id in page.text and "activity, heartrate" in page.text
    post_form(
        http, f"/console/users/{user.id}", f"/console/users/{user.id}/revoke", {"client_id": app.client_id}
    )
    assert services.store.grants.grant(app.client_id, user.id) is None
    assert http.get(f"/console/users/{user.id}/day/2020-01-01").status_code == 200
    assert http.get("/console/users/NOBODY").status_code == 404


def test_sandbox_controls(http: httpx.Client, services: Services) -> None:
    answer = post_form(
        http,
        "/console/sandbox",
        "/console/sandbox/clock",
        {"action": "set", "instant": "2026-11-23T18:00:00Z", "frozen": "on"},
    )
    assert answer.status_code == 303
    assert services.clock.describe()["now"].startswith("2026-11-23T18:00:00")
    post_form(http, "/console/sandbox", "/console/sandbox/clock", {"action": "advance", "duration": "1h"})
    assert services.clock.describe()["now"].startswith("2026-11-23T19:00:00")
    bad = post_form(
        http, "/console/sandbox", "/console/sandbox/clock", {"action": "advance", "duration": "soon"}
    )
    assert bad.status_code == 400 and "not a duration" in bad.text
    post_form(http, "/console/sandbox", "/console/sandbox/faults", {"error": "maintenance", "count": "2"})
    assert [f.error_key for f in services.store.faults.list_faults()] == ["maintenance"]
    post_form(http, "/console/sandbox", "/console/sandbox/reset", {})
    assert services.store.faults.list_faults() == [] and not services.clock.describe()["frozen"]


def test_the_explorer_mints_a_token_and_tries_a_path(services: Services, live_http: httpx.Client) -> None:
    user = make_user(services)
    app = make_app(services, "personal", owner=user.id)
    minted = post_form(
        live_http,
        "/console/explorer",
        "/console/explorer/token",
        {"app": app.client_id, "user": user.id, "scope": "profile"},
    )
    assert "Token minted" in minted.text
    tried = post_form(
        live_http,
        "/console/explorer",
        "/console/explorer/try",
        {"method": "GET", "path": "/1/user/-/profile.json"},
    )
    assert 'class="status">200<' in tried.text and user.id in tried.text
    refused = post_form(
        live_http,
        "/console/explorer",
        "/console/explorer/try",
        {"method": "GET", "path": "/1/user/-/activities/heart/date/today/1d.json"},
    )
    assert 'class="status">403<' in refused.text and "scope: getHeartByDatePeriod needs" in refused.text


def test_with_an_admin_token_the_console_needs_signing_in(
    http: httpx.Client, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FITBIT_LOCAL_ADMIN_TOKEN", "s3cret-admin")
    user = make_user(services)
    app = make_app(services, "server")
    assert http.get("/console/apps").headers["location"] == "/console/login"
    api_token = bearer(issue_token(services, app.client_id, user.id))
    assert http.get("/console/apps", headers=api_token).headers["location"] == "/console/login"
    wrong = post_form(http, "/console/login", "/console/login", {"token": "guess"})
    assert wrong.status_code == 401
    right = post_form(http, "/console/login", "/console/login", {"token": "s3cret-admin"})
    assert right.status_code == 303
    assert http.get("/console/apps").status_code == 200
    post_form(http, "/console/apps", "/console/logout", {})
    assert http.get("/console/apps").status_code == 303


def test_without_an_admin_token_only_loopback_clients_are_answered(services: Services) -> None:
    app = create_app(services)
    with start_blocking_portal() as portal:
        transport = InProcessTransport(app, portal)
        transport._asgi = httpx.ASGITransport(app, client=("192.0.2.7", 5000))  # type: ignore[arg-type]
        with httpx.Client(transport=transport, base_url=BASE_URL) as remote:
            answer = remote.get("/console/")
            assert answer.status_code == 403 and "loopback" in answer.text
            assert remote.get("/1/user/-/profile.json").status_code == 401  # the API answers everyone


def test_the_demo_output_starts_with_the_console(
    services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    from fitbit_local.demo import Demo, print_demo

    user = make_user(services)
    app = make_app(services, "server")
    print_demo(Demo(users=[user], apps=[(app.app, app.secret)]), "http://127.0.0.1:8080", "--data d")
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("Console: http://127.0.0.1:8080/console/")
