"""What a handler gets: the resolved request, after the pipeline has authenticated and authorised it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from fitbit_local.api.params import local_today
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
    path: dict[str, str]
    units: UnitSystem
    now: float
    version: str
    form: dict[str, str] = field(default_factory=dict)  # merged query string and form body (writes)
    _today: date | None = None

    @property
    def query(self) -> Any:
        return self.request.query_params

    @property
    def today(self) -> date:
        """The user's local date by the sandbox clock."""
        if self._today is None:
            self._today = local_today(self.user.current_timezone, self.now)
        return self._today

    @property
    def utc_requested(self) -> bool:
        """``?timezone=UTC``, supported by the activity and heart-rate families [DOC application-design]."""
        return self.request.query_params.get("timezone", "").upper() == "UTC"
