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

import pytest

from fitbit_local.api.families import endpoint_rows
from fitbit_local.api.registry import Endpoint, Param
from fitbit_local.api.swagger_map import (
    NOT_YET_SERVED,
    PLACEHOLDER_ALIASES,
    SERVED_OUTSIDE_REGISTRY,
    Coverage,
    OfficialOperation,
    coverage,
)
from tests.conformance.checks import ROWS, SUMMARY, assert_success, described
from tests.conformance.examples import (
    END,
    WINDOW,
    Example,
    base_example,
    created_marker,
    iso,
    param_value,
)

SWAGGER = Path(__file__).parent / "data" / "fitbit-web-api-swagger.json"
SWAGGER_SHA256 = "20ea006b50e6db80deb95c50f86dc0195f031c9ed924895cb6aa5754ca8d2ccb"  # reference §1.1
SERVED_FLOOR = 123  # every official operation (issues 7 and 10–13); never lower it

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
    "collection-path": "",  # optional in Fitbit's path: empty is the all-collections form (the edge folds the "//")
    "goal-type": "weight",
}


def load_swagger() -> dict[str, Any]:
    return json.loads(SWAGGER.read_text())


@pytest.fixture(scope="module")
def result() -> Coverage:
    return coverage(load_swagger(), endpoint_rows())


def concrete_path(op: OfficialOperation, row: Endpoint | None = None, world: Any = None) -> str:
    """The operation's path with every placeholder filled in (``{date}.json`` segments included). For an operation
    a row serves: a resource the row serves, and an entity the row's parameter says a write creates, made first."""
    out = op.path
    params = {p.name: p for p in row.path_params} if row is not None else {}
    for name in _placeholders(op.path):
        value = SAMPLES.get(name, "1")
        param = params.get(name) or params.get(PLACEHOLDER_ALIASES.get(name, name))
        if row is not None and name == "resource-path" and row.resources:
            value = next(iter(row.resources))
        elif param is not None and param.created_by is not None and world is not None:
            value = created_id(world, param)
        elif param is not None and (name not in SAMPLES or (name == "period" and not row.periods)):
            value = param_value(param)  # the row's own valid value (its schema's examples: ``daily``, an id)
        out = out.replace("{" + name + "}", value)
    return out


def created_id(world: Any, param: Param) -> str:
    assert param.created_by is not None
    made = world.with_created(
        Example(ROWS[param.created_by[0]], "{id}", "1", {"id": created_marker(param)}, {})
    )
    return str(made.values["id"])


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
    """The world that may be written to: POSTs go out as the Swagger writes them, their parameters (the row's
    valid values) in the query string [reference §1.3 defect 7]."""
    world = sqlite_worlds[True]
    query = {**base_example(row).query, **base_example(row).form} if row is not None else {}
    return world.client.request(
        op.method,
        concrete_path(op, row, world),
        params=query,
        headers={"Authorization": f"Bearer {world.tokens['owner']}"},
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
