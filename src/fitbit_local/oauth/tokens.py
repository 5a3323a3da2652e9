"""Access and refresh tokens: minting, and validating a Bearer token for the resource pipeline.

Access tokens are HS256 JWTs (PyJWT) shaped like Fitbit's: header ``{"alg":"HS256"}``, claims ``aud`` client,
``sub`` user, ``iss`` "Fitbit", ``typ``, ``scopes`` as ``ract rhr …``, ``exp``, ``iat``, so clients that peek at
them keep working. A ``jti`` claim keeps two tokens issued in the same second distinct. The server still looks every
token up (revocation, access-mode changes): the store holds only SHA-256 hashes (store/grants.py).
"""

from __future__ import annotations

import secrets

import jwt
from sqlalchemy import Engine

from fitbit_local.clock import Clock
from fitbit_local.errors import FitbitError
from fitbit_local.ids import new_refresh_token, token_hash
from fitbit_local.oauth import scopes as scope_names
from fitbit_local.store.apps import App
from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.grants import AccessToken, GrantRepository, is_active

__all__ = ["AccessToken", "AccessTokenValidator", "issue_for_consent", "issue_tokens", "sign_jwt"]

CODE_FLOW_LIFETIME = 28_800  # 8 hours: the only lifetime for code-flow tokens [DOC oauth2-token]
IMPLICIT_LIFETIMES = (86_400, 604_800, 2_592_000, 31_536_000)  # [DOC authorize: expires_in]
IMPLICIT_DEFAULT_LIFETIME = 86_400
ALGORITHM = "HS256"  # pinned: the only algorithm signed or accepted


def sign_jwt(claims: dict[str, object], key: bytes) -> str:
    """A Fitbit-shaped JWT: the header is only ``{"alg":"HS256"}`` (PyJWT's ``typ`` is dropped), as in Fitbit's."""
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"typ": None})


def expired_by_claims(token: str, key: bytes, now: float) -> bool:
    """Whether `token` is a JWT this server signed whose ``exp`` has passed on the sandbox clock. PyJWT's own time
    checks (exp, iat, nbf) are off: they read the wall clock, and the sandbox clock can be set years away."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.PyJWTError:
        return False
    exp = claims.get("exp")
    return isinstance(exp, int) and exp <= now


def issue_tokens(
    tx: WriteTransaction,
    grants: GrantRepository,
    *,
    signing_key: bytes,
    app: App,
    user_id: str,
    grant_id: int,
    granted: set[str] | frozenset[str],
    expires_in: int = CODE_FLOW_LIFETIME,
    with_refresh: bool = True,
) -> dict[str, object]:
    """Mint an access token (and a refresh token, which replaces the user's previous one for this app) at the
    transaction's sandbox "now" and return the token-endpoint response body."""
    iat = int(tx.now)
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
    access_token = sign_jwt(claims, signing_key)
    refresh_token = new_refresh_token() if with_refresh else None
    scope_text = scope_names.canonical(granted)
    grants.add_tokens(
        tx,
        grant_id=grant_id,
        client_id=app.client_id,
        user_id=user_id,
        scopes=scope_text,
        access_hash=token_hash(access_token),
        app_type=app.app_type,
        intraday=app.intraday,
        access_generation=app.access_generation,
        expires_at=tx.now + expires_in,
        refresh_hash=token_hash(refresh_token) if refresh_token else None,
    )
    body: dict[str, object] = {"access_token": access_token, "expires_in": expires_in}
    if refresh_token is not None:
        body["refresh_token"] = refresh_token
    body.update({"scope": scope_text, "token_type": "Bearer", "user_id": user_id})
    return body


def issue_for_consent(
    engine: Engine,
    *,
    signing_key: bytes,
    app: App,
    user_id: str,
    granted: set[str],
    now: float | None = None,
    expires_in: int = CODE_FLOW_LIFETIME,
    with_refresh: bool = True,
) -> dict[str, object]:
    """Record the user's consent and mint tokens in one write transaction (the consent flows and `fitbit-local
    tokens issue`). `now` is not used: the transaction reads the sandbox clock itself (kept for older callers)."""
    grants = GrantRepository(engine)
    with write(engine) as tx:
        grant_id = grants.save_grant(tx, app.client_id, user_id, scope_names.canonical(granted))
        return issue_tokens(
            tx,
            grants,
            signing_key=signing_key,
            app=app,
            user_id=user_id,
            grant_id=grant_id,
            granted=granted,
            expires_in=expires_in,
            with_refresh=with_refresh,
        )


class AccessTokenValidator:
    """Bearer-token lookup for the resource pipeline, with an in-process cache dropped whenever the sandbox epoch
    moves (every write, revocations and app changes included, bumps it in the same transaction)."""

    def __init__(self, engine: Engine, clock: Clock, signing_key: bytes) -> None:
        self._engine = engine
        self._grants = GrantRepository(engine)
        self._clock = clock
        self._key = signing_key
        self._cache: dict[str, AccessToken] = {}
        self._cache_epoch = -1

    def validate(self, token: str) -> AccessToken:
        if self._cache_epoch != self._clock.epoch:
            self._cache.clear()
            self._cache_epoch = self._clock.epoch
        digest = token_hash(token)
        now = self._clock.now()
        found = self._cache.get(digest) or self._grants.access_token(digest)
        if found is None or not is_active(found, now):
            self._cache.pop(digest, None)
            if expired_by_claims(token, self._key, now):
                raise FitbitError("expired_token", access_token=token)
            raise FitbitError("invalid_token", access_token=token)
        if found.first_used_at is None:
            with write(self._engine) as tx:
                found = self._grants.mark_first_use(tx, found)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[digest] = found
        return found
