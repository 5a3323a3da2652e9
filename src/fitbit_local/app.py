"""The ASGI application: routes from the registry, the OAuth server, the sandbox admin API, and Fitbit's edge
behaviour (unknown path → 404 ``not_found``, wrong method → 405, POST without Content-Length → 411, plain http where
https is required, unknown host, and never a traceback: an unexpected exception is logged and answered with the
seed's 500 body)."""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
import time
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fitbit_local import protocols
from fitbit_local.api.families import endpoint_rows
from fitbit_local.api.openapi import openapi_document
from fitbit_local.api.pipeline import make_endpoint
from fitbit_local.edge import CALLER, collapse_repeated_slashes, error_response, json_response
from fitbit_local.errors import FitbitError
from fitbit_local.explanations import EXPLANATION_HEADER
from fitbit_local.services import Services
from fitbit_local.store.request_log import RequestLog, Row

log = logging.getLogger("fitbit_local")
REQUEST_ID_HEADER = "X-Fitbit-Local-Request-Id"  # on a 500: the id its log line carries
CLOSE = {"Connection": "close"}
_EXPLANATION_KEY = EXPLANATION_HEADER.lower().encode()
UNLOGGED_PREFIXES = ("/console", "/_sandbox", "/openapi.json", "/favicon.ico")


async def openapi_json(request: Request) -> Response:
    """The served API as OpenAPI 3.1, generated from the registry rows (no token needed)."""
    return json_response(openapi_document())


def resource_routes(services: Services) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for row in endpoint_rows():
        endpoint = make_endpoint(row, services)
        for path in row.route_paths():
            routes.append(Route(path, endpoint, methods=[row.method], name=f"{row.name}:{path}"))
    return routes


class SegmentRouter(Router):
    """Starlette's router, trying first only the routes whose path could match the request's: none of ours lets a
    parameter span a ``/``, so a route with another number of segments cannot match, nor one whose literal segment
    differs from the request's at the same place. Per segment count, each place maps a literal segment to the
    routes that have it there or a parameter; a request intersects those sets and tests the few routes left, in
    their order (routing was half of a cached read's time when every route was tested). Anything without a full
    match there (405s, 404s) goes through Starlette's full scan, unchanged."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        super().__init__(routes=routes)
        # segment count -> (its routes in order, per place: {literal: route indices}, route indices with a parameter)
        self._index: dict[
            int, tuple[list[BaseRoute], list[dict[str, frozenset[int]]], list[frozenset[int]]]
        ] = {}
        groups: dict[int, list[BaseRoute]] = {}
        for route in routes:
            path = getattr(route, "path", None)
            if path is None:  # not a plain route (a mount): no shortcut past it
                return
            groups.setdefault(path.count("/") + 1, []).append(route)
        for count, group in groups.items():
            literal: list[dict[str, set[int]]] = [{} for _ in range(count)]
            wild: list[set[int]] = [set() for _ in range(count)]
            for i, route in enumerate(group):
                for place, segment in enumerate(route.path.split("/")):  # type: ignore[attr-defined]
                    if "{" in segment:
                        wild[place].add(i)
                    else:
                        literal[place].setdefault(segment, set()).add(i)
            self._index[count] = (
                group,
                [{seg: frozenset(ids | wild[p]) for seg, ids in literal[p].items()} for p in range(count)],
                [frozenset(w) for w in wild],
            )

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that could match `path`, in their order."""
        segments = path.split("/")
        found = self._index.get(len(segments))
        if found is None:
            return []
        group, literal, wild = found
        ids: frozenset[int] | None = None
        for place, segment in enumerate(segments):
            here = literal[place].get(segment, wild[place])
            ids = here if ids is None else ids & here
            if not ids:
                return []
        return [group[i] for i in sorted(ids or ())]

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self.candidates(scope["path"]):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.setdefault("router", self)
                    scope["route"] = route
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
        await super().app(scope, receive, send)


