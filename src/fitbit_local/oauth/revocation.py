"""Revocation: POST /oauth2/revoke (RFC 7009 as Fitbit did it).

Revoking an access *or* refresh token removes the user's whole authorization of the app: the grant and every token
hanging from it, plus unused authorization codes, in one write transaction (which also drops every worker's token
cache) [DOC revoke-token]. Unknown tokens and other apps' tokens get the same 200 (no oracle, RFC 7009 §2.2) and
nothing is revoked.

The client authenticates as at the token endpoint (Basic, or `client_id` for public clients), or with
``Authorization: Bearer <access token>``, the security scheme Fitbit's own Swagger declares for this operation and
what clients generated from it send: an access token issued to an app, under a grant that still exists,
authenticates that app (docs/decisions.md, "Revoke with a Bearer token").
"""

from __future__ import annotations

from fitbit_local.errors import FitbitError
from fitbit_local.ids import token_hash
from fitbit_local.oauth.client_auth import authenticate_client
from fitbit_local.oauth.params import OAuthParams
from fitbit_local.store import Store
from fitbit_local.store.apps import App

MAX_TOKEN = 4096
BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api.fitbit.com"'}


def bearer_value(authorization: str | None) -> str | None:
    """The token of a ``Bearer`` Authorization header, or None for any other (or no) header."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def authenticate_revoker(store: Store, authorization: str | None, params: OAuthParams) -> App:
    """The app asking to revoke: by its client credentials, or by an access token it was issued (expired or not:
    it proves the app held a token of that grant, and revoking only ever takes access away)."""
    presented = bearer_value(authorization)
    if presented is None:
        return authenticate_client(store.apps, authorization, params)
    found = store.grants.access_token(token_hash(presented)) if 0 < len(presented) <= MAX_TOKEN else None
    app = store.apps.get(found.client_id) if found is not None else None
    if app is None:
        raise FitbitError("invalid_token", access_token=presented, headers=BEARER_CHALLENGE)
    body_id = params.get("client_id")
    if body_id is not None and body_id != app.client_id:
        raise FitbitError("client_id_invalid")
    return app


def revoke(store: Store, app: App, token: str | None) -> bool:
    """Revoke `token`'s grant if the token belongs to `app`; True when something was revoked (never shown)."""
    if not token or len(token) > MAX_TOKEN:
        return False
    found = store.grants.grant_of_token(token_hash(token))
    if found is None or found[1] != app.client_id:
        return False
    grant_id, _client_id = found
    with store.write() as tx:
        # The app withdraws the user's authorization; Fitbit notified `userRevokedAccess` subscribers of it too
        # (reference §5.4; anchors V5 marks the app-initiated case unverified).
        store.grants.revoke_grant(tx, grant_id, user_revoked=True)
    return True
