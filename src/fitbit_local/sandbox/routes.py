"""The sandbox admin HTTP API under ``/_sandbox/`` (never under the Fitbit paths): clock and fault injection.

When FITBIT_LOCAL_ADMIN_TOKEN is set, every call needs ``Authorization: Bearer <that token>``; otherwise the API is
open, as befits a sandbox bound to loopback (see docs/sandbox.md). Open does not mean any web page may drive it: a
write takes a JSON body sent as ``Content-Type: application/json``, which a cross-site page cannot send without a CORS
preflight that this server never grants, and query parameters are never read. Every refusal is ``{"error": "..."}``
with a 4xx status.
"""

from __future__ import annotations

import hmac
import math
import os
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from fitbit_local.edge import json_response
from fitbit_local.sandbox import fault_error_key, injectable_errors, parse_duration, parse_instant
from fitbit_local.services import Services
from fitbit_local.store.faults import MAX_FAULT_COUNT

JSON_BODY = "application/json"


class AdminRefusal(Exception):
    """A request the admin API refuses, with the status it answers."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _problem(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


async def _json_body(request: Request, allowed: frozenset[str]) -> dict[str, Any]:
    """The JSON object a write sends; an empty body is an empty object. Anything but application/json is refused
    (415): form and text bodies are what a cross-site page can POST without asking."""
    raw = await request.body()
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != JSON_BODY and (raw or request.method != "DELETE"):
        # A bodiless DELETE is let through: browsers never send DELETE cross-site without a preflight.
        raise AdminRefusal(f"send a JSON object with Content-Type: {JSON_BODY}", 415)
    if not raw:
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise AdminRefusal("the body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise AdminRefusal("the body must be a JSON object")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise AdminRefusal(f"unknown field {unknown[0]!r}; known: {', '.join(sorted(allowed))}")
    return data


def _string(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise AdminRefusal(f'"{key}" must be a string')
    return value


def _integer(body: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise AdminRefusal(f'"{key}" must be an integer from {low} to {high}')
    return value


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise AdminRefusal(f'"{key}" must be true or false')
    return value


def _seconds(body: dict[str, Any], key: str) -> float:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AdminRefusal(f'"{key}" must be a duration such as "PT1H", "90s" or 3600')
    if isinstance(value, float) and not math.isfinite(value):
        raise AdminRefusal(f'"{key}" must be a finite duration')
    return parse_duration(str(value))


def routes(services: Services) -> list[BaseRoute]:
    admin_token = os.environ.get("FITBIT_LOCAL_ADMIN_TOKEN")

    def authorised(request: Request) -> bool:
        if not admin_token:
            return True
        header = request.headers.get("authorization", "")
        return hmac.compare_digest(header.encode(), f"Bearer {admin_token}".encode())

    def change_clock(body: dict[str, Any]) -> None:
        actions = [key for key in ("set", "advance", "reset") if key in body]
        if len(actions) != 1:
            raise AdminRefusal(
                'give one of "set" (ISO instant, optional "frozen"), "advance" (duration) or "reset"'
            )
        if actions[0] == "set":
            instant = _string(body, "set")
            if instant is None:
                raise AdminRefusal('"set" must be an ISO 8601 instant')
            services.clock.set(parse_instant(instant), frozen=_flag(body, "frozen"))
        elif actions[0] == "advance":
            services.clock.advance(_seconds(body, "advance"))
        elif body["reset"] is True:
            services.clock.reset()
        else:
            raise AdminRefusal('"reset" must be true')

    async def clock(request: Request) -> Response:
        if not authorised(request):
            return _problem("admin token required", 401)
        if request.method == "POST":
            try:
                change_clock(await _json_body(request, frozenset({"set", "frozen", "advance", "reset"})))
            except AdminRefusal as refusal:
                return _problem(str(refusal), refusal.status)
            except ValueError as exc:  # the clock's own rules: parse errors, the allowed range
                return _problem(str(exc))
        return json_response(services.clock.describe())

    async def faults(request: Request) -> Response:
        if not authorised(request):
            return _problem("admin token required", 401)
        store = services.store.faults
        try:
            if request.method == "POST":
                body = await _json_body(
                    request, frozenset({"status", "error", "app", "user", "path_prefix", "count"})
                )
                fault = store.add_fault(
                    fault_error_key(_integer(body, "status", 100, 599), _string(body, "error")),
                    client_id=_string(body, "app"),
                    user_id=_string(body, "user"),
                    path_prefix=_string(body, "path_prefix"),
                    count=_integer(body, "count", 1, MAX_FAULT_COUNT),
                )
                return json_response(fault.to_json(), 201)
            if request.method == "DELETE":
                body = await _json_body(request, frozenset({"id"}))
                return json_response({"removed": store.clear_faults(_integer(body, "id", 1, 2**31 - 1))})
        except AdminRefusal as refusal:
            return _problem(str(refusal), refusal.status)
        except ValueError as exc:  # the catalogue's and the store's own rules
            return _problem(str(exc))
        return json_response(
            {"faults": [f.to_json() for f in store.list_faults()], "errors": injectable_errors()}
        )

    # Issue 13: subscribers and deliveries (notify/admin.py), under the same admin token.
    from fitbit_local.notify import admin as notify_admin

    # --- issue 15: the request log and a whole-sandbox reset (what the console's log and sandbox pages do) -----
    async def requests(request: Request) -> Response:
        """``GET /_sandbox/requests?app=&user=&status=&after=&limit=``: the request log, newest first (a read: its
        filters come in the query string)."""
        from fitbit_local.store.request_log import recent_requests

        if not authorised(request):
            return _problem("admin token required", 401)
        query = request.query_params
        try:
            limit = int(query.get("limit") or 100)
            after = int(query.get("after") or 0)
            if not 1 <= limit <= 1000 or after < 0:
                raise ValueError("limit is 1 to 1000 and after a request id")
            found = recent_requests(
                services.store.engine,
                client_id=query.get("app") or None,
                user_id=query.get("user") or None,
                status=query.get("status") or None,
                after_id=after,
                limit=limit,
            )
        except ValueError as exc:
            return _problem(str(exc))
        return json_response({"requests": [r.to_json() for r in found]})

    async def reset(request: Request) -> Response:
        """``POST /_sandbox/reset`` (``{}``): clock to real time, faults cleared, request log emptied."""
        from fitbit_local.console.actions import reset_sandbox

        if not authorised(request):
            return _problem("admin token required", 401)
        try:
            await _json_body(request, frozenset())
        except AdminRefusal as refusal:
            return _problem(str(refusal), refusal.status)
        return json_response(reset_sandbox(services))

    return [
        Route("/_sandbox/clock", clock, methods=["GET", "POST"]),
        Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
        *notify_admin.routes(services, authorised),
        Route("/_sandbox/requests", requests, methods=["GET"]),
        Route("/_sandbox/reset", reset, methods=["POST"]),
    ]
