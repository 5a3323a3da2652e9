"""The overview, sign-in, the request log, the sandbox controls and the API explorer.

Sandbox actions are those of ``fitbit-local clock|faults|sandbox reset`` and ``/_sandbox/*``; the explorer mints a
token as ``fitbit-local tokens issue`` does and calls the API over HTTP like any client.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fitbit_local.api.openapi import openapi_document
from fitbit_local.console import actions, security
from fitbit_local.console.web import Form, call_self, page, problem, redirect
from fitbit_local.edge import json_response
from fitbit_local.oauth.scopes import ALL_SCOPES
from fitbit_local.oauth.tokens import issue_for_consent
from fitbit_local.sandbox import fault_error_key, injectable_errors, parse_duration, parse_instant
from fitbit_local.services import Services
from fitbit_local.store.faults import MAX_FAULT_COUNT
from fitbit_local.store.request_log import recent_requests

EXPLORER_COOKIE = "fitbit_local_explorer"


def _filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in ("app", "user", "status")}


def _int(text: str | None, low: int, high: int) -> int | None:
    if not text:
        return None
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{value} is not between {low} and {high}")
    return value


def explorer_operations() -> list[dict[str, Any]]:
    """The served /openapi.json as rows: method, path with its example values filled in, summary, scope."""
    document = openapi_document()
    out = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "delete"):
                continue
            example = path
            for param in operation.get("parameters", []):
                if param.get("in") != "path":
                    continue
                schema = param.get("schema", {})
                value = (schema.get("examples") or schema.get("enum") or [param.get("example", "-")])[0]
                if param["name"] in ("user-id", "user_id"):
                    value = "-"
                example = example.replace("{" + param["name"] + "}", str(value))
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "example": example,
                    "summary": operation.get("summary", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "scope": " ".join(
                        s for sec in operation.get("security", []) for s in sec.get("oauth2", [])
                    ),
                }
            )
    return out


class OtherPages:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def overview(self, request: Request, form: Form) -> Response:
        store = self.services.store
        return page(
            request,
            "overview.html",
            title="fitbit-local console",
            apps=store.apps.list(),
            users=store.users.list(),
            clock=self.services.clock.describe(),
            recent=recent_requests(store.engine, limit=5),
        )

    # --- sign-in ---------------------------------------------------------------------------------------------
    async def login_form(self, request: Request, form: Form, error: str | None = None) -> Response:
        return page(request, "login.html", status=401 if error else 200, title="Sign in", error=error)

    async def login(self, request: Request, form: Form) -> Response:
        if not security.sign_in_matches(form.get("token", "")):
            return await self.login_form(request, form, "That is not the admin token.")
        response = redirect("/console/")
        token = security.admin_token() or ""
        response.set_cookie(
            security.SESSION_COOKIE,
            security.session_value(token),
            path=security.COOKIE_PATH,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(self, request: Request, form: Form) -> Response:
        response = redirect("/console/login")
        response.delete_cookie(security.SESSION_COOKIE, path=security.COOKIE_PATH)
        return response

    # --- request log ------------------------------------------------------------------------------------------
    def _requests(self, request: Request, after: int = 0) -> list[Any]:
        f = _filters(request)
        return recent_requests(
            self.services.store.engine,
            client_id=f["app"] or None,
            user_id=f["user"] or None,
            status=f["status"] or None,
            after_id=after,
            limit=200,
        )

    async def requests(self, request: Request, form: Form) -> Response:
        try:
            rows = self._requests(request)
        except ValueError as exc:
            return problem(request, str(exc))
        return page(
            request,
            "requests.html",
            title="Request log",
            rows=rows,
            filters=_filters(request),
            apps=self.services.store.apps.list(),
            users=self.services.store.users.list(),
            size=self.services.settings.request_log_size,
        )

    async def requests_json(self, request: Request, form: Form) -> Response:
        """The rows after ``after`` (newest first), for the page's polling."""
        try:
            after = int(request.query_params.get("after") or 0)
            rows = self._requests(request, after)
        except ValueError as exc:
            return json_response({"error": str(exc)}, 400, security.HEADERS)
        return json_response({"requests": [r.to_json() for r in rows]}, 200, security.HEADERS)

    # --- sandbox ----------------------------------------------------------------------------------------------
    async def sandbox(
        self, request: Request, form: Form, notice: str | None = None, error: str | None = None
    ) -> Response:
        return page(
            request,
            "sandbox.html",
            status=400 if error else 200,
            title="Sandbox",
            clock=self.services.clock.describe(),
            faults=self.services.store.faults.list_faults(),
            errors=injectable_errors(),
            quotas=actions.rate_limit_state(self.services),
            limit=self.services.rate_limiter.limit,
            notice=notice,
            error=error,
        )

    async def clock(self, request: Request, form: Form) -> Response:
        clock = self.services.clock
        try:
            action = form.get("action")
            if action == "set":
                clock.set(parse_instant(form.get("instant", "")), frozen=form.get("frozen") == "on")
            elif action == "advance":
                clock.advance(parse_duration(form.get("duration", "")))
            elif action == "freeze":
                clock.set(parse_instant(str(clock.describe()["now"])), frozen=True)
            elif action == "reset":
                clock.reset()
            else:
                raise ValueError("choose set, advance, freeze or reset")
        except ValueError as exc:
            return await self.sandbox(request, form, error=str(exc))
        return redirect("/console/sandbox")

    async def fault_add(self, request: Request, form: Form) -> Response:
        try:
            self.services.store.faults.add_fault(
                fault_error_key(None, form.get("error") or None),
                client_id=form.get("app") or None,
                user_id=form.get("user") or None,
                path_prefix=form.get("path_prefix") or None,
                count=_int(form.get("count"), 1, MAX_FAULT_COUNT),
            )
        except ValueError as exc:
            return await self.sandbox(request, form, error=str(exc))
        return redirect("/console/sandbox")

    async def fault_clear(self, request: Request, form: Form) -> Response:
        try:
            self.services.store.faults.clear_faults(_int(form.get("id"), 1, 2**31 - 1))
        except ValueError as exc:
            return await self.sandbox(request, form, error=str(exc))
        return redirect("/console/sandbox")

    async def reset(self, request: Request, form: Form) -> Response:
        actions.reset_sandbox(self.services)
        return redirect("/console/sandbox")

    # --- API explorer -----------------------------------------------------------------------------------------
    async def explorer(self, request: Request, form: Form, **context: Any) -> Response:
        store = self.services.store
        defaults: dict[str, Any] = {
            "minted": None,
            "call": None,
            "path": request.query_params.get("path", "/1/user/-/profile.json"),
            "error": None,
        }
        return page(
            request,
            "explorer.html",
            title="API explorer",
            operations=explorer_operations(),
            apps=store.apps.list(),
            users=store.users.list(),
            scopes=ALL_SCOPES,
            has_token=bool(request.cookies.get(EXPLORER_COOKIE)),
            **(defaults | context),
        )

    async def mint(self, request: Request, form: Form) -> Response:
        """A token for the chosen app and user, as if the user had consented (``fitbit-local tokens issue``)."""
        store = self.services.store
        app = store.apps.get(form.get("app", ""))
        user = store.users.find(form.get("user", ""))
        scopes = {s for s in form.get("scope", "").split() if s in ALL_SCOPES}
        if app is None or user is None or not scopes:
            return await self.explorer(request, form, error="Choose an app, a user and at least one scope.")
        body = issue_for_consent(
            store.engine,
            signing_key=self.services.signing_key,
            app=app,
            user_id=user.id,
            granted=scopes,
            now=self.services.clock.now(),
        )
        minted = f"{app.name} ({app.client_id}) for {user.name} ({user.id}): {body['scope']}"
        response = await self.explorer(request, form, minted=minted)
        response.set_cookie(
            EXPLORER_COOKIE,
            str(body["access_token"]),
            path="/console",
            httponly=True,
            samesite="strict",
            max_age=28800,
        )
        return response

    async def try_it(self, request: Request, form: Form) -> Response:
        token = request.cookies.get(EXPLORER_COOKIE, "")
        path = form.get("path", "").strip()
        method = form.get("method", "GET").upper()
        if not token:
            return await self.explorer(request, form, path=path, error="Mint a token first.")
        if not path.startswith("/") or method not in ("GET", "POST", "DELETE"):
            return await self.explorer(request, form, path=path, error="The path starts with /.")
        headers = {"Authorization": f"Bearer {token}"}
        body = form.get("body", "")
        if method != "GET":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        call = await call_self(request, method, path, headers, body if method != "GET" else "")
        return await self.explorer(request, form, path=path, call=call)
