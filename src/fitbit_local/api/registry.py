"""The endpoint registry (DESIGN firm decision 1): every endpoint is one declarative row, and the row is the contract.

A row states in typed fields what Fitbit's docs state per endpoint: the API versions it exists under, its path
templates, its path, query and form parameters with their parsers, the periods, detail levels and maximum range it
allows, its scope, whether it is intraday or a write, its success status and its response schema. The router, the
pipeline (which parses every parameter before the handler runs), the served ``/openapi.json``, the generated
docs/endpoints.md and the conformance suite all read the rows; a handler receives typed values and never validates.

Each family module exports its rows as ``ROWS``; `fitbit_local.api.families` lists the families in a fixed order and
`create_app` registers exactly those, in that order.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from fitbit_local.api.context import RequestContext

Handler = Callable[["RequestContext"], Any | Awaitable[Any]]
JsonSchema = Mapping[str, Any]

ALL_VERSIONS = ("1", "1.1", "1.2")
PERIODS = ("1d", "7d", "30d", "1w", "1m", "3m", "6m", "1y", "max")


class Shape(Enum):
    """How the pipeline turns a row's date parameters into what its handler receives."""

    PLAIN = "plain"  # parameters only (a date at most): ctx.args
    SERIES = "series"  # date + period or date + end date → ctx.days (one per calendar day)
    INTRADAY = "intraday"  # date(s) + detail level + optional time window → ctx.span


@dataclass(frozen=True)
class Param:
    """One parameter as Fitbit's docs name it, where it travels, and the parser that turns its text into a value.

    A parser gets the raw text and the `ParseScope` (the user's today, the row) and returns a typed value or raises
    the Fitbit error for that input; the pipeline runs it before the handler.
    """

    name: str  # Fitbit's name ("base-date", "detail-level", "fullName")
    key: str  # the path placeholder, query or form key
    where: Literal["path", "query", "form"]
    parse: Callable[[str, ParseScope], Any]
    schema: JsonSchema
    description: str = ""
    required: bool = True
    # A path parameter naming an entity that a write creates (a log id): (the name of the row that creates one, the
    # JSON pointer to the id in that row's response). The conformance suite creates a fresh one for each request.
    created_by: tuple[str, str] | None = None
    # The creating row is sent by another user of the server, not the request's own (an invitation *to* the user
    # comes from someone else; the id of someone else comes from their own profile).
    created_by_other_user: bool = False


@dataclass(frozen=True)
class ParseScope:
    """What a parser may consult besides the text: the row and the user's local date by the sandbox clock."""

    row: Endpoint
    today: Any  # datetime.date; Any keeps this module free of runtime imports of the API modules
    request_path: str = ""  # the path as requested (error messages that quote the resource path)

    @property
    def resource_path(self) -> str:
        """``/activities/steps`` of ``/1/user/-/activities/steps/date/…``: how Fitbit named the time-series resource
        in "Invalid time series resource path: …"."""
        after_user = self.request_path.split("/user/", 1)[-1]
        resource = after_user.partition("/")[2].split("/date/", 1)[0]
        return "/" + resource


@dataclass(frozen=True)
class Endpoint:
    name: str  # Fitbit's operation name (the Swagger operationId where there is one)
    method: str
    paths: tuple[str, ...]  # templates after the version prefix, e.g. "/user/{user_id}/profile.json"
    handler: Handler
    scope: str | None  # the one scope from the endpoint's doc page
    response: JsonSchema  # JSON Schema of the success body ({} for an empty body)
    summary: str = ""  # one line for the docs and /openapi.json
    versions: tuple[str, ...] = ALL_VERSIONS  # the /1, /1.1, /1.2 prefixes the path exists under
    path_params: tuple[Param, ...] = ()  # one per placeholder of `paths` (the user id is the pipeline's)
    query: tuple[Param, ...] = ()
    form: tuple[Param, ...] = ()
    shape: Shape = Shape.PLAIN
    periods: tuple[str, ...] = ()  # SERIES: the periods allowed
    detail_levels: tuple[str, ...] = ()  # INTRADAY: the detail levels allowed
    max_range_days: int | None = None  # SERIES: most days between start and end; INTRADAY: None = 24 hours
    resources: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # {resource} values
    intraday: bool = False  # gated by the intraday permission
    write: bool = False  # refused to read-only apps
    # Its form parameters may also come as a JSON object body (Create/Update Meal [DOC]).
    json_body: bool = False
    status: int = 200
    resource_type: str = ""  # the word in "does not have permission to access <resource_type> data"
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))  # handler constants

    def __post_init__(self) -> None:
        if not self.resource_type:
            object.__setattr__(self, "resource_type", self.scope or "")
        declared = {p.key for p in self.path_params} | {"user_id"}
        for template in self.paths:
            missing = set(placeholders(template)) - declared
            if missing:
                raise ValueError(f"{self.name}: {template} has undeclared placeholders {sorted(missing)}")
        for version in self.versions:
            if version not in ALL_VERSIONS:
                raise ValueError(f"{self.name}: unknown API version {version}")
        if self.shape is Shape.SERIES and not self.max_range_days:
            raise ValueError(f"{self.name}: a time-series row needs max_range_days")
        if self.shape is Shape.INTRADAY and not self.detail_levels:
            raise ValueError(f"{self.name}: an intraday row needs detail_levels")

    @property
    def params(self) -> tuple[Param, ...]:
        return (*self.path_params, *self.query, *self.form)

    def route_paths(self) -> list[str]:
        """Starlette route templates, version prefix included."""
        return ["/{version:" + version_convertor(self.versions) + "}" + path for path in self.paths]

    def doc_path(self, template: str) -> str:
        """A path template as Fitbit's docs write it: placeholders by the parameters' documented names
        (``/user/{user-id}/activities/heart/date/{base-date}/{period}.json``)."""
        names = {p.key: p.name for p in self.path_params} | {"user_id": "user-id"}
        return _PLACEHOLDER.sub(lambda m: "{" + names[m.group(1)] + "}", template)

    def openapi_paths(self, template: str) -> list[str]:
        """The template's OpenAPI paths: `doc_path`, with a ``{period}`` written out as each allowed period, since
        ``…/date/{base-date}/{period}.json`` and ``…/date/{start-date}/{end-date}.json`` would be one templated
        path to OpenAPI (3.1 §4.8.8 forbids two), while the route convertor tells them apart."""
        path = self.doc_path(template)
        if (
            "{period}" not in path or not self.periods
        ):  # a {period} of its own vocabulary (goals: daily|weekly)
            return [path]
        return [path.replace("{period}", period) for period in self.periods]


_PLACEHOLDER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-zA-Z_][a-zA-Z0-9_]*)?}")


def placeholders(template: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(template)]


def version_convertor(versions: tuple[str, ...]) -> str:
    """The name of the route convertor matching exactly these version prefixes (registered on first use)."""
    from fitbit_local.api.spans import register_convertor

    name = "apiversion_" + "_".join(v.replace(".", "p") for v in versions)
    register_convertor(name, "|".join(re.escape(v) for v in sorted(versions, key=len, reverse=True)))
    return name


def check_rows(rows: list[Endpoint]) -> list[Endpoint]:
    """Refuse two rows with one name: names key the docs, the OpenAPI operations and the conformance suite."""
    seen: set[str] = set()
    for row in rows:
        if row.name in seen:
            raise ValueError(f"endpoint {row.name} registered twice")
        seen.add(row.name)
    return rows
