"""The conformance world: one user with a few synthetic days, an app of every kind with its token, and an
in-process client (no server thread, no port), built through the public store and token APIs (tests/factories.py).

The sandbox clock is frozen at noon of the user's ``END`` day, so ``today`` is a day with data and no token expires
mid-run; the expired token was issued nine hours before that (code-flow tokens live eight).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from starlette.testclient import TestClient

from fitbit_local.app import create_app
from fitbit_local.config import Settings
from fitbit_local.oauth.scopes import ALL_SCOPES
from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.store.users import User
from tests.conformance.examples import DATA_DAYS, END, Example, base_example, parse_created
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
    server_client_id: str = ""  # the Server app fresh users' tokens are issued for (`counterpart`)
    fresh_tokens: set[str] = field(default_factory=set)

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
        """`example` as an HTTP request; `token` names one of `tokens` (None: no Authorization header). Values that
        name an entity a write creates are made first through the creating row (see `with_created`)."""
        example = self.with_created(example, token)
        if token is not None:
            headers = {**bearer(self.tokens.get(token, token)), **headers}
        if example.row.method == "GET":
            return self.client.get(example.path, headers=headers)
        return self.client.request(example.row.method, example.path, headers=headers, data=dict(example.form))

    def counterpart(self, token: str | None) -> str:
        """Another user's token: a fresh user's when `token` is the world user's, else the world user's own."""
        if token in self.fresh_tokens:
            return "owner"
        fresh = make_user(self.services, name=f"friend{len(self.fresh_tokens) + 1}", timezone=TIMEZONE)
        issued = str(issue_token(self.services, self.server_client_id, fresh.id)["access_token"])
        self.fresh_tokens.add(issued)
        return issued

    def with_created(self, example: Example, token: str | None = "owner") -> Example:
        """Path and form values that are created-entity markers, replaced by the id the creating row's base example
        returns, sent by the world's user (the owner app) or, for `created_by_other_user`, by `counterpart`."""
        from tests.conformance.checks import ROWS, assert_success

        made: dict[str, dict[str, str]] = {"values": {}, "form": {}}
        for where, values in (("values", example.values), ("form", example.form)):
            for key, value in values.items():
                creator = parse_created(value)
                if creator is None:
                    continue
                row_name, pointer, by_other = creator
                actor = self.counterpart(token) if by_other else "owner"
                body = assert_success(self.send(base_example(ROWS[row_name]), token=actor), ROWS[row_name])
                for part in pointer.strip("/").split("/"):
                    body = body[int(part)] if isinstance(body, list) else body[part]
                made[where][key] = str(body)
        if not made["values"] and not made["form"]:
            return example
        return replace(
            example, values={**example.values, **made["values"]}, form={**example.form, **made["form"]}
        )


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

    return World(services, client, user, other, tokens, apps["server"].client_id), close


def world_settings(data_dir: Path, database_url: str | None) -> Settings:
    return Settings(
        data_dir=str(data_dir), database_url=database_url, rate_limit=1_000_000, rate_limit_backend="memory"
    )
