"""Who may use the console, and the checks every page and form goes through.

- Without ``FITBIT_LOCAL_ADMIN_TOKEN`` the console answers only loopback clients (the server binds 127.0.0.1 by
  default; this holds even when it is bound wider).
- With it, the console needs signing in with that token: the session cookie holds an HMAC of the token, so changing
  the token signs everyone out.
- Every form carries a CSRF token equal to a cookie of its own (double submit, SameSite=Strict), and a write whose
  ``Origin`` names another site is refused.
- Nothing here reads an ``Authorization`` header: an API access token opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets

from starlette.requests import Request

SESSION_COOKIE = "fitbit_local_console"
CSRF_COOKIE = "fitbit_local_console_csrf"
COOKIE_PATH = "/console"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


class Refused(Exception):
    """A console request refused: 403 with a message, or a redirect to sign in."""

    def __init__(self, message: str, *, sign_in: bool = False) -> None:
        super().__init__(message)
        self.sign_in = sign_in


def admin_token() -> str | None:
    return os.environ.get("FITBIT_LOCAL_ADMIN_TOKEN") or None


def session_value(token: str) -> str:
    return hmac.new(token.encode(), b"fitbit-local console session", hashlib.sha256).hexdigest()


def is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")  # Starlette's in-process test client


def check_access(request: Request) -> None:
    token = admin_token()
    if token is None:
        if not is_loopback(request):
            raise Refused(
                "The console answers only on this machine (loopback) unless FITBIT_LOCAL_ADMIN_TOKEN is set."
            )
        return
    presented = request.cookies.get(SESSION_COOKIE, "")
    if not hmac.compare_digest(presented.encode(), session_value(token).encode()):
        raise Refused("Sign in with the admin token.", sign_in=True)


def sign_in_matches(presented: str) -> bool:
    token = admin_token()
    return token is not None and hmac.compare_digest(presented.encode(), token.encode())


def csrf_token(request: Request) -> str:
    """The page's CSRF token: the cookie's, or a new one (set on the response by the page renderer)."""
    existing = request.cookies.get(CSRF_COOKIE, "")
    if len(existing) == 43:
        return existing
    cached = request.scope.get("fitbit_local.console_csrf")
    if cached is None:
        cached = secrets.token_urlsafe(32)
        request.scope["fitbit_local.console_csrf"] = cached
    return str(cached)


def check_form(request: Request, form_token: str | None) -> None:
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if origin != own:
            raise Refused(f"A form from {origin} may not change this console.")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not form_token or not hmac.compare_digest(cookie.encode(), form_token.encode()):
        raise Refused("The form expired or did not come from this console; reload the page and try again.")
