"""Apps pages: "Register an app", "Manage my apps" (credentials and OAuth URLs as dev.fitbit.com showed them, the
secret shown once and re-generable, the intraday grant as a switch), and editing. The same operations as
``fitbit-local apps create|update|details|secret``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fitbit_local.console.web import Form, page, problem, redirect
from fitbit_local.services import Services
from fitbit_local.store.apps import APP_TYPES, DETAIL_FIELDS, App, check_details

FIELD_LABELS = {
    "description": "Description",
    "website": "Application Website URL",
    "organization": "Organization",
    "organization_website": "Organization Website URL",
    "terms_url": "Terms of Service URL",
    "privacy_url": "Privacy Policy URL",
}


def callback_url(request: Request) -> str:
    """The console's own redirect target, as the browser reaches this server."""
    return f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}/console/callback"


def oauth_urls(request: Request) -> dict[str, str]:
    base = f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}"
    return {
        "authorize": f"{base}/oauth2/authorize",
        "token": f"{base}/oauth2/token",
        "revoke": f"{base}/oauth2/revoke",
    }


def _redirect_uris(form: Form) -> list[str]:
    return [line.strip() for line in form.get("redirect_uris", "").splitlines() if line.strip()]


class AppPages:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _form_page(self, request: Request, form: Form, error: str | None, app: App | None = None) -> Response:
        return page(
            request,
            "app_form.html",
            status=400 if error else 200,
            title=f"Edit {app.name}" if app else "Register an application",
            app=app,
            form=form,
            error=error,
            labels=FIELD_LABELS,
            detail_fields=DETAIL_FIELDS,
            app_types=APP_TYPES,
            users=self.services.store.users.list(),
        )

    def _show(
        self, request: Request, app: App, secret: str | None = None, notice: str | None = None
    ) -> Response:
        return page(
            request,
            "app.html",
            title=app.name,
            app=app,
            details=self.services.store.app_details.get(app.client_id),
            labels=FIELD_LABELS,
            secret=secret,
            notice=notice,
            urls=oauth_urls(request),
            callback=callback_url(request),
        )

    def _app(self, request: Request) -> App | None:
        return self.services.store.apps.get(request.path_params["client_id"])

    async def index(self, request: Request, form: Form) -> Response:
        return page(request, "apps.html", title="Manage my apps", apps=self.services.store.apps.list())

    async def new(self, request: Request, form: Form) -> Response:
        defaults = {"app_type": "server", "access": "read-write", "redirect_uris": callback_url(request)}
        return self._form_page(request, defaults, None)

    async def create(self, request: Request, form: Form) -> Response:
        store = self.services.store
        owner = form.get("owner") or None
        try:
            if not form.get("name", "").strip():
                raise ValueError("the application name is required")
            if owner is not None and store.users.get(owner) is None:
                raise ValueError(f"no user {owner!r}")
            details = {k: form.get(k, "").strip() for k in DETAIL_FIELDS}
            check_details(details)
            app, secret = store.apps.create(
                name=form["name"].strip(),
                app_type=form.get("app_type", ""),
                redirect_uris=_redirect_uris(form),
                owner_user_id=owner,
                read_only=form.get("access") == "read-only",
            )
        except ValueError as exc:
            return self._form_page(request, form, str(exc))
        store.app_details.set(app.client_id, **details)
        return self._show(request, app, secret=secret, notice="Registered. Copy the client secret now.")

    async def show(self, request: Request, form: Form) -> Response:
        app = self._app(request)
        if app is None:
            return problem(request, "No such app.", 404)
        return self._show(request, app)

    async def edit(self, request: Request, form: Form) -> Response:
        app = self._app(request)
        if app is None:
            return problem(request, "No such app.", 404)
        current = {
            "name": app.name,
            "app_type": app.app_type,
            "access": "read-only" if app.read_only else "read-write",
            "redirect_uris": "\n".join(app.redirect_uris),
            "owner": app.owner_user_id or "",
            **self.services.store.app_details.get(app.client_id),
        }
        return self._form_page(request, current, None, app)

    async def update(self, request: Request, form: Form) -> Response:
        store = self.services.store
        app = self._app(request)
        if app is None:
            return problem(request, "No such app.", 404)
        try:
            owner = form.get("owner") or None
            if owner is not None and store.users.get(owner) is None:
                raise ValueError(f"no user {owner!r}")
            details = {k: form.get(k, "").strip() for k in DETAIL_FIELDS}
            check_details(details)
            app = store.apps.update(
                app.client_id,
                app_type=form.get("app_type") or None,
                read_only=form.get("access") == "read-only",
                owner_user_id=owner,
                redirect_uris=_redirect_uris(form),
            )
        except ValueError as exc:
            return self._form_page(request, form, str(exc), app)
        store.app_details.set(app.client_id, **details)
        return redirect(f"/console/apps/{app.client_id}")

    async def intraday(self, request: Request, form: Form) -> Response:
        app = self._app(request)
        if app is None:
            return problem(request, "No such app.", 404)
        granted = form.get("intraday") == "on"
        app = self.services.store.apps.update(app.client_id, intraday=granted)
        state = "granted" if granted else "withdrawn"
        return self._show(
            request,
            app,
            notice=f"Intraday access {state}. Take a new token: tokens issued before keep the old permission.",
        )

    async def secret(self, request: Request, form: Form) -> Response:
        app = self._app(request)
        if app is None:
            return problem(request, "No such app.", 404)
        secret = self.services.store.app_details.regenerate_secret(app.client_id)
        return self._show(
            request, app, secret=secret, notice="A new client secret; the old one no longer works."
        )

    async def add_callback(self, request: Request, form: Form) -> Response:
        """Register the console's callback URL with the app, for the tutorial."""
        app = self._app(request)
        if app is None:
            return problem(request, "No such app.", 404)
        uri = callback_url(request)
        if uri not in app.redirect_uris:
            self.services.store.apps.update(app.client_id, redirect_uris=[*app.redirect_uris, uri])
        return redirect(f"/console/apps/{app.client_id}/tutorial")
