"""The sign-in session of the authorize page: who signed in on this browser, and when.

Fitbit remembered a sign-in on www.fitbit.com, so a user who had already granted an app every scope it asked for was
sent straight back to the app [DOC authorize: prompt]. The session is nothing but a cookie: the user id and the
issue time on the sandbox clock, HMAC-signed with the database signing key. Nothing is stored server-side, so it
ends by its lifetime (or a new sign-in), and a cookie signed by another database is simply not valid here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

import orjson

SESSION_COOKIE = "fitbit_local_session"
SESSION_LIFETIME = 14 * 86_400  # seconds on the sandbox clock; also the cookie's Max-Age
_MAX_COOKIE = 512


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(key: bytes, payload: str) -> str:
    return _b64url(hmac.new(key, b"signin-session\0" + payload.encode(), hashlib.sha256).digest())


def session_cookie(key: bytes, user_id: str, now: float) -> str:
    """The cookie value for a user who has just signed in: ``<payload>.<signature>``, base64url."""
    payload = _b64url(orjson.dumps({"sub": user_id, "iat": int(now)}))
    return f"{payload}.{_signature(key, payload)}"


def session_user_id(key: bytes, value: str | None, now: float) -> str | None:
    """The signed-in user's id, or None for a missing, tampered, foreign or expired cookie. A cookie issued after
    the sandbox's "now" (the clock was set back) is not valid either."""
    if not value or len(value) > _MAX_COOKIE or value.count(".") != 1:
        return None
    payload, signature = value.split(".")
    if not hmac.compare_digest(_signature(key, payload), signature):
        return None
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error, orjson.JSONDecodeError):
        return None
    if not isinstance(claims, dict):
        return None
    user_id, issued = claims.get("sub"), claims.get("iat")
    if not isinstance(user_id, str) or not isinstance(issued, int):
        return None
    return user_id if issued <= now < issued + SESSION_LIFETIME else None
