"""``/openapi.json``: the served API as OpenAPI 3.1, generated from the registry rows.

Fitbit's official Swagger (shared/spec) has no response schemas and known defects (reference §1.3): every path
hard-codes ``-`` as the user, scopes are over-broad, the AZM interval-with-window path lacks its detail level, write
parameters are declared in the query only. This document is generated from what is served instead: one path item per
template and API version, the user id as a parameter, the row's single scope, its parameters with the patterns and
enumerations the pipeline enforces, and the response schema every success body is validated against by the
conformance suite. Errors share one schema per envelope.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.families import endpoint_rows
from fitbit_local.api.params import PERIOD_DAYS
from fitbit_local.api.registry import Endpoint, Param
from fitbit_local.oauth.scopes import ALL_SCOPES

CLASSIC_ERROR = schemas.obj(
    {
        "errors": schemas.array(
            schemas.obj(
                {"message": schemas.STRING}, {"errorType": schemas.STRING, "fieldName": schemas.STRING}
            ),
            min_items=1,
        ),
        "success": {"const": False},
    }
)
GOOGLE_ERROR = schemas.obj(
    {"error": schemas.obj({"code": schemas.INTEGER, "message": schemas.STRING, "status": schemas.STRING})}
)
RATE_LIMIT_HEADERS = {
    name: {"schema": schemas.STRING, "description": description}
    for name, description in (
        ("Fitbit-Rate-Limit-Limit", "requests allowed per hour for this user and app"),
        ("Fitbit-Rate-Limit-Remaining", "requests left in the current hour"),
        ("Fitbit-Rate-Limit-Reset", "seconds until the top of the hour"),
    )
}
USER_ID = {
    "name": "user-id",
    "in": "path",
    "required": True,
    "description": "\"-\" for the token's user, or that user's own encoded id",
    "schema": {"type": "string", "pattern": r"^(-|[0-9A-Z]{6})$"},
}


def _param_schema(row: Endpoint, param: Param) -> dict[str, Any]:
    """The parameter's schema, narrowed by the row where the row decides the allowed values."""
    if param.key == "period":
        return schemas.enum(*row.periods)
    if param.key == "detail":
        return schemas.enum(*row.detail_levels)
    if param.key == "resource":
        return schemas.enum(*row.resources)
    return dict(param.schema)


def _parameter(row: Endpoint, param: Param, path: str) -> dict[str, Any] | None:
    if param.where == "path" and "{" + param.name + "}" not in path:
        return None  # not in this path form, or written out (a period)
    return {
        "name": param.name,
        "in": "path" if param.where == "path" else "query",
        "required": param.where == "path" or param.required,
        "description": param.description,
        "schema": _param_schema(row, param),
    }


def _operation(row: Endpoint, path: str, version: str) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [USER_ID] if "{user-id}" in path else []
    parameters += [p for p in (_parameter(row, q, path) for q in (*row.path_params, *row.query)) if p]
    success: dict[str, Any] = {"description": "OK", "headers": RATE_LIMIT_HEADERS}
    if row.response:
        success["content"] = {"application/json": {"schema": row.response}}
    operation: dict[str, Any] = {
        "operationId": f"{row.name}:{version}:{path}",
        "summary": row.summary or row.name,
        "tags": [row.options.get("tag") or row.scope or "other"],
        "parameters": parameters,
        "security": [{"oauth2": [row.scope] if row.scope else []}],
        "responses": {
            str(row.status): success,
            "400": {"$ref": "#/components/responses/ClassicError"},
            "401": {"$ref": "#/components/responses/ClassicError"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "429": {"$ref": "#/components/responses/ClassicError"},
        },
        "x-fitbit-intraday": row.intraday,
        "x-fitbit-operation": row.name,
    }
    if row.max_range_days is not None:
        operation["x-fitbit-max-range-days"] = row.max_range_days
    if row.form:
        form = {p.name: _param_schema(row, p) for p in row.form}
        operation["requestBody"] = {
            "required": False,
            "content": {
                media: {"schema": {"type": "object", "properties": form}}
                for media in ("application/x-www-form-urlencoded", "multipart/form-data")
            },
        }
    return operation


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for row in endpoint_rows():
        for template in row.paths:
            for path in row.openapi_paths(template):
                for version in row.versions:
                    item = paths.setdefault(f"/{version}{path}", {})
                    item[row.method.lower()] = _operation(row, path, version)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "fitbit-local: the Fitbit Web API",
            "version": "1",
            "description": "Generated from fitbit-local's endpoint registry; periods: "
            + ", ".join(PERIOD_DAYS),
        },
        "paths": paths,
        "components": {
            "schemas": {"ClassicError": CLASSIC_ERROR, "GoogleError": GOOGLE_ERROR},
            "responses": {
                "ClassicError": {
                    "description": "Fitbit's classic error body",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ClassicError"}}
                    },
                },
                "Forbidden": {
                    "description": "insufficient scope (classic body) or, for intraday, PERMISSION_DENIED",
                    "content": {
                        "application/json": {
                            "schema": {
                                "anyOf": [
                                    {"$ref": "#/components/schemas/ClassicError"},
                                    {"$ref": "#/components/schemas/GoogleError"},
                                ]
                            }
                        }
                    },
                },
            },
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": "/oauth2/authorize",
                            "tokenUrl": "/oauth2/token",
                            "refreshUrl": "/oauth2/token",
                            "scopes": {scope: scope for scope in ALL_SCOPES},
                        },
                        "implicit": {
                            "authorizationUrl": "/oauth2/authorize",
                            "scopes": {scope: scope for scope in ALL_SCOPES},
                        },
                    },
                }
            },
        },
    }
