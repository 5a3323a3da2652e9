"""Access and refresh tokens: issuing, validating, and the grant they hang from.

Access tokens are HS256 JWTs shaped like Fitbit's (``aud`` client, ``sub`` user, ``iss`` "Fitbit", ``typ``, ``scopes``
as ``ract rhr …``, ``exp``, ``iat``) so clients that peek at them keep working; the server still looks every token up
(revocation, access-mode changes). A ``jti`` claim keeps two tokens issued in the same second distinct. Only SHA-256
hashes of tokens are stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection, Engine, insert, select, update

from fitbit_local.clock import Clock
from fitbit_local.errors import FitbitError
from fitbit_local.ids import new_refresh_token, token_hash
from fitbit_local.oauth import scopes as scope_names
from fitbit_local.store.apps import App
from fitbit_local.store.schema import access_tokens, apps, grants, refresh_tokens

CODE_FLOW_LIFETIME = 28_800  # 8 hours: the only lifetime for code-flow tokens [DOC oauth2-token]
IMPLICIT_LIFETIMES = (86_400, 604_800, 2_592_000, 31_536_000)  # [DOC authorize: expires_in]
IMPLICIT_DEFAULT_LIFETIME = 86_400


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def encode_jwt(claims: dict[str, object], key: bytes) -> str:
    header = _b64url(b'{"alg":"HS256"}')
    payload = _b64url(orjson.dumps(claims))
    signature = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def decode_jwt(token: str, key: bytes) -> dict[str, object] | None:
    """The claims of a token this server signed, or None for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    expected = _b64url(hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, parts[2]):
        return None
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


@dataclass(frozen=True)
class AccessToken:
    """A valid access token as the resource pipeline sees it."""

    token_hash: str
    grant_id: int
    client_id: str
    user_id: str
    scopes: frozenset[str]
    app_type: str  # the app's type when the token was issued
    intraday: bool  # the app's intraday grant when the token was issued
    read_only: bool  # the app's current access mode
    owner_user_id: str | None
    issued_at: float
    expires_at: float
    first_used_at: float | None
    refresh_hash: str | None


def upsert_grant(conn: Connection, client_id: str, user_id: str, granted: set[str], now: float) -> int:
    """Record the user's consent; re-consenting replaces the granted scopes."""
    existing = conn.execute(
        select(grants.c.id).where(grants.c.client_id == client_id, grants.c.user_id == user_id)
    ).scalar()
    if existing is not None:
        conn.execute(
            update(grants).where(grants.c.id == existing).values(scopes=scope_names.canonical(granted))
        )
        return int(existing)
    return int(
        conn.execute(
            insert(grants).values(
                client_id=client_id, user_id=user_id, scopes=scope_names.canonical(granted), created_at=now
            )
        ).inserted_primary_key[0]  # type: ignore[index]  # always set by an INSERT
    )


def granted_scopes(engine: Engine, client_id: str, user_id: str) -> frozenset[str] | None:
    """The scopes the user has granted the app, or None when there is no grant (never granted, or revoked)."""
    with engine.connect() as conn:
        scopes = conn.execute(
            select(grants.c.scopes).where(grants.c.client_id == client_id, grants.c.user_id == user_id)
        ).scalar()
    return None if scopes is None else frozenset(scopes.split())


def issue_tokens(
    conn: Connection,
    *,
    signing_key: bytes,
    app: App,
    user_id: str,
    grant_id: int,
    granted: set[str],
    now: float,
    expires_in: int = CODE_FLOW_LIFETIME,
    with_refresh: bool = True,
) -> dict[str, object]:
    """Mint an access token (and a refresh token, which replaces the user's previous one for this app) and return
    the token-endpoint response body."""
    iat = int(now)
    claims = {
        "aud": app.client_id,
        "sub": user_id,
        "iss": "Fitbit",
        "typ": "access_token",
        "scopes": scope_names.claim(granted, read_only=app.read_only),
        "exp": iat + expires_in,
        "iat": iat,
        "jti": secrets.token_hex(8),
    }
    access_token = encode_jwt(claims, signing_key)
    refresh_token = new_refresh_token() if with_refresh else None
    refresh_hash = token_hash(refresh_token) if refresh_token else None
    scope_text = scope_names.canonical(granted)
    if refresh_token is not None:
        # "each user will only have one active refresh token" [DOC best-practices]
        conn.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.grant_id == grant_id, refresh_tokens.c.status == "active")
            .values(status="rotated", rotated_at=now)
        )
        conn.execute(
            insert(refresh_tokens).values(
                token_hash=refresh_hash,
                grant_id=grant_id,
                client_id=app.client_id,
                user_id=user_id,
                scopes=scope_text,
                status="active",
                issued_at=now,
            )
        )
    conn.execute(
        insert(access_tokens).values(
            token_hash=token_hash(access_token),
            grant_id=grant_id,
            client_id=app.client_id,
            user_id=user_id,
            scopes=scope_text,
            app_type=app.app_type,
            intraday=app.intraday,
            access_generation=app.access_generation,
            refresh_hash=refresh_hash,
            issued_at=now,
            expires_at=now + expires_in,
        )
    )
    body: dict[str, object] = {"access_token": access_token, "expires_in": expires_in}
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    body.update({"scope": scope_text, "token_type": "Bearer", "user_id": user_id})
    return body


