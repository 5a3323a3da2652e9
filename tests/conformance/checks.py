"""Assertions shared by the conformance tests: a success is the row's status, carries the rate-limit headers and a
body valid against the row's response schema (JSON Schema 2020-12); an error is exactly the catalogue's body."""

from __future__ import annotations

from functools import cache
from typing import Any

import httpx
import jsonschema
import pytest

from fitbit_local.api.families import endpoint_rows
from fitbit_local.api.openapi import RATE_LIMIT_HEADERS
from fitbit_local.api.registry import Endpoint

ROWS = {row.name: row for row in endpoint_rows()}
SUMMARY = pytest.StashKey[list[str]]()  # lines for the end of the run (conftest.pytest_terminal_summary)


@cache
def validator(row_name: str) -> jsonschema.Draft202012Validator:
    schema = ROWS[row_name].response
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def described(response: httpx.Response) -> str:
    request = response.request
    return f"{request.method} {request.url.path} → {response.status_code} {response.text[:600]}"


def schema_errors(row: Endpoint, body: Any) -> list[str]:
    errors = sorted(validator(row.name).iter_errors(body), key=lambda e: list(e.absolute_path))
    return [f"{e.json_path}: {e.message[:200]}" for e in errors[:5]]


def assert_success(response: httpx.Response, row: Endpoint) -> Any:
    """The row's success status (or the status the row documents for an identical repeat, such as 200 for a
    subscription that exists), the rate-limit headers, and a body valid against the row's response schema."""
    assert response.status_code in (row.status, row.options.get("repeat_status")), described(response)
    missing = [h for h in RATE_LIMIT_HEADERS if h not in response.headers]
    assert not missing, f"{described(response)}: no {missing}"
    if not row.response:
        return None
    assert response.headers["content-type"].startswith("application/json"), described(response)
    body = response.json()
    errors = schema_errors(row, body)
    assert not errors, (
        f"{row.name}: {response.request.url.path} does not match the row's response schema:\n"
        + ("\n".join(errors))
    )
    return body


def assert_error(
    response: httpx.Response, status: int, body: dict[str, Any], *, metered: bool = False
) -> None:
    """Exactly `body`; `metered`: refused after the rate-limit step (parameters), so the headers are there too."""
    assert response.status_code == status, described(response)
    assert response.json() == body, described(response)
    if metered:
        missing = [h for h in RATE_LIMIT_HEADERS if h not in response.headers]
        assert not missing, f"{described(response)}: no {missing}"
