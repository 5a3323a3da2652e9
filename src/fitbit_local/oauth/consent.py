"""The consent flow behind GET/POST /oauth2/authorize, framework-neutral: parameters in, an Outcome out (a page
with its status, or a 303 redirect), and the CSRF nonce the caller must put in the cookie."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from fitbit_local.errors import FitbitError, render_consent_message
from fitbit_local.oauth import authorize
from fitbit_local.oauth.consent_page import FORM_EXPIRED, SIGN_IN_FAILED, consent_page, error_page
from fitbit_local.services import Services

CSRF_COOKIE = "fitbit_local_consent"
_NONCE = re.compile(r"[A-Za-z0-9_-]{22,64}")


@dataclass(frozen=True)
class Outcome:
    status: int
    html: str | None = None
    location: str | None = None
    nonce: str | None = None  # when set, (re)issue the CSRF cookie with this value


def _nonce(existing: str | None) -> str:
    return existing if existing and _NONCE.fullmatch(existing) else secrets.token_urlsafe(24)


def _error(error: FitbitError) -> Outcome:
    return Outcome(error.status, html=error_page(render_consent_message(error)))


def show(services: Services, pairs: list[tuple[str, str]], cookie_nonce: str | None) -> Outcome:
    """GET: validate the request and render the sign-in + consent form (or the error on the page, never a
    redirect)."""
    try:
        req = authorize.validate(services.store.apps, pairs, strict=services.settings.oauth_strict)
    except FitbitError as error:
        return _error(error)
    nonce = _nonce(cookie_nonce)
    return Outcome(
        200, html=consent_page(req, authorize.csrf_token(services.signing_key, nonce, req.raw)), nonce=nonce
    )


def submit(services: Services, form: list[tuple[str, str]], cookie_nonce: str | None) -> Outcome:
    """POST: re-validate the carried parameters, check the CSRF binding, then deny / sign in / issue."""
    values, _ = authorize.first_values(form)
    carried = [(name, values[name]) for name in authorize.FIELDS if name != "scope" and values.get(name)]
    carried.append(("scope", values.get("requested_scope", "")))
    try:
        req = authorize.validate(services.store.apps, carried, strict=services.settings.oauth_strict)
    except FitbitError as error:
        return _error(error)
    key = services.signing_key
    if not authorize.csrf_valid(key, cookie_nonce, req.raw, values.get("csrf_token")):
        nonce = _nonce(None)
        return Outcome(
            403,
            html=consent_page(req, authorize.csrf_token(key, nonce, req.raw), notice=FORM_EXPIRED),
            nonce=nonce,
        )
    if values.get("action") != "allow":
        return Outcome(303, location=authorize.denied_redirect(req))
    username = values.get("username", "")
    user = services.store.users.authenticate(username, values.get("password", "")) if username else None
    if user is None:
        csrf = authorize.csrf_token(key, cookie_nonce or "", req.raw)
        return Outcome(200, html=consent_page(req, csrf, notice=SIGN_IN_FAILED, username=username))
    if req.app.app_type == "personal" and req.app.owner_user_id != user.id:
        return _error(FitbitError("authorize_personal_not_owner"))
    granted = {value for name, value in form if name == "scope" and value in req.scopes}
    if not granted:  # unticking every scope is a denial
        return Outcome(303, location=authorize.denied_redirect(req))
    now = services.clock.now()
    if req.response_type == "token":
        location = authorize.implicit_redirect(services.store.engine, key, req, user.id, granted, now)
    else:
        location = authorize.code_redirect(
            req, authorize.create_code(services.store.engine, req, user.id, granted, now)
        )
    return Outcome(303, location=location)