class FitbitEdge:
    """Outermost middleware: the sandbox clock refresh, transport checks, the 500 safety net, and the request log
    (every API and OAuth request, with the refusal's explanation header, store/request_log.py)."""

    def __init__(self, app: ASGIApp, services: Services, request_log: RequestLog | None = None) -> None:
        self.app = app
        self.services = services
        self.request_log = request_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        seen: list[Any] = [500, (), False]  # the response's status, its headers, whether it has started

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                seen[0], seen[1], seen[2] = message["status"], message.get("headers", ()), True
            await send(message)

        collapse_repeated_slashes(scope)
        try:
            await self._serve(scope, receive, tracking_send, seen)
        finally:
            request_log = self.request_log
            if request_log is not None and request_log.enabled and is_logged_path(scope["path"]):
                # raw: the writer thread turns it into a row (log_entry), off the request's path
                request_log.append(
                    (scope, seen[0], seen[1], time.perf_counter() - began, self.services.clock.now())
                )

    async def _serve(self, scope: Scope, receive: Receive, send: Send, seen: list[Any]) -> None:
        try:
            self.services.clock.refresh()
            rejection = self._transport_error(scope)
            if rejection is not None:
                await error_response(rejection)(scope, receive, send)
                return
            await self.app(scope, self._bounded(receive), send)
        except Exception:
            # The one place an unexpected error is logged, once, under an id the 500 response carries.
            request_id = secrets.token_hex(8)
            log.exception(
                "unexpected error (request id %s) on %s %s",
                request_id,
                scope.get("method"),
                scope.get("path"),
            )
            if not seen[2]:  # nothing sent yet: the documented 500
                response = error_response(FitbitError("internal_error"), {REQUEST_ID_HEADER: request_id})
                await response(scope, receive, send)

    def _transport_error(self, scope: Scope) -> FitbitError | None:
        settings = self.services.settings
        headers = {  # the few this looks at (a later duplicate wins, as a dict of them all would have it)
            k.decode("latin-1").lower(): v.decode("latin-1")
            for k, v in scope["headers"]
            if k.lower() in _TRANSPORT_HEADERS
        }
        if settings.allowed_hosts:
            host = (
                headers.get("host", "").rsplit(":", 1)[0]
                if not headers.get("host", "").startswith("[")
                else headers["host"]
            )
            if host not in settings.allowed_hosts:
                return FitbitError("invalid_domain", domain=host)
        if settings.require_https:
            scheme = headers.get("x-forwarded-proto", scope.get("scheme", "http"))
            if scheme != "https":
                return FitbitError("https_required")
        if b"%00" in scope["query_string"] or "\x00" in scope["path"]:
            return _nul_in_query(scope["query_string"])
        declared = headers.get("content-length")
        if scope["method"] in ("POST", "PUT") and declared is None:
            return FitbitError("missing_content_length")
        # The OAuth server bounds its bodies itself, more tightly, and answers the authorize form with its page.
        if (
            declared is not None
            and not scope["path"].startswith("/oauth2/")
            and (not declared.isdigit() or len(declared) > 12 or int(declared) > settings.max_body_bytes)
        ):
            return FitbitError("request_body_unreadable", headers=dict(CLOSE))
        return None

    def _bounded(self, receive: Receive) -> Receive:
        """`receive` for the app: each piece of the body must come within the body timeout, and no more than the
        largest body is taken in. Either failure refuses the request and closes the connection, before anything
        is buffered past the limit."""
        timeout = self.services.settings.body_timeout
        limit = self.services.settings.max_body_bytes
        received = 0
        complete = False
        tail = b""  # the end of the previous piece: a "%00" may straddle two

        async def bounded_receive() -> Message:
            nonlocal received, complete, tail
            if complete:  # the body is in: later messages (a disconnect) may take as long as they take
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), timeout)
            except TimeoutError:
                raise FitbitError("request_body_unreadable", headers=dict(CLOSE)) from None
            if message["type"] == "http.request":
                piece = message.get("body", b"")
                received += len(piece)
                if received > limit:
                    raise FitbitError("request_body_unreadable", headers=dict(CLOSE))
                if b"\x00" in piece or b"%00" in tail + piece:  # no field may hold a NUL: see _nul_in_query
                    raise FitbitError("request_body_unreadable")
                tail = piece[-2:]
                complete = not message.get("more_body", False)
            return message

        return bounded_receive


GC_FIRST_GENERATION = 10_000  # allocations between young-generation collections (CPython's default: 700)
_TRANSPORT_HEADERS = frozenset({b"host", b"x-forwarded-proto", b"content-length"})


def is_logged_path(path: str) -> bool:
    """The API's and the OAuth server's requests; not the console, its assets or the sandbox admin API."""
    return not path.startswith(UNLOGGED_PREFIXES) and path != "/"


