"""A bounded schemathesis run against the served ``/openapi.json`` (issue #7 §2, issue #8 "Tests that keep it so"):
every operation, positive and negative examples, sent in-process with a Personal-app owner token holding every scope
(so intraday rows answer), on SQLite and on PostgreSQL (each database its own world).

Checks: no 5xx; every non-2xx body is a Fitbit envelope (classic or Google); every 2xx body is valid against the
operation's response schema (schemathesis' own check, and the row's schema through `assert_success`); no response
takes longer than ``LATENCY_BOUND`` seconds (docs/robustness.md says why 2 s).

The budget is fixed: ``EXAMPLES`` per operation and mode, derandomised (the same requests every run), no shrinking,
and a hard stop at ``TIME_CAP`` seconds per database (cases after that are drawn but not sent; the end of the run
says how many).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fitbit_local.api.openapi import CLASSIC_ERROR, GOOGLE_ERROR, RATE_LIMIT_HEADERS, openapi_document
from fitbit_local.app import create_app
from tests.conformance.checks import ROWS, SUMMARY, schema_errors
from tests.conformance.world import build_world, world_settings
from tests.conftest import PG_URL, POSTGRES_SKIP

# Per operation and generation mode (about 15 s per database on a loaded 2-core machine), and the cap per database;
# a deeper local run: FITBIT_LOCAL_FUZZ_EXAMPLES=200 FITBIT_LOCAL_FUZZ_SECONDS=1200 pytest tests/conformance/test_fuzz.py
EXAMPLES = int(os.environ.get("FITBIT_LOCAL_FUZZ_EXAMPLES", "3"))
TIME_CAP = float(os.environ.get("FITBIT_LOCAL_FUZZ_SECONDS", "30"))
# Seconds any one response may take: an outlier detector, not a benchmark. The slowest request class measured on a
# 2-core machine is well under a quarter of it (docs/robustness.md, "The latency bound").
LATENCY_BOUND = float(os.environ.get("FITBIT_LOCAL_FUZZ_LATENCY", "2.0"))
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
ENVELOPE = jsonschema.Draft202012Validator({"anyOf": [CLASSIC_ERROR, GOOGLE_ERROR]})

OPERATIONS = [
    pytest.param(method, path, id=f"{method.upper()} {path}")
    for path, item in openapi_document()["paths"].items()
    for method in item
]


@dataclass
class Fuzz:
    schema: Any
    headers: dict[str, str]
    deadline: float
    slowest: tuple[float, str] = (0.0, "")
    sent: int = 0
    unsent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzz(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Fuzz]:
    """A world of its own per database (the fuzzer writes profiles) and the schema as the app serves it."""
    backend: str = request.param
    with fuzz_database(backend) as database_url:
        world, close = build_world(world_settings(tmp_path_factory.mktemp(f"fuzz-{backend}"), database_url))
        schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(world.services))
        started = time.monotonic()
        state = Fuzz(schema, {"Authorization": f"Bearer {world.tokens['owner']}"}, started + TIME_CAP)
        yield state
        close()
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(state.statuses.items()))
    slowest, slowest_request = state.slowest
    request.config.stash.setdefault(SUMMARY, []).append(
        f"fuzz ({backend}): {state.sent} requests over {len(OPERATIONS)} operations in"
        f" {time.monotonic() - started:.1f} s ({state.unsent} drawn after the {TIME_CAP:.0f} s cap, not sent);"
        f" statuses {statuses}; slowest {slowest * 1000:.0f} ms ({slowest_request})"
    )


@contextmanager
def fuzz_database(backend: str) -> Iterator[str | None]:
    """None (an SQLite file in the world's directory) or a PostgreSQL schema of the run's own, dropped after."""
    if backend == "sqlite":
        yield None
        return
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    import psycopg

    raw = PG_URL.replace("+psycopg", "")
    schema = f"fuzz_{secrets.token_hex(6)}"
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(raw, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def pinned(operation: Any) -> dict[str, str] | None:
    """Requests read the token's own data (``-``): with a generated id every request stops at the owner check
    (403) before any other parameter is parsed. test_rows covers ids."""
    return {"user-id": "-"} if "user-id" in {p.name for p in operation.path_parameters} else None


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_operation(fuzz: Fuzz, method: str, path: str) -> None:
    operation = fuzz.schema[path][method]
    row = ROWS[operation.definition.raw["x-fitbit-operation"]]

    raw = operation.definition.raw
    negatable = {p["name"] for p in raw.get("parameters", [])} - {"user-id"} or "requestBody" in raw
    for mode in MODES if negatable else MODES[:1]:  # nothing left to make invalid: positive examples only

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=pinned(operation)))
        def run(case: schemathesis.Case) -> None:
            if time.monotonic() > fuzz.deadline:
                fuzz.unsent += 1
                return
            began = time.monotonic()
            response = case.call(headers=fuzz.headers)
            took = time.monotonic() - began
            fuzz.sent += 1
            if took > fuzz.slowest[0]:
                fuzz.slowest = (took, f"{case.method} {case.formatted_path}")
            fuzz.statuses[response.status_code] = fuzz.statuses.get(response.status_code, 0) + 1
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            body = (
                response.json() if response.content or response.status_code != 204 else None
            )  # a DELETE's 204
            seen = f"{case.as_curl_command()}\n→ {response.status_code} {str(body)[:600]}"
            assert took < LATENCY_BOUND, f"{took:.2f} s (bound {LATENCY_BOUND} s): {seen}"
            if 200 <= response.status_code < 300:
                assert not [h for h in RATE_LIMIT_HEADERS if h.lower() not in response.headers], seen
                assert body is not None or not row.response, seen
                assert body is None or not schema_errors(row, body), f"{seen}\n{schema_errors(row, body)}"
            else:
                assert ENVELOPE.is_valid(body), seen

        run()
