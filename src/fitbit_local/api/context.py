"""What a handler gets: the request after the pipeline has authenticated and authorised it and parsed every
parameter its row declares (typed values only: a handler never sees text that could still be bad)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from fitbit_local.api.spans import IntradaySpan
from fitbit_local.api.units import UnitSystem
from fitbit_local.oauth.tokens import AccessToken
from fitbit_local.store.users import User

if TYPE_CHECKING:
    from fitbit_local.api.registry import Endpoint
    from fitbit_local.services import Services


@dataclass
class RequestContext:
    request: Request
    services: Services
    endpoint: Endpoint
    token: AccessToken
    user: User
    units: UnitSystem
    now: float
    today: date  # the user's local date by the sandbox clock
    args: dict[str, Any] = field(default_factory=dict)  # parsed parameters, by key
    days: list[date] = field(default_factory=list)  # Shape.SERIES: the days the request covers
    span: IntradaySpan | None = None  # Shape.INTRADAY: the windows the request covers

    @property
    def day(self) -> date:
        """The ``{date}`` parameter."""
        value: date = self.args["date"]
        return value

    @property
    def intraday_span(self) -> IntradaySpan:
        assert self.span is not None, "only intraday rows have a span"
        return self.span

    @property
    def utc_requested(self) -> bool:
        """``?timezone=UTC``, supported by the activity and heart-rate families [DOC application-design]."""
        return bool(self.args.get("timezone", False))
