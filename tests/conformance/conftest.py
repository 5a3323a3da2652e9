"""Worlds for the conformance suite (world.py), built once per session and database. Rows that write get a world of
their own (`Worlds.for_row`), so what a write changes is never seen by the read checks."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from fitbit_local.api.registry import Endpoint
from tests.conformance.checks import SUMMARY
from tests.conformance.world import World, build_world, world_settings
from tests.conftest import PG_URL, POSTGRES_SKIP


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
