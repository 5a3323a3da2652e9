"""Building blocks of the response schemas the registry rows carry (JSON Schema 2020-12, the dialect of OpenAPI
3.1). They describe what is served, strictly: objects list every key they may hold (``additionalProperties`` false),
so the conformance suite catches a key that appears or disappears.

The official Swagger has no response schemas; these follow the doc pages' examples and recorded responses
(reference §4), with the decisions in docs/decisions.md.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
NUMBER: Schema = {"type": "number"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TIME: Schema = {"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}$"}
DATE_TIME: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"}
# Time-series values are strings holding a number [DOC: "value":"2504", "value":"0.0"].
NUMBER_STRING: Schema = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
EMPTY: Schema = {}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """An object with exactly these keys (the optional ones may be missing)."""
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": sorted(required),
        "additionalProperties": False,
    }


def array(items: Schema, *, min_items: int = 0) -> Schema:
    out: Schema = {"type": "array", "items": items}
    if min_items:
        out["minItems"] = min_items
    return out


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def one_key(pattern: str, value: Schema) -> Schema:
    """An object with a single key matching `pattern` (``activities-<resource>``)."""
    return {
        "type": "object",
        "patternProperties": {pattern: value},
        "additionalProperties": False,
        "minProperties": 1,
        "maxProperties": 1,
    }


def keys_matching(patterns: dict[str, Schema], count: int) -> Schema:
    """An object of exactly `count` keys, each matching one of `patterns`."""
    return {
        "type": "object",
        "patternProperties": patterns,
        "additionalProperties": False,
        "minProperties": count,
        "maxProperties": count,
    }


def day_values(value: Schema) -> Schema:
    """``[{"dateTime": "yyyy-MM-dd", "value": …}, …]``."""
    return array(obj({"dateTime": DATE, "value": value}))


def intraday_dataset(point: Schema) -> Schema:
    """``{"dataset": [...], "datasetInterval": n, "datasetType": "minute"|"second"}``."""
    return obj({"dataset": array(point), "datasetInterval": INTEGER, "datasetType": enum("minute", "second")})


HEART_RATE_ZONE = obj(
    {"caloriesOut": NUMBER, "max": INTEGER, "min": INTEGER, "minutes": INTEGER, "name": STRING}
)
