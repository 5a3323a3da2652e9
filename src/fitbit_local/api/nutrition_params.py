"""Parameters and the row shape the nutrition modules share (food logs, water, food goals)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fitbit_local.api.body import invalid
from fitbit_local.api.params import entity_id_parser
from fitbit_local.api.registry import Endpoint, Param, ParseScope

U = "/user/{user_id}/foods/log"


parse_log_id = entity_id_parser()


def boolean_param(field: str) -> Callable[[str, ParseScope], bool]:
    def parse(raw: str, scope: ParseScope) -> bool:
        if raw.lower() not in ("true", "false"):
            raise invalid(field, raw)
        return raw.lower() == "true"

    return parse


def text_param(field: str) -> Callable[[str, ParseScope], str]:
    def parse(raw: str, scope: ParseScope) -> str:
        text = raw.strip()
        if not text or len(text) > 200 or any(ord(c) < 32 for c in text):
            raise invalid(field, raw.encode("unicode_escape").decode()[:40])
        return text

    return parse


def parse_calories(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or int(raw) > 100_000:
        raise invalid("calories", raw)
    return int(raw)


NUMBER_SCHEMA = {"type": "string", "pattern": r"^\d+(\.\d+)?$"}


def optional_param(name: str, parse: Callable[[str, ParseScope], Any], schema: dict[str, Any]) -> Param:
    return Param(name, name, "form", parse, schema, required=False)


def nutrition_row(
    name: str, method: str, path: str, handler: Any, response: Any, summary: str, **fields: Any
) -> Endpoint:
    return Endpoint(
        name, method, (U + path,), handler, scope="nutrition", response=response, summary=summary, **fields
    )
