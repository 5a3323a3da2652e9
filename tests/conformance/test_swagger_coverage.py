"""Coverage against Fitbit's official Swagger (issue #7 §2): every official operation is served or listed as not
yet served, the list is honest, and the served count never goes down.

The Swagger is a copy of shared/spec/fitbit-web-api-swagger.json (provenance in docs/conformance.md), kept in the
repository so this test never depends on what lies beside the clone.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from fitbit_local.api.families import endpoint_rows
from fitbit_local.api.registry import Endpoint
from fitbit_local.api.swagger_map import (
    NOT_YET_SERVED,
    SERVED_OUTSIDE_REGISTRY,
    Coverage,
    OfficialOperation,
    coverage,
)
from tests.conformance.checks import ROWS, SUMMARY, assert_success, described
from tests.conformance.examples import END, WINDOW, base_example, classic, iso

SWAGGER = Path(__file__).parent / "data" / "fitbit-web-api-swagger.json"
SWAGGER_SHA256 = "20ea006b50e6db80deb95c50f86dc0195f031c9ed924895cb6aa5754ca8d2ccb"  # reference §1.1
SERVED_FLOOR = (
    54  # served operations on 2026-12-01 (issue 10's branch); raise it as families land, never lower it
)

# A value for each placeholder of the official paths, so each operation can be sent as the Swagger writes it.
SAMPLES = {
    "date": iso(END),
    "base-date": iso(END),
    "start-date": iso(END),
    "startDate": iso(END),
    "end-date": iso(END),
    "endDate": iso(END),
    "period": "7d",
    "detail-level": "1min",
    "resource-path": "steps",
    "start-time": WINDOW[0],
    "end-time": WINDOW[1],
    "collection-path": "activities",
    "goal-type": "weight",
}


def load_swagger() -> dict[str, Any]:
    return json.loads(SWAGGER.read_text())


@pytest.fixture(scope="module")
def result() -> Coverage:
    return coverage(load_swagger(), endpoint_rows())


def concrete_path(op: OfficialOperation) -> str:
    """The operation's path with every placeholder filled in (``{date}.json`` segments included)."""
    out = op.path
    for name in _placeholders(op.path):
        out = out.replace("{" + name + "}", SAMPLES.get(name, "1"))
    return out


def _placeholders(path: str) -> list[str]:
    return [segment.split("}")[0] for segment in path.split("{")[1:]]


def test_the_copy_is_the_official_file() -> None:
    assert hashlib.sha256(SWAGGER.read_bytes()).hexdigest() == SWAGGER_SHA256


def test_every_official_operation_is_served_or_listed(result: Coverage) -> None:
    assert result.unaccounted == [], "map these to a row or list them in swagger_map.NOT_YET_SERVED"
    assert len({op.operation_id for op in result.operations}) == result.total == 123  # reference §1.1


def test_the_not_yet_served_list_is_honest(result: Coverage) -> None:
    assert result.listed_but_served == [], "served now: take them off swagger_map.NOT_YET_SERVED"
    official = {op.operation_id for op in result.operations}
    assert sorted(NOT_YET_SERVED - official) == [], "listed, but not an official operation"
    assert sorted(set(SERVED_OUTSIDE_REGISTRY) - official) == []


def test_served_count_never_goes_down(request: pytest.FixtureRequest, result: Coverage) -> None:
    print(result.summary())
    request.config.stash.setdefault(SUMMARY, []).append(result.summary())
    assert result.served >= SERVED_FLOOR, result.summary()


def _operations(kind: str) -> list[Any]:
    result = coverage(load_swagger(), endpoint_rows())
    chosen = {
        "row": result.by_row,
        "outside": result.outside_registry,
        "not served": result.not_yet_served,
    }[kind]
    return [
        pytest.param(op, id=f"{op.operation_id}") for op in result.operations if op.operation_id in chosen
    ]


def send(sqlite_worlds, op: OfficialOperation, row: Endpoint | None = None):  # type: ignore[no-untyped-def]
    """The official path with sample values. For a served row, what the sample values cannot name comes from the
    row's own example: an entity a write creates first (a log, an alarm), a path value with its own vocabulary
    (``daily``, a catalogue activity id), and the required query and form parameters."""
    world = sqlite_worlds[True]  # the world that may be written to: POSTs go out as the Swagger writes them
    path, query, form = concrete_path(op), "", {}
    if row is not None:
        example = world.with_created(base_example(row))
        own = [
            p
            for p in row.path_params
            if p.created_by or p.name not in SAMPLES or (p.name == "period" and not row.periods)
        ]
        filled = SAMPLES | {p.name: example.values[p.key] for p in own}
        path = op.path
        for name in _placeholders(op.path):
            path = path.replace("{" + name + "}", filled.get(name, "1"))
        query = "?" + urlencode(example.query) if example.query else ""
        form = dict(example.form)
    return world.client.request(
        op.method, path + query, headers={"Authorization": f"Bearer {world.tokens['owner']}"}, data=form
    )


@pytest.mark.parametrize("op", _operations("row"))
def test_served_operation_answers_as_the_swagger_writes_it(
    sqlite_worlds, result: Coverage, op: OfficialOperation
) -> None:
    """The official path with sample values (the user as ``-``) is answered by its row with a valid success."""
    row = ROWS[result.by_row[op.operation_id]]
    assert_success(send(sqlite_worlds, op, row), row)


@pytest.mark.parametrize("op", _operations("outside"))
def test_operation_served_outside_the_registry_is_routed(sqlite_worlds, op: OfficialOperation) -> None:
    response = send(sqlite_worlds, op)
    assert response.status_code not in (404, 405), described(response)


@pytest.mark.parametrize("op", _operations("not served"))
def test_not_yet_served_operation_is_fitbits_not_found(sqlite_worlds, op: OfficialOperation) -> None:
    response = send(sqlite_worlds, op)
    assert response.status_code == 404, described(response)
    assert response.json() == classic("api_not_found"), described(response)
