"""The case the project started from (shared/seeds/000_…), end to end through HTTP with a real client:

a Server app authorized on the consent page with the seed's scopes gets the profile and the daily heart-rate series,
and the seed's exact 403 on 15-minute Active Zone Minutes; after the app is granted intraday (by the CLI, in another
process) the old token is still refused, a NEW token works, and the 15-minute AZM add up to the day's AZM. A Personal
app gets its owner's intraday data at once, and no one else's.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import fitbit
import pytest
from fitbit.api import FitbitOauth2Client

from fitbit_local.sources.load import store_synthetic_days
from tests.factories import SEED_SCOPES, make_app, make_user
from tests.oauth.helpers import PASSWORD, REDIRECT, get_code

SEED_403 = {
    "error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}
}
END = date(2026, 2, 12)  # the forum post is from 2026-02-13
START = END - timedelta(days=2)


@pytest.fixture
def http(live_http):
    """Every request of the scenario goes over a real socket, the consent walk included."""
    return live_http


@pytest.fixture
def world(services, http, live_server, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    for name in ("authorization_url",):
        monkeypatch.setattr(FitbitOauth2Client, name, f"{live_server.base_url}/oauth2/authorize")
    for name in ("request_token_url", "access_token_url", "refresh_token_url"):
        monkeypatch.setattr(FitbitOauth2Client, name, f"{live_server.base_url}/oauth2/token")
    monkeypatch.setattr(fitbit.Fitbit, "API_ENDPOINT", live_server.base_url)
    ann = make_user(services, "ann", PASSWORD, timezone="America/Chicago", birth_date=date(1990, 5, 1))
    store_synthetic_days(services.store, ann, days=(END - START).days + 1, end=END, seed=13)
    return ann


def consent_and_exchange(http, app, user_name: str = "ann") -> fitbit.Fitbit:
    """The user consents in the browser flow; python-fitbit exchanges the code like a real integration."""
    code = get_code(http, app.client_id, scope=SEED_SCOPES, redirect_uri=REDIRECT, username=user_name)
    client = fitbit.Fitbit(app.client_id, app.secret, redirect_uri=REDIRECT, refresh_cb=lambda token: None)
    token = client.client.fetch_access_token(code, REDIRECT)
    assert set(token) >= {"access_token", "refresh_token", "expires_in", "scope", "token_type", "user_id"}
    return client


def azm_15min(client: fitbit.Fitbit):
    url = f"{client.API_ENDPOINT}/1/user/-/activities/active-zone-minutes/date/{START}/{END}/15min.json"
    return client.client.session.request("GET", url)


def test_server_app_then_intraday_grant_then_new_token(world, services, http):
    app = make_app(services, "server", redirect_uris=[REDIRECT])
    client = consent_and_exchange(http, app)
    assert client.user_profile_get()["user"]["encodedId"] == world.id
    heart = client.time_series("activities/heart", base_date=START, end_date=END)["activities-heart"]
    assert [day["dateTime"] for day in heart] == [str(START + timedelta(days=i)) for i in range(3)]
    assert all(len(day["value"]["heartRateZones"]) == 4 for day in heart)

    denied = azm_15min(client)
    assert denied.status_code == 403
    assert denied.json() == SEED_403

    # The developer gets the intraday grant; the CLI changes the app from another process.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "fitbit_local",
            "apps",
            "update",
            "--database-url",
            services.settings.database_url,
            app.client_id,
            "--intraday",
        ],
        check=True,
        capture_output=True,
    )
    assert (
        azm_15min(client).json() == SEED_403
    )  # "You must generate a new access token after saving this change"

    fresh = consent_and_exchange(http, app)
    allowed = azm_15min(fresh)
    assert allowed.status_code == 200
    days = allowed.json()["activities-active-zone-minutes-intraday"]
    series = fresh.time_series("activities/active-zone-minutes", base_date=START, end_date=END)
    daily = {d["dateTime"]: d["value"]["activeZoneMinutes"] for d in series["activities-active-zone-minutes"]}
    assert daily, "the synthetic days have some Active Zone Minutes"
    for day in days:
        total = sum(m["value"]["activeZoneMinutes"] for m in day["minutes"])
        assert total == daily.get(day["dateTime"], 0)
        assert all(m["minute"].startswith(day["dateTime"]) for m in day["minutes"])


def test_personal_app_gets_its_owners_intraday_data_only(world, services, http):
    app = make_app(services, "personal", redirect_uris=[REDIRECT], owner=world.id)
    client = consent_and_exchange(http, app)
    allowed = azm_15min(client)
    assert allowed.status_code == 200
    heart = client.intraday_time_series("activities/heart", base_date=END, detail_level="1min")
    assert heart["activities-heart-intraday"]["datasetType"] == "minute"
    assert len(heart["activities-heart-intraday"]["dataset"]) > 1000
    make_user(services, "bob", PASSWORD)
    page = http.get(
        "/oauth2/authorize",
        params={
            "client_id": app.client_id,
            "response_type": "code",
            "scope": SEED_SCOPES,
            "redirect_uri": REDIRECT,
        },
    )
    from tests.oauth.helpers import page_error, submit

    refused = submit(http, page, username="bob")
    assert refused.status_code == 400 and "location" not in refused.headers
    assert page_error(refused).startswith('unauthorized_client - A "Personal" application')


def test_switching_a_server_app_to_personal_needs_a_new_token(world, services, http):
    app = make_app(services, "server", redirect_uris=[REDIRECT])
    client = consent_and_exchange(http, app)
    assert azm_15min(client).status_code == 403
    services.store.apps.update(app.client_id, app_type="personal", owner_user_id=world.id)
    assert azm_15min(client).json() == SEED_403
    assert azm_15min(consent_and_exchange(http, app)).status_code == 200
