"""The consent flow behind GET/POST /oauth2/authorize, framework-neutral: parameters and cookies in, an Outcome out
(a page with its status, or a redirect), and the cookies the caller must set.

With a valid sign-in session (`session.py`) the page skips what Fitbit skipped: a user who already granted the app
every requested scope is sent straight back (unless `prompt` has `consent` or `login`), and otherwise sees the
consent form without the password field. `prompt=login` always asks for the password.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace

from fitbit_local.errors import FitbitError, render_consent_message
from fitbit_local.oauth import authorize, session
from fitbit_local.oauth.consent_page import (
    FORM_EXPIRED,
    SESSION_ENDED,
    SIGN_IN_FAILED,
    consent_page,
    error_page,
)
from fitbit_local.services import Services
from fitbit_local.store.apps import App
from fitbit_local.store.users import User

CSRF_COOKIE = "fitbit_local_consent"
_NONCE = re.compile(r"[A-Za-z0-9_-]{22,64}")


@dataclass(frozen=True)
class Outcome:
    status: int
    html: str | None = None
    location: str | None = None
    nonce: str | None = None  # when set, (re)issue the CSRF cookie with this value
    session: str | None = None  # when set, (re)issue the sign-in session cookie with this value


def _nonce(existing: str | None) -> str:
    return existing if existing and _NONCE.fullmatch(existing) else secrets.token_urlsafe(24)


def _error(error: FitbitError) -> Outcome:
    return Outcome(error.status, html=error_page(render_consent_message(error)))


def _signed_in(services: Services, cookie: str | None) -> User | None:
    """The session's user; a session for a user that no longer exists counts as no session."""
    user_id = session.session_user_id(services.signing_key, cookie, services.clock.now())
    return services.store.users.get(user_id) if user_id else None


def _may_authorize(app: App, user: User) -> bool:
    return app.app_type != "personal" or app.owner_user_id == user.id


def _allow(services: Services, req: authorize.AuthorizeRequest, user: User, granted: set[str]) -> str:
    """Where "Allow" sends the browser: a new code, or the implicit grant's token fragment."""
    if req.response_type == "token":
        return authorize.implicit_redirect(services.store, services.signing_key, req, user.id, granted)
    return authorize.code_redirect(req, authorize.create_code(services.store, req, user.id, granted))


def _form(
    services: Services,
    req: authorize.AuthorizeRequest,
    nonce: str,
    *,
    status: int = 200,
    notice: str | None = None,
    username: str = "",
    signed_in: User | None = None,
) -> Outcome:
    csrf = authorize.csrf_token(services.signing_key, nonce, req.raw)
    html = consent_page(req, csrf, notice=notice, username=username, signed_in=signed_in)
    return Outcome(status, html=html, nonce=nonce)


def show(
    services: Services, pairs: list[tuple[str, str]], cookie_nonce: str | None, session_cookie: str | None
) -> Outcome:
    """GET: validate the request (errors on the page, never a redirect), then redirect straight back when the
    signed-in user already granted every requested scope, or render the consent form."""
    try:
        req = authorize.validate(services.store.apps, pairs, strict=services.settings.oauth_strict)
    except FitbitError as error:
        return _error(error)
    user = None if req.force_login else _signed_in(services, session_cookie)
    if user is not None and not req.force_consent and _may_authorize(req.app, user):
        grant = services.store.grants.grant(req.app.client_id, user.id)
        if grant is not None and grant.scopes.issuperset(req.scopes):
            return Outcome(302, location=_allow(services, req, user, set(req.scopes)))  # Fitbit's 302 [DOC]
    return _form(services, req, _nonce(cookie_nonce), signed_in=user)


def submit(
    services: Services, form: list[tuple[str, str]], cookie_nonce: str | None, session_cookie: str | None
) -> Outcome:
    """POST: re-validate the carried parameters, check the CSRF binding, sign in (password or session), then deny
    or issue."""
    values, _ = authorize.first_values(form)
    carried = [(name, values[name]) for name in authorize.FIELDS if name != "scope" and values.get(name)]
    carried.append(("scope", values.get("requested_scope", "")))
    try:
        req = authorize.validate(services.store.apps, carried, strict=services.settings.oauth_strict)
    except FitbitError as error:
        return _error(error)
    if not authorize.csrf_valid(services.signing_key, cookie_nonce, req.raw, values.get("csrf_token")):
        signed_in = None if req.force_login else _signed_in(services, session_cookie)
        return _form(services, req, _nonce(None), status=403, notice=FORM_EXPIRED, signed_in=signed_in)
    username = values.get("username", "")
    user: User | None = None
    new_session: str | None = None
    if username:
        user = services.store.users.authenticate(username, values.get("password", ""))
        if user is not None:
            new_session = session.session_cookie(services.signing_key, user.id, services.clock.now())
    if values.get("action") != "allow":  # denying does not require signing in
        return Outcome(303, location=authorize.denied_redirect(req), session=new_session)
    if user is None and not username and not req.force_login:
        # The session form: it must still be the user the page showed ("signed_in_as").
        current = _signed_in(services, session_cookie)
        if current is not None and current.id == values.get("signed_in_as"):
            user = current
    if user is None:
        notice = SESSION_ENDED if session_cookie and not (username or req.force_login) else SIGN_IN_FAILED
        shown = _form(services, req, cookie_nonce or "", notice=notice, username=username)
        return replace(shown, nonce=None)  # the CSRF cookie stays as it is
    if not _may_authorize(req.app, user):
        return replace(_error(FitbitError("authorize_personal_not_owner")), session=new_session)
    granted = {value for name, value in form if name == "scope" and value in req.scopes}
    if not granted:  # unticking every scope is a denial
        return Outcome(303, location=authorize.denied_redirect(req), session=new_session)
    return Outcome(303, location=_allow(services, req, user, granted), session=new_session)
