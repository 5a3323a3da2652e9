"""PKCE (RFC 7636): challenge checks at /authorize and verifier checks at the token endpoint.

`plain` is accepted as well as `S256` (Fitbit's authorize page documents "Default: plain"); see
docs/oauth.md. Anything else is the catalogue's "Unsupported code_challenge_method". In strict mode `plain` is
unsupported too (RFC 9700 §2.1.1), and so is a challenge without a method, which means `plain`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from fitbit_local.errors import FitbitError

METHODS = ("S256", "plain")
STRICT_METHODS = ("S256",)
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]*")


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def check_challenge(
    challenge: str | None, method: str | None, *, strict: bool = False
) -> tuple[str | None, str | None]:
    """The (challenge, method) to store for an authorize request; raises the consent-page rows."""
    if method is not None and method not in (STRICT_METHODS if strict else METHODS):
        raise FitbitError("authorize_code_challenge_method")
    if challenge is None:
        return None, None
    if strict and method is None:  # the default method is plain
        raise FitbitError("authorize_code_challenge_method")
    if not _UNRESERVED.fullmatch(challenge):
        raise FitbitError("authorize_code_challenge_invalid")
    if not 43 <= len(challenge) <= 128:
        raise FitbitError("authorize_code_challenge_length")
    return challenge, method or "plain"


def check_verifier(verifier: str | None, challenge: str | None, method: str | None) -> None:
    """Token-side PKCE: downgrade in both directions, charset, length, then the comparison."""
    if challenge is None:
        if verifier is not None:  # RFC 9700 §2.1.1: a verifier without a challenge on /authorize is an attack
            raise FitbitError("code_verifier_mismatch", code_verifier=verifier)
        return
    if verifier is None:
        raise FitbitError("code_verifier_missing")
    if not _UNRESERVED.fullmatch(verifier):
        raise FitbitError("code_verifier_invalid")
    if not 43 <= len(verifier) <= 128:
        raise FitbitError("code_verifier_length")
    expected = s256(verifier) if method == "S256" else verifier
    if not hmac.compare_digest(expected.encode(), challenge.encode()):
        raise FitbitError("code_verifier_mismatch", code_verifier=verifier)
