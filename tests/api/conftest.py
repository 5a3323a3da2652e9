"""A user with a few synthetic days, a Personal app they own (intraday allowed) and a token, reached through the
app in-process (``world``) or through a real server on a loopback port (``live_world``, for real client libraries)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from fitbit_local.config import Settings
from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.store.users import User
from tests.conftest import in_process, start_server
from tests.factories import bearer, issue_token, make_app, make_user

END = date(2024, 3, 10)  # last day with data; END-2 .. END are stored
FIRST = date(2024, 3, 8)
SEED = 7


@dataclass
class World:
    services: Services
    http: httpx.Client
    user: User
    token: dict[str, object]

    def get(self, path: str, token: dict[str, object] | None = None, **headers: str) -> httpx.Response:
        return self.http.get(path, headers={**bearer(token or self.token), **headers})

    def ok(self, path: str, **headers: str) -> Any:
        response = self.get(path, **headers)
        assert response.status_code == 200, response.text
        return response.json()

    def error(self, path: str, status: int = 400) -> dict[str, Any]:
        response = self.get(path)
        assert response.status_code == status, response.text
        body = response.json()
        assert body["success"] is False
        return body["errors"][0]


def build_world(services: Services, http: httpx.Client) -> World:
    user = make_user(
        services, timezone="America/New_York", sex="FEMALE", birth_date=date(1985, 5, 5), weight_kg=62.0
    )
    assert store_synthetic_days(services.store, user, days=3, end=END, seed=SEED) == 3
    app = make_app(services, "personal", owner=user.id)
    return World(services, http, user, issue_token(services, app.client_id, user.id))


def world_services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    return Services.build(
        Settings(
            data_dir=str(tmp_path_factory.mktemp("api")),
            database_url=None,
            rate_limit=100_000,
            rate_limit_backend="memory",
        )
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Shared by a module's read-only tests (building it per test would dominate the run time)."""
    services = world_services(tmp_path_factory)
    with in_process(services) as open_client:
        yield build_world(services, open_client())
    services.store.close()


@pytest.fixture(scope="module")
def live_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The same world on a real uvicorn server, for real client libraries (python-fitbit over requests)."""
    services = world_services(tmp_path_factory)
    running = start_server(services)
    with httpx.Client(base_url=running.base_url, timeout=30) as client:
        yield build_world(services, client)
    running.stop()
    services.store.close()


@pytest.fixture
def fresh_world(services: Services, http: httpx.Client) -> World:
    """A world of its own, for tests that change state (travel, app settings)."""
    return build_world(services, http)


@pytest.fixture
def client(live_world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    """python-fitbit 0.3.1 (what Home Assistant uses) pointed at the live world's server, with its token; its
    requests carry no Accept-Language, so Fitbit's default en_US units apply (pounds, fl oz)."""
    fitbit = pytest.importorskip("fitbit")
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setattr(fitbit.Fitbit, "API_ENDPOINT", str(live_world.http.base_url).rstrip("/"))
    return fitbit.Fitbit(
        "client",
        "secret",
        access_token=str(live_world.token["access_token"]),
        refresh_token="r" * 64,
        expires_at=4_102_444_800,
    )
