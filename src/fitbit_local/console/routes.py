"""The console's routes, all under ``/console/`` (``/`` redirects there; the API paths are untouched)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from fitbit_local.console.apps import AppPages
from fitbit_local.console.pages import OtherPages
from fitbit_local.console.tutorial import TutorialPages
from fitbit_local.console.users import UserPages
from fitbit_local.console.web import console_endpoint, static_file
from fitbit_local.services import Services


async def root(request: Request) -> Response:
    return RedirectResponse("/console/", status_code=302)


def routes(services: Services) -> list[BaseRoute]:
    apps, tutorial = AppPages(services), TutorialPages(services)
    users, other = UserPages(services), OtherPages(services)
    get, post = ["GET"], ["POST"]
    table = [
        ("/console/", get, other.overview),
        ("/console/login", get, other.login_form),
        ("/console/login", post, other.login),
        ("/console/logout", post, other.logout),
        ("/console/apps", get, apps.index),
        ("/console/apps", post, apps.create),
        ("/console/apps/new", get, apps.new),
        ("/console/apps/{client_id}", get, apps.show),
        ("/console/apps/{client_id}", post, apps.update),
        ("/console/apps/{client_id}/edit", get, apps.edit),
        ("/console/apps/{client_id}/intraday", post, apps.intraday),
        ("/console/apps/{client_id}/secret", post, apps.secret),
        ("/console/apps/{client_id}/callback-uri", post, apps.add_callback),
        ("/console/apps/{client_id}/tutorial", get, tutorial.start_form),
        ("/console/apps/{client_id}/tutorial", post, tutorial.start),
        ("/console/callback", get, tutorial.callback),
        ("/console/tutorial/exchange", post, tutorial.exchange),
        ("/console/tutorial/call", post, tutorial.call),
        ("/console/users", get, users.index),
        ("/console/users", post, users.create),
        ("/console/users/{user_id}", get, users.show),
        ("/console/users/{user_id}/day/{day}", get, users.day),
        ("/console/users/{user_id}/revoke", post, users.revoke),
        ("/console/requests", get, other.requests),
        ("/console/requests.json", get, other.requests_json),
        ("/console/sandbox", get, other.sandbox),
        ("/console/sandbox/clock", post, other.clock),
        ("/console/sandbox/faults", post, other.fault_add),
        ("/console/sandbox/faults/clear", post, other.fault_clear),
        ("/console/sandbox/reset", post, other.reset),
        ("/console/explorer", get, other.explorer),
        ("/console/explorer/token", post, other.mint),
        ("/console/explorer/try", post, other.try_it),
    ]
    out: list[BaseRoute] = [Route("/", root, methods=["GET"], name="console:root")]
    out.append(Route("/console", root, methods=["GET"], name="console:bare"))
    for path, methods, handler in table:
        endpoint = console_endpoint(handler, sign_in=path == "/console/login")
        out.append(Route(path, endpoint, methods=methods, name=f"console:{methods[0]}:{path}"))
    out.append(Route("/console/static/{name}", static_file, methods=["GET"], name="console:static"))
    return out
