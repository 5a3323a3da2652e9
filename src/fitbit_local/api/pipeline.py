"""The resource pipeline every registry row runs through:

authenticate (Bearer) → injected faults → resolve user (``-`` or the caller's own encoded id) → scope → write
permission → intraday permission → rate limit → parameters (every one the row declares, parsed and validated, then
the row's days or intraday span) → handler → orjson body, with the rate-limit headers on every response from the
rate-limit step on. A refusal also names the step that refused it, in the ``X-Fitbit-Local-Explanation`` header
(explanations.py), beside Fitbit's unchanged body.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from datetime import date
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import local_today
from fitbit_local.api.registry import Endpoint, ParseScope, Shape
from fitbit_local.api.response_cache import CachedBody
from fitbit_local.api.spans import intraday_span, series_days
from fitbit_local.api.units import unit_system_for
from fitbit_local.edge import (
    CALLER,
    JSON_MEDIA_TYPE,
    bearer_token,
    json_response,
    raise_injected_fault,
    raw_header,
)
from fitbit_local.errors import FitbitError
from fitbit_local.explanations import EXPLANATION_HEADER, explain_pipeline, header_value
from fitbit_local.oauth.tokens import AccessToken
from fitbit_local.services import Services
from fitbit_local.store.users import User

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


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


async def read_form(request: Request, *, json_body: bool = False) -> dict[str, str]:
    """An urlencoded or multipart body's text fields: Fitbit accepted write parameters there or in the query string
    [SW defect 7]; for a row with `json_body`, also a JSON object body's members."""
    content_type = request.headers.get("content-type", "")
    if json_body and request.method in WRITE_METHODS and content_type.startswith("application/json"):
        return await read_json_object(request)
    if request.method not in WRITE_METHODS or not content_type.startswith(FORM_TYPES):
        return {}
    try:
        form = await request.form()
    except FitbitError:  # the edge refused the body (too slow, too large)
        raise
    except Exception as exc:  # malformed body: Fitbit's own answer, not a 500
        raise FitbitError("request_body_unreadable") from exc
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def read_json_object(request: Request) -> dict[str, str]:
    """A JSON object body's members as parameters, non-string values as their JSON text (Create Meal's
    ``mealFoods`` [DOC create-meal: a JSON body]). An empty or non-object body holds none (generated clients send
    ``Content-Type: application/json`` with an empty body and the parameters in the query string)."""
    try:
        data = orjson.loads(await request.body() or b"{}")
    except FitbitError:  # the edge refused the body (too slow, too large)
        raise
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in data.items()}


def parse_args(
    row: Endpoint,
    today: date,
    path: Mapping[str, str],
    query: Mapping[str, str],
    form: Mapping[str, str],
    request_path: str = "",
) -> dict[str, Any]:
    """Every parameter the row declares, parsed; a form parameter may also come in the query string."""
    scope = ParseScope(row, today, request_path)
    args: dict[str, Any] = {}
    for param in row.params:
        if param.where == "path":
            raw = path.get(param.key)
        elif param.where == "query":
            raw = query.get(param.key)
        else:
            raw = form.get(param.key, query.get(param.key))
        if raw is None:
            if param.required and param.where != "path":  # a path template may leave an optional one out
                raise FitbitError(
                    "validation_required",
                    field_name=param.name,
                    label=param.name[:1].upper() + param.name[1:],
                )
            continue
        args[param.key] = param.parse(raw, scope)
    return args


def make_endpoint(row: Endpoint, services: Services):
    """The Starlette endpoint for one registry row."""
    is_async = inspect.iscoroutinefunction(row.handler)
    default_status = row.status

    async def run(request: Request) -> Response:
        headers: dict[str, str] = {}
        step, token, user = "authentication", None, None  # the step running, for the refusal's explanation
        try:
            token = services.tokens.validate(bearer_token(request))
            request.scope[CALLER] = (token.client_id, token.user_id)
            step = "injected fault"
            raise_injected_fault(services, request.scope["path"], token.client_id, token.user_id)
            path = request.path_params
            step = "user"
            user = resolve_user(services, path.get("user_id"), token)
            step = "scope"
            check_scope(row, token)
            step = "write permission"
            if row.write and token.read_only:
                raise FitbitError("read_only_app")
            step = "intraday"
            check_intraday(services, row, token, user)
            step = "rate limit"
            now = services.clock.now()
            if services.rate_limiter.enabled:
                quota = services.rate_limiter.hit(token.client_id, user.id, now)
                headers = quota.headers()
                if quota.exceeded:
                    raise FitbitError("too_many_requests", headers={"Retry-After": str(quota.reset)})
            step = "parameters"
            units = unit_system_for(raw_header(request.scope, b"accept-language"))
            cache_key = None
            if row.method == "GET":
                cache_key = (
                    row.name,
                    request.scope["path"],
                    request.scope["query_string"],
                    units.name,
                    user.id,
                    token.scopes,
                    int(now // 60),
                )
                cached = services.responses.get(cache_key)
                if cached is not None:
                    return Response(cached.body, cached.status, headers, media_type=cached.media_type)
            today = local_today(user.current_timezone, now)
            form = await read_form(request, json_body=row.json_body) if row.form else {}
            args = parse_args(row, today, path, request.query_params, form, request.scope["path"])
            ctx = RequestContext(
                request=request,
                services=services,
                endpoint=row,
                token=token,
                user=user,
                units=units,
                now=now,
                today=today,
                args=args,
            )
            if row.shape is Shape.SERIES:
                ctx.days = series_days(row, args, lambda: services.store.series.first_day(user.id))
            elif row.shape is Shape.INTRADAY:
                ctx.span = intraday_span(row, args)
            step = "handler"
            result = await row.handler(ctx) if is_async else row.handler(ctx)
        except FitbitError as error:
            error.headers = {**headers, **error.headers}  # rendered by the app's one FitbitError handler
            if EXPLANATION_HEADER not in error.headers:
                why = explain_pipeline(step, error, services=services, row=row, token=token, user=user)
                error.headers[EXPLANATION_HEADER] = header_value(why)
            raise
        if result is None:
            return Response(status_code=default_status if default_status != 200 else 204, headers=headers)
        response = result if isinstance(result, Response) else json_response(result, default_status)
        if cache_key is not None:
            media_type = response.headers.get("content-type", JSON_MEDIA_TYPE)
            services.responses.put(
                cache_key, CachedBody(bytes(response.body), response.status_code, media_type)
            )
        response.headers.update(headers)
        return response

    run.__name__ = row.name
    return run
