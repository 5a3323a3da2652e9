"""The resource pipeline every registry row runs through:

authenticate (Bearer) → injected faults → resolve user (``-`` or the caller's own encoded id) → scope → write
permission → intraday permission → rate limit → handler (which validates its parameters) → orjson body, with the
rate-limit headers on every response from the rate-limit step on.
"""

from __future__ import annotations

import inspect
import logging

from starlette.requests import Request
from starlette.responses import Response

from fitbit_local.api.context import RequestContext
from fitbit_local.api.registry import Endpoint
from fitbit_local.api.units import unit_system_for
from fitbit_local.edge import bearer_token, error_response, json_response
from fitbit_local.errors import FitbitError
from fitbit_local.oauth.tokens import AccessToken
from fitbit_local.services import Services
from fitbit_local.store.users import User

log = logging.getLogger("fitbit_local.api")

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})


def resolve_user(services: Services, path_user: str | None, token: AccessToken) -> User:
    """``-`` and the caller's own encoded id are the token's user; any other id is refused (health data is only
    shared with apps the owner authorised) [DOC: "user-id — The encoded ID of the user. Use "-" …"]."""
    if path_user not in (None, "-", token.user_id):
        raise FitbitError("insufficient_permissions_owner")
    user = services.user(token.user_id)
    if user is None:  # the user was deleted after the token was issued
        raise FitbitError("invalid_token", access_token="")
    return user


def check_scope(row: Endpoint, token: AccessToken) -> None:
    if row.scope is not None and row.scope not in token.scopes:
        access = "write" if row.write else "access"
        raise FitbitError("insufficient_scope", access_type=access, resource_type=row.resource_type)


def intraday_allowed(token: AccessToken, user: User) -> bool:
    """Personal apps: the owner's own data only. Server and Client apps: only with the intraday grant the app had
    when the token was issued (a new token is needed after a change, per the seed's forum answer)."""
    if token.app_type == "personal":
        return token.owner_user_id is not None and token.owner_user_id == user.id
    return token.intraday


def check_intraday(services: Services, row: Endpoint, token: AccessToken, user: User) -> None:
    if row.intraday and not intraday_allowed(token, user):
        if services.settings.intraday_denial == "classic":
            raise FitbitError("insufficient_permissions_fitbit")
        raise FitbitError("permission_denied")


async def read_form(request: Request) -> dict[str, str]:
    """Query string merged with an urlencoded body: Fitbit accepted write parameters in either [SW defect 7]."""
    merged = dict(request.query_params)
    if request.method in WRITE_METHODS:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/x-www-form-urlencoded") or content_type.startswith(
            "multipart/form-data"
        ):
            try:
                form = await request.form()
            except Exception as exc:  # malformed body: Fitbit's own answer, not a 500
                raise FitbitError("request_body_unreadable") from exc
            merged.update({k: v for k, v in form.items() if isinstance(v, str)})
    return merged


def make_endpoint(row: Endpoint, services: Services):
    """The Starlette endpoint for one registry row."""
    is_async = inspect.iscoroutinefunction(row.handler)

    async def run(request: Request) -> Response:
        headers: dict[str, str] = {}
        try:
            token = services.tokens.validate(bearer_token(request))
            fault = services.matching_fault(request.url.path, token.client_id, token.user_id)
            if fault is not None:
                raise FitbitError(fault.error_key)
            path = dict(request.path_params)
            user = resolve_user(services, path.pop("user_id", None), token)
            check_scope(row, token)
            if row.write and token.read_only:
                raise FitbitError("read_only_app")
            check_intraday(services, row, token, user)
            now = services.clock.now()
            if services.rate_limiter.enabled:
                quota = services.rate_limiter.hit(token.client_id, user.id, now)
                headers = quota.headers()
                if quota.exceeded:
                    raise FitbitError("too_many_requests", headers={"Retry-After": str(quota.reset)})
            ctx = RequestContext(
                request=request,
                services=services,
                endpoint=row,
                token=token,
                user=user,
                path=path,
                units=unit_system_for(request.headers.get("accept-language")),
                now=now,
                version=path.pop("version", "1"),
                form=await read_form(request) if row.write else {},
            )
            result = await row.handler(ctx) if is_async else row.handler(ctx)
        except FitbitError as error:
            return error_response(error, headers)
        if isinstance(result, Response):
            result.headers.update(headers)
            return result
        if result is None:
            return Response(status_code=row.status if row.status != 200 else 204, headers=headers)
        return json_response(result, row.status, headers)

    run.__name__ = row.name
    return run
