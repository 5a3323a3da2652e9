"""The HTTP edge shared by the resource API, the OAuth server and the sandbox admin API: JSON and error responses
and Bearer parsing. Nothing here knows about endpoint families."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from fitbit_local.errors import Envelope, FitbitError, render_fitbit_error
from fitbit_local.explanations import EXPLANATION_HEADER
from fitbit_local.ratelimit import seconds_to_next_hour

if TYPE_CHECKING:
    from fitbit_local.services import Services

JSON_MEDIA_TYPE = "application/json;charset=utf-8"
CALLER = "fitbit_local.caller"  # scope key: (client id, user id) of the request, for the request log


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status_code=status, headers=headers, media_type=JSON_MEDIA_TYPE)


def error_response(
    error: FitbitError, headers: dict[str, str] | None = None, envelope: Envelope | None = None
) -> Response:
    out = dict(headers or {})
    out.update(error.headers)
    if error.status == 401 and "WWW-Authenticate" not in out:
        out["WWW-Authenticate"] = 'Bearer realm="api.fitbit.com"'  # [OBS OAuthSwift#422]
    return json_response(render_fitbit_error(error, envelope=envelope), error.status, out)


def raw_header(scope: Scope, name: bytes) -> str | None:
    """The first value of header `name` (lower case, as the server gives names), read straight from the scope:
    what ``request.headers.get`` answers, without building a Headers mapping on every request."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def bearer_token(request: Request) -> str:
    header = raw_header(request.scope, b"authorization")
    if not header:
        raise FitbitError("auth_header_required")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise FitbitError("auth_token_type_invalid")
    return value.strip()


def raise_injected_fault(services: Services, path: str, client_id: str | None, user_id: str | None) -> None:
    """Raise the first injected fault (sandbox) matching this request, with the headers its real counterpart
    carried: a 429 has ``Retry-After`` and the rate-limit headers (python-fitbit reads ``Retry-After``
    unconditionally), a 503 ``Retry-After``."""
    fault = services.matching_fault(path, client_id, user_id)
    if fault is None:
        return
    error = FitbitError(fault.error_key)
    error.headers[EXPLANATION_HEADER] = (
        f"injected fault: sandbox fault #{fault.id} ({fault.error_key}) matched this request; "
        f"clear it with 'fitbit-local faults clear --id {fault.id}' or DELETE /_sandbox/faults"
    )
    if error.status == 429:
        reset = seconds_to_next_hour(services.clock.now())
        limit = str(services.rate_limiter.limit or 150)
        error.headers.update(
            {
                "Retry-After": str(reset),
                "Fitbit-Rate-Limit-Limit": limit,
                "Fitbit-Rate-Limit-Remaining": "0",
                "Fitbit-Rate-Limit-Reset": str(reset),
            }
        )
    elif error.status == 503:
        error.headers["Retry-After"] = "60"
    raise error


_REPEATED_SLASHES = re.compile(r"/{2,}")
_REPEATED_SLASHES_RAW = re.compile(rb"/{2,}")


def collapse_repeated_slashes(scope: Scope) -> None:
    """``//1/user/-/profile.json`` routes as ``/1/user/-/profile.json``: clients whose base URL ends in ``/``
    (py-fitbit's ``Configuration.host = "https://api.fitbit.com/"`` joined with ``/1/user/…``) send a doubled
    slash on every call, for the API and the OAuth endpoints alike (docs/decisions.md). Changes the scope in place,
    before routing; the query string is separate and untouched."""
    path = scope.get("path", "")
    if "//" in path:
        scope["path"] = _REPEATED_SLASHES.sub("/", path)
        raw = scope.get("raw_path")
        if raw:
            scope["raw_path"] = _REPEATED_SLASHES_RAW.sub(b"/", raw)
