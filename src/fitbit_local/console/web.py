"""What every console page shares: the access check, CSRF on forms, rendering with the security headers, and HTTP
calls to this same server (the tutorial and the explorer show real requests and responses, which also land in the
request log like any client's)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from fitbit_local.console import security
from fitbit_local.templates import render

NAV = (
    ("/console/", "Overview"),
    ("/console/apps", "Apps"),
    ("/console/users", "Users"),
    ("/console/requests", "Request log"),
    ("/console/sandbox", "Sandbox"),
    ("/console/explorer", "API explorer"),
)
Form = dict[str, str]
Handler = Callable[[Request, Form], Awaitable[Response]]


def page(
    request: Request, template: str, *, status: int = 200, title: str, **context: object
) -> HTMLResponse:
    csrf = security.csrf_token(request)
    html = render(
        f"console/{template}",
        title=title,
        nav=NAV,
        here=request.url.path,
        csrf=csrf,
        signed_in=security.admin_token() is not None,
        **context,
    )
    response = HTMLResponse(html, status, headers=security.HEADERS)
    if request.cookies.get(security.CSRF_COOKIE) != csrf:
        response.set_cookie(
            security.CSRF_COOKIE, csrf, path=security.COOKIE_PATH, httponly=True, samesite="strict"
        )
    return response


def problem(request: Request, message: str, status: int = 400) -> HTMLResponse:
    return page(request, "problem.html", status=status, title="Not done", message=message)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=security.HEADERS)


def console_endpoint(handler: Handler, *, sign_in: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """The access check for every request (not for the sign-in page itself), and the CSRF check and form for every
    POST."""

    async def endpoint(request: Request) -> Response:
        try:
            if not sign_in:
                security.check_access(request)
            form: Form = {}
            if request.method == "POST":
                raw = await request.form()  # a field sent several times (checkboxes) is joined with newlines
                form = {k: "\n".join(v for v in raw.getlist(k) if isinstance(v, str)) for k in raw}
                security.check_form(request, form.get("csrf"))
        except security.Refused as refused:
            if refused.sign_in:
                return redirect("/console/login")
            return HTMLResponse(
                render("console/refused.html", title="Refused", message=str(refused)),
                403,
                headers=security.HEADERS,
            )
        return await handler(request, form)

    endpoint.__name__ = handler.__name__
    return endpoint


async def static_file(request: Request) -> Response:
    name = request.path_params["name"]
    types = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8", "png": "image/png"}
    kind = name.rsplit(".", 1)[-1]
    if "/" in name or kind not in types:
        return Response(status_code=404)
    source = resources.files("fitbit_local.console").joinpath("static", name)
    if not source.is_file():
        return Response(status_code=404)
    return Response(source.read_bytes(), media_type=types[kind], headers={"Cache-Control": "max-age=300"})


@dataclass
class Exchange:
    """One HTTP request to this server and its response, as the tutorial and the explorer show them."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""

    @property
    def explanation(self) -> str | None:
        return next(
            (v for k, v in self.response_headers.items() if k.lower() == "x-fitbit-local-explanation"), None
        )


def own_base_url(request: Request) -> str:
    """This server as seen from itself: the socket it listens on (0.0.0.0 is reached at 127.0.0.1)."""
    server = request.scope.get("server")
    if not server:
        return str(request.base_url).rstrip("/")
    host, port = server
    host = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{request.url.scheme}://{host}:{port}"


def _send(exchange: Exchange) -> Exchange:
    data = exchange.request_body.encode() if exchange.method != "GET" else None
    outgoing = urllib.request.Request(
        exchange.url, data=data, method=exchange.method, headers=exchange.request_headers
    )
    try:
        with urllib.request.urlopen(outgoing, timeout=30) as response:  # noqa: S310 - our own server
            exchange.status = response.status
            exchange.response_headers = dict(response.headers.items())
            exchange.response_body = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        exchange.status = error.code
        exchange.response_headers = dict(error.headers.items())
        exchange.response_body = error.read().decode("utf-8", "replace")
    return exchange


async def call_self(
    request: Request, method: str, path: str, headers: dict[str, str], body: str = ""
) -> Exchange:
    exchange = Exchange(method, own_base_url(request) + path, headers, body)
    return await run_in_threadpool(_send, exchange)
