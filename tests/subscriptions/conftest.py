"""Fixtures: a server with its notification worker running (uvicorn on loopback with the app's lifespan, as
``fitbit-local serve`` runs it), a user, an app with a token, and a real subscriber endpoint registered for it."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn

from fitbit_local.app import create_app
from fitbit_local.config import Settings
from fitbit_local.notify.subscribers import add_subscriber
from fitbit_local.services import Services
from fitbit_local.store.users import User
from tests.conftest import free_port
from tests.factories import RegisteredApp, bearer, issue_token, make_app, make_user
from tests.subscriptions.subscriber import Subscriber

NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)


@dataclass
class NotifyServer:
    """uvicorn with lifespan on: the app starts its notification worker as ``serve`` does."""

    services: Services
    base_url: str = ""
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def start(self) -> NotifyServer:
        port = free_port()
        config = uvicorn.Config(
            create_app(self.services), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline and self._thread.is_alive(), "the server did not start"
            time.sleep(0.01)
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=15)


@pytest.fixture
def notify_settings(settings: Settings) -> Settings:
    return replace(settings, notify_interval=0.05)


@pytest.fixture
def world(notify_settings: Settings) -> Iterator[World]:
    services = Services.build(notify_settings)
    services.clock.set(NOON, frozen=True)
    user = make_user(services, timezone="America/New_York")
    app = make_app(services, "server", name="subscribing app")
    token = str(issue_token(services, app.client_id, user.id)["access_token"])
    subscriber = Subscriber(code=secrets.token_hex(16), secret=app.secret).start()
    yield World(services, user, app, token, subscriber)
    subscriber.stop()
    services.store.close()


@dataclass
class World:
    services: Services
    user: User
    app: RegisteredApp
    token: str
    subscriber: Subscriber

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)

    def register(self, **kw: object) -> None:
        add_subscriber(
            self.services,
            self.app.client_id,
            url=self.subscriber.url,
            client_secret=self.app.secret,
            verification_code=self.subscriber.code,
            **kw,  # type: ignore[arg-type]
        )


@pytest.fixture
def server(world: World) -> Iterator[NotifyServer]:
    running = NotifyServer(world.services).start()
    yield running
    running.stop()


@pytest.fixture
def api(server: NotifyServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        yield client
