"""grant_type=refresh_token with Fitbit's semantics, and refresh-token recovery (POST /oauth2/recover).

* Single use, one active refresh token per (user, app): a refresh returns a new access + refresh pair.
* Identical retries within REPLAY_WINDOW get the *same* pair back until either new token is used [DOC
  best-practices]. The response is sealed into the old token's row with a keystream and a MAC key derived from the
  old token itself (which the database only holds as a SHA-256 hash), so the stored blob is useless without the
  token the client already has.
* The rotation is a compare-and-set on the row (active → rotating); a request that finds the row mid-rotation gets
  409 `refresh_conflict` (Fitbit's "Concurrent refresh token requests …"). A rotation left half-done by a crash is
  taken over after ROTATION_STALE seconds.
* The grant's scopes are kept; `expires_in` is accepted but only 28800 exists for this flow [DOC refresh-token].
* Access tokens issued before the refresh stay valid until they expire (Fitbit allowed several).

Strict mode (`Settings.oauth_strict`, RFC 9700 §4.14.2) never hands the same pair to a second request: a used
token presented again inside the replay window, or while its rotation is under way, is `refresh_token_invalid`
(so among concurrent identical refreshes exactly one wins, anchors R4); presented after the window has closed, it
also revokes the whole grant (R3), because either the client or an attacker holds a copy of a spent token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import orjson
from sqlalchemy import insert, select, update

from fitbit_local.errors import FitbitError
from fitbit_local.ids import new_refresh_token, token_hash
from fitbit_local.oauth.params import OAuthParams
from fitbit_local.oauth.revocation import revoke_grant
from fitbit_local.oauth.tokens import CODE_FLOW_LIFETIME, close_replay_window, issue_tokens
from fitbit_local.services import Services
from fitbit_local.store.apps import App
from fitbit_local.store.schema import grants, refresh_tokens

REPLAY_WINDOW = 300  # seconds on the sandbox clock (docs/oauth.md)
ROTATION_STALE = 30
# Test seam: called between the compare-and-set and the issuing transaction (lets a test hold a rotation open).
after_claim: Callable[[], None] | None = None


def _keys(old_token: str, length: int) -> tuple[bytes, bytes]:
    secret = old_token.encode()
    return hashlib.shake_256(b"replay\0" + secret).digest(length), hashlib.shake_256(
        b"replay-tag\0" + secret
    ).digest(32)


def seal(old_token: str, body: dict[str, object]) -> bytes:
    plain = orjson.dumps(body)
    stream, mac_key = _keys(old_token, len(plain))
    cipher = bytes(a ^ b for a, b in zip(plain, stream, strict=True))
    return hmac.new(mac_key, cipher, hashlib.sha256).digest() + cipher


def unseal(old_token: str, sealed: bytes) -> dict[str, object] | None:
    tag, cipher = bytes(sealed[:32]), bytes(sealed[32:])
    stream, mac_key = _keys(old_token, len(cipher))
    if not hmac.compare_digest(tag, hmac.new(mac_key, cipher, hashlib.sha256).digest()):
        return None
    body = orjson.loads(bytes(a ^ b for a, b in zip(cipher, stream, strict=True)))
    return body if isinstance(body, dict) else None


def _in_replay_window(row, now: float) -> bool:
    return row.status == "rotated" and row.replay_sealed is not None and (row.replay_until or 0) > now


def _replay(row, token: str, now: float) -> dict[str, object] | None:
    return unseal(token, row.replay_sealed) if _in_replay_window(row, now) else None


def _strict_reuse(services: Services, row, token: str, now: float) -> FitbitError:
    """Strict mode, a rotated token presented again: refused; once its replay window has closed, the grant goes
    too. A token retired without being used (a new consent, /oauth2/recover) has no child and revokes nothing."""
    if row.child_hash is not None and not _in_replay_window(row, now):
        with services.store.engine.begin() as conn:
            revoke_grant(conn, row.grant_id)
    return FitbitError("refresh_token_invalid", refresh_token=token)


def refresh(services: Services, app: App, params: OAuthParams) -> dict[str, object]:
    token = params.get("refresh_token")
    if token is None:
        raise FitbitError("refresh_token_missing")
    engine = services.store.engine
    now = services.clock.now()
    digest = token_hash(token)
    with engine.connect() as conn:
        row = conn.execute(select(refresh_tokens).where(refresh_tokens.c.token_hash == digest)).first()
    if row is None or row.client_id != app.client_id:
        raise FitbitError("refresh_token_invalid", refresh_token=token)
    strict = services.settings.oauth_strict
    if row.status == "rotated":
        if strict:
            raise _strict_reuse(services, row, token, now)
        replayed = _replay(row, token, now)
        if replayed is None:
            raise FitbitError("refresh_token_invalid", refresh_token=token)
        return replayed
    if row.status == "rotating" and (row.rotated_at or 0) > now - ROTATION_STALE:
        if strict:  # another request is rotating this token: it is the one that wins
            raise FitbitError("refresh_token_invalid", refresh_token=token)
        raise FitbitError("refresh_conflict")
    with engine.begin() as conn:  # compare-and-set: exactly one request rotates this token
        same_start = (
            refresh_tokens.c.rotated_at.is_(None)
            if row.rotated_at is None
            else refresh_tokens.c.rotated_at == row.rotated_at
        )
        claimed = conn.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.token_hash == digest, refresh_tokens.c.status == row.status, same_start)
            .values(status="rotating", rotated_at=now)
        ).rowcount
    if claimed != 1:
        if strict:  # lost the compare-and-set to a concurrent request with the same token
            raise FitbitError("refresh_token_invalid", refresh_token=token)
        with engine.connect() as conn:
            again = conn.execute(select(refresh_tokens).where(refresh_tokens.c.token_hash == digest)).first()
        replayed = _replay(again, token, now) if again is not None else None
        if replayed is not None:
            return replayed
        if again is None:
            raise FitbitError("refresh_token_invalid", refresh_token=token)
        raise FitbitError("refresh_conflict")
    try:
        if after_claim is not None:
            after_claim()
        return _rotate(services, app, row, token, now)
    except BaseException:
        with engine.begin() as conn:
            conn.execute(
                update(refresh_tokens)
                .where(refresh_tokens.c.token_hash == digest, refresh_tokens.c.status == "rotating")
                .values(status=row.status, rotated_at=row.rotated_at)
            )
        raise


def _rotate(services: Services, app: App, row, token: str, now: float) -> dict[str, object]:
    with services.store.engine.begin() as conn:
        close_replay_window(
            conn, row.token_hash
        )  # this token is the child of an earlier refresh: that one is spent
        scopes = conn.execute(select(grants.c.scopes).where(grants.c.id == row.grant_id)).scalar()
        if scopes is None:  # revoked meanwhile
            raise FitbitError("refresh_token_invalid", refresh_token=token)
        body = issue_tokens(
            conn,
            signing_key=services.signing_key,
            app=app,
            user_id=row.user_id,
            grant_id=row.grant_id,
            granted=set(scopes.split()),
            now=now,
            expires_in=CODE_FLOW_LIFETIME,
        )
        conn.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.token_hash == row.token_hash)
            .values(
                status="rotated",
                rotated_at=now,
                child_hash=token_hash(str(body["refresh_token"])),
                replay_sealed=seal(token, body),
                replay_until=now + REPLAY_WINDOW,
            )
        )
    return body


def recover(services: Services, app: App, params: OAuthParams) -> dict[str, object]:
    """Mint a fresh refresh token for the user's grant (only hashes are stored, so the lost one can't be returned);
    the previous one stops working."""
    grant_type = params.get("grant_type")
    if grant_type is None:
        raise FitbitError("grant_type_missing")
    if grant_type != "refresh_token":
        raise FitbitError("unsupported_grant_type")
    user_id = params.get("user_id")
    now = services.clock.now()
    with services.store.engine.begin() as conn:
        grant = (
            conn.execute(
                select(grants.c.id, grants.c.scopes).where(
                    grants.c.client_id == app.client_id, grants.c.user_id == user_id
                )
            ).first()
            if user_id
            else None
        )
        if grant is None:
            raise FitbitError("refresh_token_not_found")
        conn.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.grant_id == grant.id, refresh_tokens.c.status != "rotated")
            .values(status="rotated", rotated_at=now, replay_sealed=None, replay_until=None)
        )
        fresh = new_refresh_token()
        conn.execute(
            insert(refresh_tokens).values(
                token_hash=token_hash(fresh),
                grant_id=grant.id,
                client_id=app.client_id,
                user_id=user_id,
                scopes=grant.scopes,
                status="active",
                issued_at=now,
            )
        )
    return {"refresh_token": fresh, "user_id": user_id}