class AccessTokenValidator:
    """Bearer-token lookup for the resource pipeline, with an in-process cache dropped whenever the sandbox epoch
    moves (revocations, app changes and faults bump it in the same transaction)."""

    def __init__(self, engine: Engine, clock: Clock, signing_key: bytes) -> None:
        self._engine = engine
        self._clock = clock
        self._key = signing_key
        self._cache: dict[str, AccessToken] = {}
        self._cache_epoch = -1

    def validate(self, token: str) -> AccessToken:
        if self._cache_epoch != self._clock.epoch:
            self._cache.clear()
            self._cache_epoch = self._clock.epoch
        digest = token_hash(token)
        found = self._cache.get(digest)
        if found is None:
            found = self._load(digest)
            if found is None:
                claims = decode_jwt(token, self._key)
                exp = claims.get("exp") if claims else None
                if isinstance(exp, int) and exp <= self._clock.now():
                    raise FitbitError("expired_token", access_token=token)
                raise FitbitError("invalid_token", access_token=token)
        if found.expires_at <= self._clock.now():
            raise FitbitError("expired_token", access_token=token)
        if found.first_used_at is None:
            found = self._mark_first_use(found)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[digest] = found
        return found

    def _load(self, digest: str) -> AccessToken | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(
                    access_tokens,
                    apps.c.read_only,
                    apps.c.owner_user_id,
                    apps.c.access_generation.label("app_generation"),
                )
                .join(apps, apps.c.client_id == access_tokens.c.client_id)
                .join(grants, grants.c.id == access_tokens.c.grant_id)
                .where(access_tokens.c.token_hash == digest)
            ).first()
        if row is None or row.access_generation != row.app_generation:
            return None  # unknown, revoked (grant gone), or the app's access mode changed since issue
        return AccessToken(
            token_hash=digest,
            grant_id=row.grant_id,
            client_id=row.client_id,
            user_id=row.user_id,
            scopes=frozenset(row.scopes.split()),
            app_type=row.app_type,
            intraday=bool(row.intraday),
            read_only=bool(row.read_only),
            owner_user_id=row.owner_user_id,
            issued_at=row.issued_at,
            expires_at=row.expires_at,
            first_used_at=row.first_used_at,
            refresh_hash=row.refresh_hash,
        )

    def _mark_first_use(self, found: AccessToken) -> AccessToken:
        """The first use of a token from a refresh closes that refresh's replay window [DOC best-practices]."""
        now = self._clock.now()
        with self._engine.begin() as conn:
            conn.execute(
                update(access_tokens)
                .where(
                    access_tokens.c.token_hash == found.token_hash, access_tokens.c.first_used_at.is_(None)
                )
                .values(first_used_at=now)
            )
            if found.refresh_hash is not None:
                close_replay_window(conn, found.refresh_hash)
        return AccessToken(**{**found.__dict__, "first_used_at": now})


def close_replay_window(conn: Connection, child_refresh_hash: str) -> None:
    """Forget the sealed response of the refresh that produced `child_refresh_hash`: the old token is now spent."""
    conn.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.child_hash == child_refresh_hash, refresh_tokens.c.replay_sealed.is_not(None))
        .values(replay_sealed=None, replay_until=None)
    )


def issue_for_consent(
    engine: Engine,
    *,
    signing_key: bytes,
    app: App,
    user_id: str,
    granted: set[str],
    now: float,
    expires_in: int = CODE_FLOW_LIFETIME,
    with_refresh: bool = True,
) -> dict[str, object]:
    """Record the user's consent and mint tokens in one transaction (used by the consent flows and by
    `fitbit-local tokens issue`)."""
    with engine.begin() as conn:
        grant_id = upsert_grant(conn, app.client_id, user_id, granted, now)
        return issue_tokens(
            conn,
            signing_key=signing_key,
            app=app,
            user_id=user_id,
            grant_id=grant_id,
            granted=granted,
            now=now,
            expires_in=expires_in,
            with_refresh=with_refresh,
        )
