"""Fitbit's official Swagger against what is served: every official operation is served by a registry row, served
by the OAuth server, or listed here as not yet served (tests/conformance/test_swagger_coverage.py keeps the lists
honest and the served count from going down).

Rows are matched by method, API version and path shape, not by hand: the official path (reference §1.3 defect 2:
the user hard-coded as ``-``) and each row's `Endpoint.doc_path` are normalised alike, ``-`` to ``{user-id}`` and
the Swagger's several names for one placeholder (``{base-date}``, ``{start-date}``, ``{startDate}``) to one. Only
what cannot be matched that way is mapped by hand, as data below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fitbit_local.api.registry import Endpoint

METHODS = ("get", "post", "put", "delete")

# Defect 1 (reference §1.3): updateProfile sits at paths["post"] instead of under its path.
MISNESTED_PATHS = {"updateProfile": "/1/user/-/profile.json"}

# The Swagger's placeholder names → one name per meaning, the rows' documented names normalised the same way.
PLACEHOLDER_ALIASES = {
    "base-date": "date",
    "start-date": "date",
    "startDate": "date",
    "end-date": "end-date",
    "endDate": "end-date",
    "resource-path": "resource",
}

# Official operations served by the OAuth server (fitbit_local.oauth.routes), not by registry rows.
SERVED_OUTSIDE_REGISTRY = {
    "oauthToken": "POST /oauth2/token",
    "introspect": "POST /1.1/oauth2/introspect",
    "revoke": "POST /oauth2/revoke",
}

# operationId → row name, for official operations whose path shape cannot match the row's. The Swagger writes the
# subscription paths with a {collection-path} placeholder; the rows are one per collection (each with its scope) and
# the all-collections row stands for the operation.
HAND_MAPPED: dict[str, str] = {
    "getSubscriptionsList": "getSubscriptionsList",
    "addSubscriptions": "addSubscriptions",
    "deleteSubscriptions": "deleteSubscriptions",
}

# Official operations no row serves yet, by the Swagger's tags. A row that starts serving one makes the coverage
# test fail until it is taken off this list.
NOT_YET_SERVED: frozenset[str] = frozenset()  # every official operation is served (issues 10–13)

_VERSION = re.compile(r"^/(1|1\.1|1\.2)(/.*)$")
_PLACEHOLDER = re.compile(r"{([^}]+)}")


@dataclass(frozen=True)
class OfficialOperation:
    operation_id: str
    method: str  # upper case
    path: str  # as the file writes it (its path key, or MISNESTED_PATHS)

    @property
    def version(self) -> str | None:
        match = _VERSION.match(self.path)
        return match[1] if match else None

    @property
    def shape(self) -> str:
        match = _VERSION.match(self.path)
        return normalise(match[2] if match else self.path)


def normalise(path: str) -> str:
    """A path template with ``-`` as ``{user-id}`` and every placeholder under one name per meaning."""
    path = path.replace("/user/-/", "/user/{user-id}/")
    return _PLACEHOLDER.sub(lambda m: "{" + PLACEHOLDER_ALIASES.get(m[1], m[1]) + "}", path)


def official_operations(swagger: Mapping[str, Any]) -> list[OfficialOperation]:
    """Every operation of the Swagger file, the mis-nested one included."""
    out = []
    for key, item in swagger["paths"].items():
        if not key.startswith("/"):  # an operation object where a path item belongs (defect 1)
            operation_id = item["operationId"]
            out.append(OfficialOperation(operation_id, key.upper(), MISNESTED_PATHS[operation_id]))
            continue
        for method, operation in item.items():
            if method in METHODS:
                out.append(OfficialOperation(operation["operationId"], method.upper(), key))
    return out


def row_shapes(rows: Iterable[Endpoint]) -> dict[tuple[str, str, str], str]:
    """(method, version, normalised path) → row name, for every template and version a row serves."""
    shapes: dict[tuple[str, str, str], str] = {}
    for row in rows:
        for template in row.paths:
            for version in row.versions:
                key = (row.method, version, normalise(row.doc_path(template)))
                if shapes.setdefault(key, row.name) != row.name:
                    raise ValueError(f"{key} is served by both {shapes[key]} and {row.name}")
    return shapes


@dataclass
class Coverage:
    operations: list[OfficialOperation]
    by_row: dict[str, str] = field(default_factory=dict)  # operationId → row name
    outside_registry: dict[str, str] = field(default_factory=dict)  # operationId → route
    not_yet_served: list[str] = field(default_factory=list)
    unaccounted: list[str] = field(default_factory=list)  # neither served nor listed
    listed_but_served: list[str] = field(default_factory=list)  # on NOT_YET_SERVED, yet a row serves it

    @property
    def served(self) -> int:
        return len(self.by_row) + len(self.outside_registry)

    @property
    def total(self) -> int:
        return len(self.operations)

    def summary(self) -> str:
        return f"served {self.served} of {self.total} official operations"


def coverage(swagger: Mapping[str, Any], rows: Iterable[Endpoint]) -> Coverage:
    rows = list(rows)
    names = {row.name for row in rows}
    shapes = row_shapes(rows)
    result = Coverage(official_operations(swagger))
    for op in result.operations:
        row = HAND_MAPPED.get(op.operation_id) or shapes.get((op.method, op.version or "", op.shape))
        if row is not None and row in names:
            result.by_row[op.operation_id] = row
            if op.operation_id in NOT_YET_SERVED:
                result.listed_but_served.append(op.operation_id)
        elif op.operation_id in SERVED_OUTSIDE_REGISTRY:
            result.outside_registry[op.operation_id] = SERVED_OUTSIDE_REGISTRY[op.operation_id]
        elif op.operation_id in NOT_YET_SERVED:
            result.not_yet_served.append(op.operation_id)
        else:
            result.unaccounted.append(op.operation_id)
    return result
