"""The endpoint registry (DESIGN firm decision 1): every endpoint is one declarative row.

The router, the pipeline (scope, intraday gate, write gate), the conformance tests and later the console read these
rows. Families that share a URL shape share one handler parameterised by the row's ``options``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from fitbit_local.api.context import RequestContext

Handler = Callable[["RequestContext"], Any | Awaitable[Any]]
H = TypeVar("H", bound=Handler)

API_VERSIONS = ("1", "1.1", "1.2")


@dataclass(frozen=True)
class Endpoint:
    name: str  # Fitbit's operation name (the Swagger operationId where there is one)
    method: str
    paths: tuple[str, ...]  # templates after the version prefix, e.g. "/user/{user_id}/profile.json"
    handler: Handler
    scope: str | None  # the one scope from the endpoint's doc page
    resource_type: str = ""  # the word in "does not have permission to access <resource_type> data"
    intraday: bool = False  # gated by the intraday permission
    write: bool = False  # refused to read-only apps
    status: int = 200
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


REGISTRY: list[Endpoint] = []


def register(endpoint: Endpoint) -> Endpoint:
    if any(e.name == endpoint.name for e in REGISTRY):
        raise ValueError(f"endpoint {endpoint.name} registered twice")
    REGISTRY.append(endpoint)
    return endpoint


def endpoint(
    name: str,
    method: str,
    *paths: str,
    scope: str | None,
    resource_type: str = "",
    intraday: bool = False,
    write: bool = False,
    status: int = 200,
    **options: Any,
) -> Callable[[H], H]:
    """Decorator form of `register` for a handler that serves one row."""

    def decorate(handler: H) -> H:
        register(
            Endpoint(
                name=name,
                method=method,
                paths=paths,
                handler=handler,
                scope=scope,
                resource_type=resource_type or (scope or ""),
                intraday=intraday,
                write=write,
                status=status,
                options=MappingProxyType(options),
            )
        )
        return handler

    return decorate