def _encoded_id(value: object) -> str | None:
    """An id as the log stores it: a claimed client id may be anything a client sent."""
    return value if isinstance(value, str) and 0 < len(value) <= 6 and value.isalnum() else None


def log_entry(raw: tuple[Scope, int, list[tuple[bytes, bytes]], float, float]) -> Row:
    """The log's row for a finished request, from what the edge saw of it (in the writer thread, not the request's)."""
    scope, status, headers, seconds, now = raw
    remaining: bytes | None = None
    explanation: str | None = None
    for key, value in headers:  # Starlette sends header names in lower case
        if key == b"fitbit-rate-limit-remaining":
            remaining = value
        elif key == _EXPLANATION_KEY:
            explanation = value.decode("latin-1")
    client_id, user_id = scope.get(CALLER, (None, None))
    query = scope.get("query_string", b"").decode("latin-1")
    if client_id is None and scope["path"].startswith("/oauth2/authorize"):
        client_id = dict(parse_qsl(query)).get("client_id")
    return (
        now,
        _encoded_id(client_id),
        _encoded_id(user_id),
        str(scope.get("method", ""))[:8],
        (scope["path"] + (f"?{query}" if query else ""))[:2000],
        status,
        round(seconds * 1000, 3),
        int(remaining) if remaining is not None and remaining.isdigit() else None,
        explanation,
    )


def _nul_in_query(query: bytes) -> FitbitError:
    """A NUL byte in a parameter is refused here, once, for every route: no value may carry one (PostgreSQL cannot
    store it, SQLite would truncate it silently) [issue 8 item 3]."""
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if "\x00" in value:
            return FitbitError(
                "validation_value", field_name=key, field=key, value=value.replace("\x00", "\\u0000")
            )
    return FitbitError("validation_value", field_name="request", field="request", value="\\u0000")


async def http_exception(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    if status == 405:
        return error_response(FitbitError("method_not_allowed"))
    if status == 404:
        return error_response(FitbitError("api_not_found"))
    return error_response(FitbitError("internal_error"))


async def fitbit_error(request: Request, exc: Exception) -> Response:
    """Every FitbitError raised by a route and not answered there: rendered once, with the headers it carries."""
    assert isinstance(exc, FitbitError)
    return error_response(exc)


async def unexpected_exception(request: Request, exc: Exception) -> Response:
    """Starlette's last handler: raise again so FitbitEdge logs it once and answers the documented 500 (Starlette's
    own 500 page is plain text)."""
    raise exc


def create_app(services: Services) -> Starlette:
    from fitbit_local.console import routes as console_routes
    from fitbit_local.notify.worker import lifespan
    from fitbit_local.oauth import routes as oauth_routes
    from fitbit_local.sandbox import routes as sandbox_routes

    routes: list[BaseRoute] = [*oauth_routes.routes(services), *sandbox_routes.routes(services)]
    routes.extend(console_routes.routes(services))
    routes.append(Route("/openapi.json", openapi_json, methods=["GET"], name="openapi"))
    routes.extend(resource_routes(services))
    app = Starlette(
        routes=routes,
        exception_handlers={
            FitbitError: fitbit_error,
            HTTPException: http_exception,
            Exception: unexpected_exception,
        },
    )
    app.router = SegmentRouter(routes=routes)
    app.router.lifespan_context = lifespan(services)  # the notification worker (issue 13)
    app.state.services = services
    request_log = RequestLog(services.store.engine, services.settings.request_log_size, convert=log_entry)
    protocols.head_timeout = services.settings.body_timeout  # a request's head is bounded as its body is
    return FitbitEdge(app, services, request_log)  # type: ignore[return-value]


def settle_for_serving() -> None:
    """Once a server process has built everything it starts with: those objects (modules, the app, its tables) go
    to the collector's permanent generation, so it stops re-scanning them, and the collector runs less often. A
    request leaves short-lived garbage that reference counting frees; the collector was ~10 % of a cached read's
    time (docs/performance.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_FIRST_GENERATION, 10, 10)


def app_from_env() -> FitbitEdge:
    """Factory for multi-worker ``uvicorn`` (each worker builds its own services from FITBIT_LOCAL_* variables)."""
    from fitbit_local.config import Settings

    app = create_app(Services.build(Settings()))
    settle_for_serving()
    return app  # type: ignore[return-value]
