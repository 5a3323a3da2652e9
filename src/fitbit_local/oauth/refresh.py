"""grant_type=refresh_token with Fitbit's semantics, and refresh-token recovery (POST /oauth2/recover).

* Single use, one active refresh token per (user, app): a refresh returns a new access + refresh pair.
* Identical retries within REPLAY_WINDOW get the *same* pair back until either new token is used [DOC
  best-practices]. The response is sealed into the old token's row with AES-256-GCM under a key derived from the
  old token itself (which the database only holds as a SHA-256 hash), so the stored blob is useless without the
  token the client already has.
* The rotation is a compare-and-set on the row (active → rotating) that takes a lease of ROTATION_LEASE seconds on
  the wall clock; a request that finds the row mid-rotation gets 409 `refresh_conflict` (Fitbit's "Concurrent
  refresh token requests …"). A rotation whose lease ran out (its worker crashed or hung) is taken over, whatever
  the sandbox clock does; the worker that lost its lease cannot finish (its transaction is rolled back).
* The grant's scopes are kept; `expires_in` is accepted but only 28800 exists for this flow [DOC refresh-token].
* Access tokens issued before the refresh stay valid until they expire (Fitbit allowed several).

Strict mode (`Settings.oauth_strict`, RFC 9700 §4.14.2) never hands the same pair to a second request: a used
token presented again inside the replay window, or while its rotation is under way, is `refresh_token_invalid`
(so among concurrent identical refreshes exactly one wins, anchors R4); presented after the window has closed, it
also revokes the whole grant (R3), because either the client or an attacker holds a copy of a spent token.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from fitbit_local.errors import FitbitError
from fitbit_local.ids import new_refresh_token, token_hash
from fitbit_local.oauth import scopes as scope_names
from fitbit_local.oauth.params import OAuthParams
from fitbit_local.oauth.tokens import CODE_FLOW_LIFETIME, issue_tokens
from fitbit_local.services import Services
from fitbit_local.store.apps import App
from fitbit_local.store.grants import RefreshToken, lease_clock

REPLAY_WINDOW = 300  # seconds on the sandbox clock (docs/oauth.md)
ROTATION_LEASE = 30.0  # seconds on the wall clock
_NONCE = 12
# Test seam: called between the compare-and-set and the issuing transaction (lets a test hold a rotation open).
after_claim: Callable[[], None] | None = None


class _LeaseLost(Exception):
    """The rotation was taken over while this request was still issuing: it must not commit."""


def _cipher(old_token: str) -> AESGCM:
    return AESGCM(hashlib.shake_256(b"replay\0" + old_token.encode()).digest(32))


def seal(old_token: str, body: dict[str, object]) -> bytes:
    """nonce ‖ AES-256-GCM(body), keyed by the old token, bound to its stored hash as associated data."""
    nonce = os.urandom(_NONCE)
    return nonce + _cipher(old_token).encrypt(nonce, orjson.dumps(body), token_hash(old_token).encode())


def unseal(old_token: str, sealed: bytes) -> dict[str, object] | None:
    try:
        plain = _cipher(old_token).decrypt(sealed[:_NONCE], sealed[_NONCE:], token_hash(old_token).encode())
    except (InvalidTag, ValueError):
        return None
    body = orjson.loads(plain)
    return body if isinstance(body, dict) else None


def _in_replay_window(row: RefreshToken, now: float) -> bool:
    return row.status == "rotated" and row.replay_sealed is not None and (row.replay_until or 0) > now


def _replay(row: RefreshToken, token: str, now: float) -> dict[str, object] | None:
    if not _in_replay_window(row, now) or row.replay_sealed is None:
        return None
    return unseal(token, row.replay_sealed)


def _rotation_in_flight(row: RefreshToken) -> bool:
    """Another request holds this token's rotation (a claim without a lease predates leases: not held)."""
    return row.status == "rotating" and row.lease_until is not None and row.lease_until > lease_clock()


def _strict_reuse(services: Services, row: RefreshToken, token: str, now: float) -> FitbitError:
    """Strict mode, a rotated token presented again: refused; once its replay window has closed, the grant goes
    too. A token retired without being used (a new consent, /oauth2/recover) has no child and revokes nothing."""
    if row.child_hash is not None and not _in_replay_window(row, now):
        with services.store.write() as tx:  # a security revocation, not the user's
            services.store.grants.revoke_grant(tx, row.grant_id, user_revoked=False)
    return FitbitError("refresh_token_invalid", refresh_token=token)


def refresh(services: Services, app: App, params: OAuthParams) -> dict[str, object]:
    token = params.get("refresh_token")
    if token is None:
        raise FitbitError("refresh_token_missing")
    grants = services.store.grants
    now = services.clock.now()
    digest = token_hash(token)
    row = grants.refresh_token(digest)
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
    if _rotation_in_flight(row):
        if strict:  # another request is rotating this token: it is the one that wins
            raise FitbitError("refresh_token_invalid", refresh_token=token)
        raise FitbitError("refresh_conflict")
    with services.store.write() as tx:  # compare-and-set: exactly one request rotates this token
        lease = grants.claim_rotation(tx, row, ROTATION_LEASE)
    if lease is not None:
        try:
            if after_claim is not None:
                after_claim()
            return _rotate(services, app, row, token, lease)
        except _LeaseLost:
            pass  # taken over meanwhile: answer as a request that lost the compare-and-set
        except BaseException:
            with services.store.write() as tx:
                grants.release_rotation(tx, row, lease)
            raise
    if strict:  # lost the compare-and-set to a concurrent request with the same token
        raise FitbitError("refresh_token_invalid", refresh_token=token)
    again = grants.refresh_token(digest)
    if again is None:
        raise FitbitError("refresh_token_invalid", refresh_token=token)
    replayed = _replay(again, token, services.clock.now())
    if replayed is not None:
        return replayed
    raise FitbitError("refresh_conflict")


def _rotate(services: Services, app: App, row: RefreshToken, token: str, lease: float) -> dict[str, object]:
    grants = services.store.grants
    with services.store.write() as tx:
        grants.close_replay_window(tx, row.token_hash)  # this token is the child of an earlier refresh: spent
        grant = grants.grant_by_id(tx, row.grant_id)
        if grant is None:  # revoked meanwhile
            raise FitbitError("refresh_token_invalid", refresh_token=token)
        body = issue_tokens(
            tx,
            grants,
            signing_key=services.signing_key,
            app=app,
            user_id=row.user_id,
            grant_id=row.grant_id,
            granted=grant.scopes,
            expires_in=CODE_FLOW_LIFETIME,
        )
        finished = grants.finish_rotation(
            tx,
            row,
            lease,
            child_hash=token_hash(str(body["refresh_token"])),
            sealed=seal(token, body),
            replay_for=REPLAY_WINDOW,
        )
        if not finished:
            raise _LeaseLost  # rolls back the tokens issued above
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
    grants = services.store.grants
    grant = grants.grant(app.client_id, user_id) if user_id else None
    if grant is None:
        raise FitbitError("refresh_token_not_found")
    fresh = new_refresh_token()
    with services.store.write() as tx:
        current = grants.grant_by_id(tx, grant.id)
        if current is None:  # revoked meanwhile
            raise FitbitError("refresh_token_not_found")
        grants.replace_refresh_token(tx, current, token_hash(fresh), scope_names.canonical(current.scopes))
    return {"refresh_token": fresh, "user_id": user_id}
