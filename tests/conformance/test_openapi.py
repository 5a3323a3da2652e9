"""``/openapi.json`` against the rows it is generated from: one operation per row, template and version, with the
row's response schema, parameters that admit the requests test_rows sends, and paths OpenAPI 3.1 allows."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import jsonschema
import pytest

from fitbit_local.api.openapi import openapi_document
from tests.conformance.checks import ROWS
from tests.conformance.examples import Example, examples, parse_created

DOCUMENT = openapi_document()


def operation_of(example: Example) -> dict[str, Any]:
    path = example.row.doc_path(example.template)
    if "period" in example.values:  # the period forms are written out, one path per period
        path = path.replace("{period}", example.values["period"])
    return DOCUMENT["paths"][f"/{example.version}{path}"][example.row.method.lower()]  # type: ignore[no-any-return]


def test_one_operation_per_row_template_and_version() -> None:
    expected = {
        (f"/{version}{path}", row.method.lower()): row.name
        for row in ROWS.values()
        for template in row.paths
        for path in row.openapi_paths(template)
        for version in row.versions
    }
    served = {
        (path, method): operation["x-fitbit-operation"]
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
    }
    assert served == expected


@pytest.mark.parametrize("row", ROWS.values(), ids=lambda r: r.name)
def test_operations_carry_the_rows_response_schema(row) -> None:  # type: ignore[no-untyped-def]
    for example in examples(row):
        success = operation_of(example)["responses"][str(row.status)]
        assert success.get("content", {}).get("application/json", {}).get("schema", {}) == row.response


@pytest.mark.parametrize("row", ROWS.values(), ids=lambda r: r.name)
def test_parameters_admit_the_requests_the_suite_sends(row) -> None:  # type: ignore[no-untyped-def]
    """A client generated from /openapi.json can send what the server answers with a success."""
    for example in examples(row):
        names = {p.key: p.name for p in row.path_params} | {"user_id": "user-id"}
        declared = {p["name"]: p["schema"] for p in operation_of(example)["parameters"] if p["in"] == "path"}
        for key in example.keys:  # the template's placeholders (the food database's paths have no user)
            value = example.values[key]
            if key == "period" or parse_created(value) is not None:
                continue  # written out in the path; made by a write when the suite sends it
            schema = declared[names[key]]
            assert jsonschema.Draft202012Validator(schema).is_valid(value), (
                f"{example.id}: {key}={value!r}, {schema}"
            )


def test_no_two_paths_are_the_same_template() -> None:
    by_shape: dict[str, list[str]] = defaultdict(list)
    for path in DOCUMENT["paths"]:
        by_shape[re.sub(r"{[^}]+}", "{}", path)].append(path)
    identical = {shape: paths for shape, paths in by_shape.items() if len(paths) > 1}
    assert identical == {}
