"""Introspection: POST /1.1/oauth2/introspect and the deprecated v1.0 POST /oauth2/introspect (RFC 7662).

Only an active access token of the caller's own app is described; everything else (unknown, expired, revoked,
refresh tokens, tokens of an app whose access mode changed, other apps' tokens) is ``{"active": false}``.
"""

from __future__ import annotations

from fitbit_local.ids import token_hash
from fitbit_local.oauth import scopes as scope_names
from fitbit_local.store.grants import AccessToken, GrantRepository, is_active

MAX_TOKEN = 4096


def introspect(
    grants: GrantRepository, caller: AccessToken, token: str | None, now: float
) -> dict[str, object] | None:
    """The active access token's facts, or None (→ inactive)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    found = grants.access_token(token_hash(token))
    if found is None or not is_active(found, now) or found.client_id != caller.client_id:
        return None
    return {
        "scope": scope_names.introspection_scope(found.scopes, read_only=found.read_only),
        "client_id": found.client_id,
        "user_id": found.user_id,
        "token_type": "access_token",
        "exp": int(found.expires_at),
        "iat": int(found.issued_at),
    }


def introspection_v11(facts: dict[str, object] | None) -> dict[str, object]:
    return {"active": False} if facts is None else {"active": True, **facts}


def introspection_v10(facts: dict[str, object] | None) -> dict[str, object]:
    """The 2018-deprecated shape: active 1/0, clientId/userId objects, tokenType [DOC introspect-v1]."""
    if facts is None:
        return {"active": 0}
    return {
        "active": 1,
        "scope": facts["scope"],
        "clientId": {"id": facts["client_id"]},
        "userId": {"id": facts["user_id"]},
        "tokenType": "access_token",
        "exp": facts["exp"],
        "iat": facts["iat"],
    }
