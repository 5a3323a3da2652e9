"""The sandbox admin HTTP API under ``/_sandbox/`` (never under the Fitbit paths): clock and fault injection.

When FITBIT_LOCAL_ADMIN_TOKEN is set, every call needs ``Authorization: Bearer <that token>``; otherwise the API is
open, as befits a sandbox bound to loopback (see docs/sandbox.md).
"""

from __future__ import annotations

import hmac
import os
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from fitbit_local.edge import json_response
from fitbit_local.sandbox import fault_error_key, injectable_errors, parse_duration, parse_instant
from fitbit_local.services import Services


def _problem(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return dict(request.query_params)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        form = await request.form()
        data = {k: v for k, v in form.items() if isinstance(v, str)}
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def routes(services: Services) -> list[BaseRoute]:
    admin_token = os.environ.get("FITBIT_LOCAL_ADMIN_TOKEN")

    def authorised(request: Request) -> bool:
        if not admin_token:
            return True
        header = request.headers.get("authorization", "")
        return hmac.compare_digest(header.encode(), f"Bearer {admin_token}".encode())

    async def clock(request: Request) -> Response:
        if not authorised(request):
            return _problem("admin token required", 401)
        if request.method == "POST":
            try:
                body = await _body(request)
                if "set" in body:
                    services.clock.set(
                        parse_instant(str(body["set"])), frozen=bool(body.get("frozen", False))
                    )
                elif "advance" in body:
                    services.clock.advance(parse_duration(str(body["advance"])))
                elif body.get("reset"):
                    services.clock.reset()
                else:
                    return _problem(
                        'give "set" (ISO instant, optional "frozen"), "advance" (duration) or "reset"'
                    )
            except ValueError as exc:
                return _problem(str(exc))
        return json_response(services.clock.describe())

    async def faults(request: Request) -> Response:
        if not authorised(request):
            return _problem("admin token required", 401)
        store = services.store.sandbox
        if request.method == "POST":
            try:
                body = await _body(request)
                status = int(body["status"]) if body.get("status") not in (None, "") else None
                count = int(body["count"]) if body.get("count") not in (None, "") else None
                fault = store.add_fault(
                    fault_error_key(status, body.get("error")),
                    client_id=body.get("app") or None,
                    user_id=body.get("user") or None,
                    path_prefix=body.get("path_prefix") or None,
                    count=count,
                )
            except (ValueError, TypeError) as exc:
                return _problem(str(exc))
            return json_response(fault.to_json(), 201)
        if request.method == "DELETE":
            removed = store.clear_faults()
            return json_response({"removed": removed})
        return json_response(
            {"faults": [f.to_json() for f in store.list_faults()], "errors": injectable_errors()}
        )

    return [
        Route("/_sandbox/clock", clock, methods=["GET", "POST"]),
        Route("/_sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
    ]
