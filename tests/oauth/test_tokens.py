"""Access tokens: Fitbit-shaped HS256 JWTs (PyJWT), checked against the store and judged on the sandbox clock."""

from __future__ import annotations

import base64
import warnings
from datetime import UTC, datetime

import jwt
import orjson
import pytest

from fitbit_local.ids import token_hash
from fitbit_local.store.grants import is_active
from tests.factories import bearer, issue_token
from tests.oauth.helpers import error_of

PROFILE = "/1/user/-/profile.json"


def segment(token: str, index: int) -> dict[str, object]:
    part = token.split(".")[index]
    return orjson.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


def test_the_token_looks_like_fitbits(services, ann, app):
    token = str(issue_token(services, app.client_id, ann.id, scopes="activity heartrate")["access_token"])
    assert segment(token, 0) == {"alg": "HS256"}  # Fitbit's header: no "typ"
    claims = jwt.decode(
        token, services.signing_key, algorithms=["HS256"], options={"verify_exp": False, "verify_aud": False}
    )
    assert set(claims) == {"aud", "sub", "iss", "typ", "scopes", "exp", "iat", "jti"}
    assert (claims["aud"], claims["sub"], claims["iss"], claims["typ"]) == (
        app.client_id,
        ann.id,
        "Fitbit",
        "access_token",
    )
    assert claims["scopes"] == "wact whr" and claims["exp"] == claims["iat"] + 28800


def test_only_hs256_with_our_key_counts_as_ours(http, services, ann, app):
    """An unknown token is `expired_token` only when it is ours (HS256, our key) and its exp has passed."""
    claims = {**segment(str(issue_token(services, app.client_id, ann.id)["access_token"]), 1)}
    claims["exp"] = int(services.clock.now()) - 10
    ours = jwt.encode(claims, services.signing_key, algorithm="HS256", headers={"typ": None})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT warns about our 32-byte key under HS512: that is the point
        forged = [
            jwt.encode(claims, b"another key that is long enough for HS256", algorithm="HS256"),
            jwt.encode(claims, services.signing_key, algorithm="HS512"),
            jwt.encode(claims, None, algorithm="none"),
        ]
    assert error_of(http.get(PROFILE, headers=bearer(ours)))[:2] == (401, "expired_token")
    for token in forged:
        assert error_of(http.get(PROFILE, headers=bearer(token)))[:2] == (401, "invalid_token")


@pytest.mark.parametrize("years", [-20, 20])
def test_expiry_follows_the_sandbox_clock_years_away(http, services, ann, app, years):
    now = datetime.now(UTC)
    services.clock.set(now.replace(year=now.year + years), frozen=True)
    tokens = issue_token(services, app.client_id, ann.id)
    assert http.get(PROFILE, headers=bearer(tokens)).status_code == 200  # PyJWT's wall-clock iat check is off
    services.clock.advance(28_801)
    assert error_of(http.get(PROFILE, headers=bearer(tokens)))[:2] == (401, "expired_token")


def test_validation_and_introspection_share_one_rule(http, services, ann, app):
    tokens = issue_token(services, app.client_id, ann.id, expires_in=60)
    digest = token_hash(str(tokens["access_token"]))
    found = services.store.grants.access_token(digest)
    assert found is not None and is_active(found, services.clock.now())
    services.clock.advance(61)
    assert not is_active(found, services.clock.now())
    services.store.apps.update(app.client_id, read_only=True)
    changed = services.store.grants.access_token(digest)
    assert changed is not None and not is_active(changed, found.issued_at)  # access mode changed since issue
