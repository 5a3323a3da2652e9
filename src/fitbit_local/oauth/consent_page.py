"""The sign-in + consent page and the error page, rendered from the Jinja2 templates ``oauth/consent.html`` and
``oauth/error.html`` (autoescaped, `fitbit_local.templates`), with the anti-framing/anti-leak headers (anchors A10,
A11) on every response."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote, urlencode

from markupsafe import Markup

from fitbit_local.oauth.authorize import FIELDS, AuthorizeRequest
from fitbit_local.store.users import User
from fitbit_local.templates import render

SCOPE_DESCRIPTIONS: dict[str, str] = {  # [SW securityDefinitions.oauth2.scopes]
    "activity": "Activity data and exercise log related features, such as steps, distance, calories burned, "
    "and active minutes",
    "cardio_fitness": "Maximum or optimum rate at which the user\u2019s heart, lungs, and muscles can effectively "
    "use oxygen during exercise",
    "electrocardiogram": "A users on-device ECG readings",
    "heartrate": "Continuous heart rate & HRV data and related analysis",
    "irregular_rhythm_notifications": "Includes the users engagement and list of irregular rhythm notification alerts.",
    "location": "GPS and other location data",
    "nutrition": "Calorie consumption and nutrition related features, such as food/water logging, goals, and plans",
    "oxygen_saturation": "SpO2 (Oxygen Saturation) is a measurement of your blood oxygen level",
    "profile": "Basic user information",
    "respiratory_rate": "Respiratory Rate is a measurement of your breaths at night.",
    "settings": "User account and device settings, such as alarms",
    "sleep": "Sleep logs and related sleep analysis",
    "social": "Friend-related features, such as friend list and leaderboard",
    "temperature": "Core and skin temperature data",
    "weight": "Weight and related information, such as body mass index, body fat percentage, and goals",
}

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "h1{color:#00b0b9;font-size:1.5rem}.error{color:#b00020;border:1px solid #b00020;padding:.75rem}"
    "label{display:block;margin:.4rem 0}input[type=text],input[type=password]{width:100%;padding:.4rem}"
    "fieldset{margin:1rem 0}small{color:#666}button{margin-right:.5rem;padding:.5rem 1rem}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
_STYLE_MARKUP = Markup(STYLE)  # our constant, inserted verbatim: the CSP hash covers exactly these bytes

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
}
SIGN_IN_FAILED = "The email address or password you entered is incorrect."
FORM_EXPIRED = "Your sign-in form expired or could not be verified. Please sign in again."
SESSION_ENDED = "You are no longer signed in. Please sign in again."


def error_page(message: str) -> str:
    """An authorization error as Fitbit showed it on the form, e.g. 'invalid_request - Missing scope ...'."""
    return render("oauth/error.html", title="Authorization error", style=_STYLE_MARKUP, message=message)


def switch_user_url(req: AuthorizeRequest) -> str:
    """The same authorize request with `prompt=login`: the way to sign in as someone else."""
    return "/oauth2/authorize?" + urlencode(req.raw | {"prompt": "login"}, quote_via=quote)


def consent_page(
    req: AuthorizeRequest,
    csrf: str,
    *,
    notice: str | None = None,
    username: str = "",
    signed_in: User | None = None,
) -> str:
    """The consent form; with a sign-in session (`signed_in`) it names the user instead of asking for a password.
    The authorize parameters travel in hidden fields (scope as ``requested_scope``), covered by the CSRF token."""
    return render(
        "oauth/consent.html",
        title=f"Authorize {req.app.name}",
        style=_STYLE_MARKUP,
        app_name=req.app.name,
        notice=notice,
        csrf=csrf,
        hidden=[("requested_scope" if name == "scope" else name, req.raw.get(name, "")) for name in FIELDS],
        signed_in=signed_in,
        switch_user_url=switch_user_url(req) if signed_in is not None else "",
        username=username,
        scopes=[(s, SCOPE_DESCRIPTIONS.get(s, "")) for s in req.scopes],
    )
