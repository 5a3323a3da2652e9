"""The OAuth 2.0 tutorial, as dev.fitbit.com had it: pick a flow and scopes, get the authorization URL (code flow
with PKCE, or implicit), sign in and consent, come back to the console's callback, exchange the code, and make a
first API call, with every request and response shown.

The tutorial's state (the app, the PKCE verifier, the expected ``state``, the secret typed in, the token) lives in an
HttpOnly cookie scoped to ``/console``: nothing is kept in the server, so any worker can take the callback. The token
exchange and the API call are real HTTP requests to this server, so they appear in the request log like any
client's.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response

from fitbit_local.console import security
from fitbit_local.console.apps import callback_url, oauth_urls
from fitbit_local.console.web import Form, call_self, page, problem
from fitbit_local.oauth.scopes import ALL_SCOPES
from fitbit_local.services import Services

COOKIE = "fitbit_local_tutorial"
FIRST_CALL = "/1/user/-/profile.json"
SEED_CALL = "/1/user/-/activities/active-zone-minutes/date/today/1d/15min.json"


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _state(request: Request) -> dict[str, str]:
    try:
        value = orjson.loads(request.cookies.get(COOKIE, "") or "{}")
    except orjson.JSONDecodeError:
        return {}
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


def _keep(response: Response, state: dict[str, str]) -> Response:
    response.set_cookie(
        COOKIE,
        orjson.dumps(state).decode(),
        path=security.COOKIE_PATH,
        httponly=True,
        samesite="lax",  # it must come along on the redirect back from the consent page
        max_age=3600,
    )
    return response


class TutorialPages:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _page(self, request: Request, state: dict[str, str], **context: Any) -> Response:
        app = self.services.store.apps.get(state.get("client_id", "")) if state else None
        defaults: dict[str, Any] = {
            "app": app,
            "state": state,
            "authorize_url": None,
            "exchange": None,
            "call": None,
            "code": None,
            "error": None,
            "first_call": FIRST_CALL,
            "seed_call": SEED_CALL,
        }
        return page(request, "tutorial_step.html", title="OAuth 2.0 tutorial", **(defaults | context))

    async def start_form(self, request: Request, form: Form) -> Response:
        app = self.services.store.apps.get(request.path_params["client_id"])
        if app is None:
            return problem(request, "No such app.", 404)
        callback = callback_url(request)
        return page(
            request,
            "tutorial.html",
            title=f"OAuth 2.0 tutorial: {app.name}",
            app=app,
            callback=callback,
            registered=callback in app.redirect_uris,
            scopes=ALL_SCOPES,
            chosen=("activity", "heartrate", "profile", "sleep"),
            users=self.services.store.users.list(),
            urls=oauth_urls(request),
        )

    async def start(self, request: Request, form: Form) -> Response:
        """Step 1: the authorization URL."""
        app = self.services.store.apps.get(request.path_params["client_id"])
        if app is None:
            return problem(request, "No such app.", 404)
        flow = "token" if form.get("flow") == "token" else "code"
        scopes = [s for s in form.get("scope", "").split() if s in ALL_SCOPES]
        redirect_uri = form.get("redirect_uri") or callback_url(request)
        state = {
            "client_id": app.client_id,
            "flow": flow,
            "redirect_uri": redirect_uri,
            "state": secrets.token_urlsafe(12),
            "secret": form.get("client_secret", "").strip(),
            "scope": " ".join(scopes),
        }
        query = {
            "client_id": app.client_id,
            "response_type": flow,
            "scope": state["scope"],
            "redirect_uri": redirect_uri,
            "state": state["state"],
            "prompt": "login",  # sign in every time: the tutorial is about a user's consent
        }
        if flow == "code":
            state["verifier"] = secrets.token_urlsafe(48)
            query.update(code_challenge=_challenge(state["verifier"]), code_challenge_method="S256")
        else:
            query["expires_in"] = form.get("expires_in") or "86400"
        url = f"{oauth_urls(request)['authorize']}?{urlencode(query, quote_via=quote)}"
        state["authorize_url"] = url
        return _keep(self._page(request, state, authorize_url=url, query=query), state)

    async def callback(self, request: Request, form: Form) -> Response:
        """Step 2: the redirect back, with ``code`` (or an error) in the query, or a token in the fragment."""
        state = _state(request)
        params = request.query_params
        error = None
        if "error" in params:
            error = f"{params.get('error')}: {params.get('error_description', '')}"
        elif "code" in params and params.get("state") != state.get("state"):
            error = (
                "the state parameter does not match the one this tutorial sent (a forged or stale redirect)"
            )
        return self._page(request, state, code=params.get("code") if error is None else None, error=error)

    async def exchange(self, request: Request, form: Form) -> Response:
        """Step 3: POST /oauth2/token with the code and the PKCE verifier."""
        state = _state(request)
        if not state.get("client_id"):
            return problem(request, "Start the tutorial from an app's page first.")
        secret = form.get("client_secret", "").strip() or state.get("secret", "")
        state["secret"] = secret
        body = {
            "client_id": state["client_id"],
            "grant_type": "authorization_code",
            "redirect_uri": state.get("redirect_uri", ""),
            "code": form.get("code", ""),
        }
        if state.get("verifier"):
            body["code_verifier"] = state["verifier"]
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if secret:
            basic = base64.b64encode(f"{state['client_id']}:{secret}".encode()).decode()
            headers["Authorization"] = f"Basic {basic}"
        exchange = await call_self(request, "POST", "/oauth2/token", headers, urlencode(body))
        if exchange.status == 200:
            token = orjson.loads(exchange.response_body)
            state.update(access_token=str(token["access_token"]), user_id=str(token.get("user_id", "")))
        return _keep(self._page(request, state, exchange=exchange), state)

    async def call(self, request: Request, form: Form) -> Response:
        """Step 4: an API call with the token."""
        state = _state(request)
        token = form.get("access_token", "").strip() or state.get("access_token", "")
        if form.get("access_token"):
            state["access_token"] = token
        path = form.get("path", FIRST_CALL).strip() or FIRST_CALL
        if not path.startswith("/"):
            return problem(request, "The path starts with / (e.g. /1/user/-/profile.json).")
        call = await call_self(request, "GET", path, {"Authorization": f"Bearer {token}"})
        return _keep(self._page(request, state, call=call, path=path), state)
