"""Worlds for the conformance suite: one user with a few synthetic days, an app of every kind with its token, and an
in-process client (no server thread, no port), built once per session and database through the public store and
token APIs (tests/factories.py).

The sandbox clock is frozen at noon of the user's ``END`` day, so ``today`` is a day with data and no token expires
mid-run; the expired token was issued nine hours before that (code-flow tokens live eight). Rows that write get a
world of their own (`Worlds.for_row`), so what a write changes is never seen by the read checks.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.testclient import TestClient

from fitbit_local.api.registry import Endpoint
from fitbit_local.app import create_app
from fitbit_local.config import Settings
from fitbit_local.oauth.scopes import ALL_SCOPES
from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.store.users import User
from tests.conformance.checks import SUMMARY
from tests.conformance.examples import DATA_DAYS, END, Example
from tests.conftest import PG_URL, POSTGRES_SKIP
from tests.factories import bearer, issue_token, make_app, make_user

TIMEZONE = "America/New_York"
NOON = datetime(END.year, END.month, END.day, 12, tzinfo=ZoneInfo(TIMEZONE))
SEED = 7


@dataclass
class World:
    services: Services
    client: httpx.Client
    user: User
    other: User  # a second user: owner of the Personal app `user` must not read intraday with
    tokens: dict[str, str] = field(default_factory=dict)

    def token_without(self, scope: str) -> str:
        """A Server-app token with every scope but `scope` (made on first use)."""
        name = f"without:{scope}"
        if name not in self.tokens:
            app = make_app(self.services, "server", name=f"no {scope}", intraday=True)
            granted = " ".join(s for s in ALL_SCOPES if s != scope)
            self.tokens[name] = str(
                issue_token(self.services, app.client_id, self.user.id, granted)["access_token"]
            )
        return self.tokens[name]

    def send(self, example: Example, token: str | None = "owner", **headers: str) -> httpx.Response:
        """`example` as an HTTP request; `token` names one of `tokens` (None: no Authorization header)."""
        if token is not None:
            headers = {**bearer(self.tokens.get(token, token)), **headers}
        if example.row.method == "GET":
            return self.client.get(example.path, headers=headers)
        return self.client.request(example.row.method, example.path, headers=headers, data=dict(example.form))


def build_world(settings: Settings) -> tuple[World, Callable[[], None]]:
    services = Services.build(settings)
    clock = services.clock
    user = make_user(services, timezone=TIMEZONE, sex="FEMALE", birth_date=date(1985, 5, 5), weight_kg=62.0)
    other = make_user(services, name="bob", timezone=TIMEZONE)
    assert store_synthetic_days(services.store, user, days=DATA_DAYS, end=END, seed=SEED) == DATA_DAYS

    clock.set(NOON - timedelta(hours=9), frozen=True)
    stale = make_app(services, "server", name="stale", intraday=True)
    expired = issue_token(services, stale.client_id, user.id)
    clock.set(NOON, frozen=True)

    apps = {
        "owner": make_app(services, "personal", name="personal", owner=user.id),
        "server": make_app(services, "server", name="server"),
        "server_intraday": make_app(services, "server", name="server+intraday", intraday=True),
        "read_only": make_app(services, "server", name="read-only", read_only=True, intraday=True),
        "non_owner": make_app(services, "personal", name="bob's personal", owner=other.id),
    }
    tokens = {
        name: str(issue_token(services, app.client_id, user.id)["access_token"]) for name, app in apps.items()
    }
    tokens["expired"] = str(expired["access_token"])
    client = TestClient(create_app(services), raise_server_exceptions=False)  # type: ignore[arg-type]
    client.__enter__()

    def close() -> None:
        client.__exit__(None, None, None)
        services.store.close()

    return World(services, client, user, other, tokens), close


def world_settings(data_dir: Path, database_url: str | None) -> Settings:
    return Settings(
        data_dir=str(data_dir), database_url=database_url, rate_limit=1_000_000, rate_limit_backend="memory"
    )


@pytest.fixture(scope="session")
def sqlite_worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bool, World]]:
    """{writes?: world} on SQLite files."""
    built = {
        write: build_world(world_settings(tmp_path_factory.mktemp("conformance"), None))
        for write in (False, True)
    }
    yield {write: world for write, (world, _) in built.items()}
    for _, close in built.values():
        close()


@pytest.fixture(scope="session")
def postgresql_worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[bool, World]]:
    """{writes?: world}, each in a PostgreSQL schema of its own (dropped afterwards)."""
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    import psycopg

    raw = PG_URL.replace("+psycopg", "")
    schemas = {write: f"conf_{secrets.token_hex(6)}" for write in (False, True)}
    with psycopg.connect(raw, autocommit=True) as conn:
        for schema in schemas.values():
            conn.execute(f"CREATE SCHEMA {schema}")
    built = {
        write: build_world(
            world_settings(
                tmp_path_factory.mktemp("conformance-pg"), f"{PG_URL}?options=-csearch_path%3D{schema}"
            )
        )
        for write, schema in schemas.items()
    }
    yield {write: world for write, (world, _) in built.items()}
    for _, close in built.values():
        close()
    with psycopg.connect(raw, autocommit=True) as conn:
        for schema in schemas.values():
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@dataclass
class Worlds:
    request: pytest.FixtureRequest

    def for_row(self, backend: str, row: Endpoint) -> World:
        worlds: dict[bool, Any] = self.request.getfixturevalue(f"{backend}_worlds")
        return worlds[row.write]  # type: ignore[no-any-return]


@pytest.fixture
def worlds(request: pytest.FixtureRequest) -> Worlds:
    return Worlds(request)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for line in config.stash.get(SUMMARY, []):
        terminalreporter.write_line(line)
