"""Starlette routes of the OAuth 2.0 server; thin: read the request, run the framework-neutral logic in a worker
thread (it does database work and password hashing), write the response.

    GET/POST /oauth2/authorize      sign-in + consent page (www.fitbit.com used the same path)
    POST     /oauth2/token          authorization_code, refresh_token, client_credentials
    POST     /oauth2/revoke         RFC 7009
    POST     /oauth2/recover        refresh-token recovery [DOC oauth2-additions]
    POST     /1.1/oauth2/introspect RFC 7662 (and the deprecated v1.0 POST /oauth2/introspect)
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from fitbit_local.edge import CALLER, bearer_token, json_response, raise_injected_fault
from fitbit_local.errors import FitbitError, render_consent_message
from fitbit_local.explanations import EXPLANATION_HEADER, explain_token_endpoint, header_value
from fitbit_local.oauth import consent, introspect, session, token_endpoint
from fitbit_local.oauth.client_auth import BASIC_CHALLENGE, claimed_client_id
from fitbit_local.oauth.consent_page import SECURITY_HEADERS, error_page
from fitbit_local.oauth.params import OAuthParams, read_body, read_params
from fitbit_local.services import Services

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _is_https(request: Request) -> bool:
    return request.headers.get("x-forwarded-proto", request.url.scheme) == "https"


def _page(request: Request, outcome: consent.Outcome) -> Response:
    response: Response
    if outcome.location is not None:
        response = RedirectResponse(outcome.location, status_code=outcome.status, headers=SECURITY_HEADERS)
    else:
        response = HTMLResponse(outcome.html or "", status_code=outcome.status, headers=SECURITY_HEADERS)
    if outcome.nonce is not None:
        response.set_cookie(
            consent.CSRF_COOKIE,
            outcome.nonce,
            path="/oauth2",
            httponly=True,
            samesite="strict",
            secure=_is_https(request),
        )
    if outcome.session is not None:
        # Lax, not Strict: it must come along on the top-level GET navigation from the client's site.
        response.set_cookie(
            session.SESSION_COOKIE,
            outcome.session,
            max_age=session.SESSION_LIFETIME,
            path="/oauth2",
            httponly=True,
            samesite="lax",
            secure=_is_https(request),
        )
    return response


def routes(services: Services) -> list[BaseRoute]:
    async def authorize_get(request: Request) -> Response:
        pairs = parse_qsl(request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        cookie = request.cookies.get(consent.CSRF_COOKIE)
        signed_in = request.cookies.get(session.SESSION_COOKIE)
        return _page(request, await run_in_threadpool(consent.show, services, pairs, cookie, signed_in))

    async def authorize_post(request: Request) -> Response:
        try:
            body = await read_body(request)
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200)
        except (FitbitError, ValueError):  # oversized (refused before reading), undecodable, too many fields
            message = render_consent_message(FitbitError("request_body_unreadable"))
            return HTMLResponse(error_page(message), status_code=400, headers=SECURITY_HEADERS)
        cookie = request.cookies.get(consent.CSRF_COOKIE)
        signed_in = request.cookies.get(session.SESSION_COOKIE)
        return _page(request, await run_in_threadpool(consent.submit, services, pairs, cookie, signed_in))

    def client_endpoint(logic: Callable[[Services, str, str | None, OAuthParams], dict[str, object]]):
        async def endpoint(request: Request) -> Response:
            try:
                params = await read_params(request)
                request.scope[CALLER] = (
                    claimed_client_id(request.headers.get("authorization"), params),
                    None,
                )
                body = await run_in_threadpool(
                    logic, services, request.url.path, request.headers.get("authorization"), params
                )
            except FitbitError as error:  # rendered by the app's one FitbitError handler, with these headers
                error.headers = {
                    **NO_STORE,
                    **(BASIC_CHALLENGE if error.status == 401 else {}),
                    **error.headers,
                }
                if EXPLANATION_HEADER not in error.headers:
                    why = explain_token_endpoint(request.url.path, error)
                    error.headers[EXPLANATION_HEADER] = header_value(why)
                raise
            if isinstance(body.get("user_id"), str):
                request.scope[CALLER] = (request.scope[CALLER][0], body["user_id"])
            return json_response(body, 200, NO_STORE)

        return endpoint

    def introspect_endpoint(shape: Callable[[dict[str, object] | None], dict[str, object]]):
        def run(authorization_token: str, params: OAuthParams, path: str) -> dict[str, object]:
            caller = services.tokens.validate(authorization_token)
            raise_injected_fault(services, path, caller.client_id, caller.user_id)
            return shape(
                introspect.introspect(
                    services.store.grants, caller, params.get("token"), services.clock.now()
                )
            )

        async def endpoint(request: Request) -> Response:
            try:
                presented = bearer_token(request)
                params = await read_params(request)
                body = await run_in_threadpool(run, presented, params, request.url.path)
            except FitbitError as error:
                error.headers = {**NO_STORE, **error.headers}
                raise
            return json_response(body, 200, NO_STORE)

        return endpoint

    return [
        Route("/oauth2/authorize", authorize_get, methods=["GET"], name="oauth2:authorize"),
        Route("/oauth2/authorize", authorize_post, methods=["POST"], name="oauth2:authorize:post"),
        Route("/oauth2/token", client_endpoint(token_endpoint.token), methods=["POST"], name="oauth2:token"),
        Route(
            "/oauth2/revoke", client_endpoint(token_endpoint.revoke), methods=["POST"], name="oauth2:revoke"
        ),
        Route(
            "/oauth2/recover",
            client_endpoint(token_endpoint.recover),
            methods=["POST"],
            name="oauth2:recover",
        ),
        Route(
            "/1.1/oauth2/introspect",
            introspect_endpoint(introspect.introspection_v11),
            methods=["POST"],
            name="oauth2:introspect",
        ),
        Route(
            "/oauth2/introspect",
            introspect_endpoint(introspect.introspection_v10),
            methods=["POST"],
            name="oauth2:introspect:v1",
        ),
    ]
