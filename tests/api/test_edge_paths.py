"""Paths as clients send them: a doubled slash from a base URL ending in ``/`` (py-fitbit's default host)."""

from __future__ import annotations

import httpx

from fitbit_local.services import Services
from tests.factories import bearer, issue_token, make_app, make_user


def test_doubled_slashes_route_like_single_ones(services: Services, http: httpx.Client) -> None:
    user = make_user(services)
    app = make_app(services, "personal", owner=user.id)
    token = issue_token(services, app.client_id, user.id)
    base = str(http.base_url).rstrip("/")
    single = http.get(f"{base}/1/user/-/profile.json", headers=bearer(token))
    doubled = http.get(f"{base}//1/user/-/profile.json", headers=bearer(token))
    assert httpx.URL(f"{base}//1/user/-/profile.json").raw_path == b"//1/user/-/profile.json"
    assert single.status_code == doubled.status_code == 200 and doubled.json() == single.json()
    inner = http.get(f"{base}/1/user//-/profile.json?a=b//c", headers=bearer(token))
    assert inner.status_code == 200

    form = {"token": str(token["access_token"])}
    introspect = http.post(f"{base}//1.1/oauth2/introspect", data=form, headers=bearer(token))
    assert introspect.status_code == 200 and introspect.json()["active"] is True
    assert http.get(f"{base}//1/user/-/nothing-here.json", headers=bearer(token)).status_code == 404
