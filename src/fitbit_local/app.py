"""The ASGI application: routes from the registry, the OAuth server, the sandbox admin API, and Fitbit's edge
behaviour (unknown path → 404 ``not_found``, wrong method → 405, POST without Content-Length → 411, plain http where
https is required, unknown host, and never a traceback: an unexpected exception is logged and answered with the
seed's 500 body)."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from fitbit_local.api.families import endpoint_rows
from fitbit_local.api.openapi import openapi_document
from fitbit_local.api.pipeline import make_endpoint
from fitbit_local.edge import collapse_repeated_slashes, error_response, json_response
from fitbit_local.errors import FitbitError
from fitbit_local.services import Services

log = logging.getLogger("fitbit_local")


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


class FitbitEdge:
    """Outermost middleware: the sandbox clock refresh, transport checks, and the 500 safety net."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        collapse_repeated_slashes(scope)
        try:
            self.services.clock.refresh()
            rejection = self._transport_error(scope)
            if rejection is not None:
                await error_response(rejection)(scope, receive, send)
                return
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await error_response(FitbitError("internal_error"))(scope, receive, send)

    def _transport_error(self, scope: Scope) -> FitbitError | None:
        settings = self.services.settings
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
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
        if scope["method"] in ("POST", "PUT") and "content-length" not in headers:
            return FitbitError("missing_content_length")
        return None


async def http_exception(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    if status == 405:
        return error_response(FitbitError("method_not_allowed"))
    if status == 404:
        return error_response(FitbitError("api_not_found"))
    return error_response(FitbitError("internal_error"))


async def unexpected_exception(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(FitbitError("internal_error"))


def create_app(services: Services) -> Starlette:
    from fitbit_local.oauth import routes as oauth_routes
    from fitbit_local.sandbox import routes as sandbox_routes

    routes: list[BaseRoute] = [*oauth_routes.routes(services), *sandbox_routes.routes(services)]
    routes.append(Route("/openapi.json", openapi_json, methods=["GET"], name="openapi"))
    routes.extend(resource_routes(services))
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_exception, Exception: unexpected_exception},
    )
    app.state.services = services
    return FitbitEdge(app, services)  # type: ignore[return-value]


def app_from_env() -> FitbitEdge:
    """Factory for multi-worker ``uvicorn`` (each worker builds its own services from FITBIT_LOCAL_* variables)."""
    from fitbit_local.config import Settings

    return create_app(Services.build(Settings()))  # type: ignore[return-value]
