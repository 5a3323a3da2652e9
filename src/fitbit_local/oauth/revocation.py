"""Revocation (POST /oauth2/revoke, RFC 7009 as Fitbit did it) and introspection (POST /1.1/oauth2/introspect and
the deprecated v1.0 /oauth2/introspect, RFC 7662).

Revoking an access *or* refresh token removes the user's whole authorization of the app: the grant row and every
token hanging from it, plus unused authorization codes, in one transaction that also bumps the sandbox epoch so
every worker's token cache drops them [DOC revoke-token]. Unknown tokens and other clients' tokens get the same 200
(no oracle, RFC 7009 §2.2) and nothing is revoked.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, delete, select

from fitbit_local.ids import token_hash
from fitbit_local.oauth import scopes as scope_names
from fitbit_local.oauth.tokens import AccessToken
from fitbit_local.store.apps import App
from fitbit_local.store.sandbox import bump_epoch
from fitbit_local.store.schema import access_tokens, apps, authorization_codes, grants, refresh_tokens


def revoke_grant(conn: Connection, grant_id: int) -> None:
    """Delete a grant and everything issued under it (explicitly, not only by ON DELETE CASCADE)."""
    grant = conn.execute(select(grants.c.client_id, grants.c.user_id).where(grants.c.id == grant_id)).first()
    conn.execute(delete(access_tokens).where(access_tokens.c.grant_id == grant_id))
    conn.execute(delete(refresh_tokens).where(refresh_tokens.c.grant_id == grant_id))
    if grant is not None:
        conn.execute(
            delete(authorization_codes).where(
                authorization_codes.c.client_id == grant.client_id,
                authorization_codes.c.user_id == grant.user_id,
                authorization_codes.c.used_at.is_(None),
            )
        )
    conn.execute(delete(grants).where(grants.c.id == grant_id))
    bump_epoch(conn)


def revoke_user_app(conn: Connection, client_id: str, user_id: str) -> None:
    grant_id = conn.execute(
        select(grants.c.id).where(grants.c.client_id == client_id, grants.c.user_id == user_id)
    ).scalar()
    if grant_id is not None:
        revoke_grant(conn, int(grant_id))


def grant_of_token(conn: Connection, token: str) -> tuple[int, str] | None:
    """(grant id, client id) of an access or refresh token, whichever it is."""
    digest = token_hash(token)
    for table in (access_tokens, refresh_tokens):
        row = conn.execute(
            select(table.c.grant_id, table.c.client_id).where(table.c.token_hash == digest)
        ).first()
        if row is not None:
            return int(row.grant_id), row.client_id
    return None


def revoke(engine: Engine, app: App, token: str | None) -> bool:
    """Revoke `token` if it belongs to `app`; True when something was revoked (never shown to the caller)."""
    if not token or len(token) > 4096:
        return False
    with engine.begin() as conn:
        found = grant_of_token(conn, token)
        if found is None or found[1] != app.client_id:
            return False
        revoke_grant(conn, found[0])
    return True


def introspect(
    engine: Engine, caller: AccessToken, token: str | None, now: float
) -> dict[str, object] | None:
    """The active access token's facts, or None (→ {"active": false}) for anything else: unknown, expired,
    revoked, refresh tokens, tokens of an app whose access mode changed, and other apps' tokens."""
    if not token or len(token) > 4096:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(access_tokens, apps.c.read_only, apps.c.access_generation.label("app_generation"))
            .join(apps, apps.c.client_id == access_tokens.c.client_id)
            .join(grants, grants.c.id == access_tokens.c.grant_id)
            .where(access_tokens.c.token_hash == token_hash(token))
        ).first()
    if (
        row is None
        or row.expires_at <= now
        or row.access_generation != row.app_generation
        or row.client_id != caller.client_id
    ):
        return None
    return {
        "scope": scope_names.introspection_scope(row.scopes.split(), read_only=bool(row.read_only)),
        "client_id": row.client_id,
        "user_id": row.user_id,
        "token_type": "access_token",
        "exp": int(row.expires_at),
        "iat": int(row.issued_at),
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
