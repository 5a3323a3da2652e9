"""The OAuth state: grants (a user's consent to an app), authorization codes, access and refresh tokens.

Reads open their own connection. Writes take the caller's `WriteTransaction` (store/changes.py), so a consent, its
grant and the tokens it mints commit together with their change records, and every ``created_at``/``issued_at`` is
the transaction's sandbox "now". Codes and tokens are stored only as SHA-256 hashes (anchors K2).

`is_active` is the one answer to "is this access token active", shared by the resource pipeline's validator and by
introspection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Engine, delete, insert, select, update

from fitbit_local.store.changes import WriteTransaction
from fitbit_local.store.sandbox import wall_clock
from fitbit_local.store.schema import access_tokens, apps, authorization_codes, grants, refresh_tokens


@dataclass(frozen=True)
class Grant:
    id: int
    client_id: str
    user_id: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class AuthorizationCode:
    code_hash: str
    client_id: str
    user_id: str
    redirect_uri: str | None  # as sent on /authorize; None when it was omitted
    scopes: frozenset[str]
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float
    used_at: float | None


@dataclass(frozen=True)
class AccessToken:
    """An access token whose grant still exists, as the resource pipeline sees it."""

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
    refresh_hash: str | None  # the refresh token issued in the same response
    issued_generation: int  # the app's access generation when the token was issued
    app_generation: int  # the app's access generation now


def is_active(token: AccessToken, now: float) -> bool:
    """The one rule for "is this access token active", shared by validation and introspection. A token
    `GrantRepository.access_token` found was issued here and its grant still exists (revoking deletes the grant and
    its tokens); it is active while the app's access mode is the one it was issued under [DOC application-design]
    and it has not expired on the sandbox clock."""
    return token.issued_generation == token.app_generation and token.expires_at > now


@dataclass(frozen=True)
class RefreshToken:
    token_hash: str
    grant_id: int
    client_id: str
    user_id: str
    status: str  # active | rotating | rotated
    rotated_at: float | None  # sandbox clock
    replay_sealed: bytes | None  # the sealed response of the refresh that rotated it (oauth/refresh.py)
    replay_until: float | None
    child_hash: str | None  # the refresh token that refresh issued
    lease_until: float | None  # while rotating: wall-clock end of the in-flight claim


def lease_clock() -> float:
    """Wall-clock seconds for in-flight rotation leases. Not the sandbox clock: a lease must run out while the
    sandbox clock is frozen or set back, or a crashed rotation would block its token until the clock moved."""
    return wall_clock()


@dataclass(frozen=True)
class AuthorisedApp:
    """An app a user has authorised, with the scopes granted (Fitbit's "Apps" settings page)."""

    client_id: str
    name: str
    app_type: str
    scopes: tuple[str, ...]
    granted_at: float

    def to_json(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "name": self.name,
            "type": self.app_type,
            "scopes": list(self.scopes),
            "granted_at": self.granted_at,
        }


class GrantRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- grants ------------------------------------------------------------------------------------------------

    def grant(self, client_id: str, user_id: str) -> Grant | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(grants).where(grants.c.client_id == client_id, grants.c.user_id == user_id)
            ).first()
        return (
            None if row is None else Grant(row.id, row.client_id, row.user_id, frozenset(row.scopes.split()))
        )

    def authorised_apps(self, user_id: str) -> list[AuthorisedApp]:
        """The apps `user_id` has a grant for, oldest grant first."""
        query = (
            select(apps.c.client_id, apps.c.name, apps.c.app_type, grants.c.scopes, grants.c.created_at)
            .join(grants, grants.c.client_id == apps.c.client_id)
            .where(grants.c.user_id == user_id)
            .order_by(grants.c.created_at)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            AuthorisedApp(r.client_id, r.name, r.app_type, tuple(r.scopes.split()), r.created_at)
            for r in rows
        ]

    def grant_by_id(self, tx: WriteTransaction, grant_id: int) -> Grant | None:
        """The grant as the transaction sees it (None once revoked)."""
        row = tx.conn.execute(select(grants).where(grants.c.id == grant_id)).first()
        return (
            None if row is None else Grant(row.id, row.client_id, row.user_id, frozenset(row.scopes.split()))
        )

    def save_grant(self, tx: WriteTransaction, client_id: str, user_id: str, scopes: str) -> int:
        """Record the user's consent; consenting again replaces the granted scopes. `scopes` is canonical text."""
        existing = tx.conn.execute(
            select(grants.c.id).where(grants.c.client_id == client_id, grants.c.user_id == user_id)
        ).scalar()
        if existing is not None:
            tx.conn.execute(update(grants).where(grants.c.id == existing).values(scopes=scopes))
            tx.record("grants", "updated", user_id=user_id, client_id=client_id)
            return int(existing)
        grant_id = tx.conn.execute(
            insert(grants).values(client_id=client_id, user_id=user_id, scopes=scopes, created_at=tx.now)
        ).inserted_primary_key[0]  # type: ignore[index]  # always set by an INSERT
        tx.record("grants", "created", user_id=user_id, client_id=client_id)
        return int(grant_id)

    def revoke_grant(self, tx: WriteTransaction, grant_id: int, *, user_revoked: bool) -> None:
        """Delete a grant and everything issued under it (explicitly, not only by ON DELETE CASCADE), plus the
        unused codes of its (app, user). `user_revoked`: the user's authorization was withdrawn (as opposed to a
        security revocation), which subscribers hear about as ``userRevokedAccess``."""
        grant = tx.conn.execute(
            select(grants.c.client_id, grants.c.user_id).where(grants.c.id == grant_id)
        ).first()
        if grant is None:
            return
        tx.conn.execute(delete(access_tokens).where(access_tokens.c.grant_id == grant_id))
        tx.conn.execute(delete(refresh_tokens).where(refresh_tokens.c.grant_id == grant_id))
        tx.conn.execute(
            delete(authorization_codes).where(
                authorization_codes.c.client_id == grant.client_id,
                authorization_codes.c.user_id == grant.user_id,
                authorization_codes.c.used_at.is_(None),
            )
        )
        tx.conn.execute(delete(grants).where(grants.c.id == grant_id))
        tx.record("grants", "deleted", user_id=grant.user_id, client_id=grant.client_id)
        if user_revoked:
            tx.record("userRevokedAccess", "created", user_id=grant.user_id, client_id=grant.client_id)

    def revoke_user_app(
        self, tx: WriteTransaction, client_id: str, user_id: str, *, user_revoked: bool
    ) -> None:
        grant_id = tx.conn.execute(
            select(grants.c.id).where(grants.c.client_id == client_id, grants.c.user_id == user_id)
        ).scalar()
        if grant_id is not None:
            self.revoke_grant(tx, int(grant_id), user_revoked=user_revoked)

    def grant_of_token(self, digest: str) -> tuple[int, str] | None:
        """(grant id, client id) of an access or a refresh token, whichever it is."""
        with self._engine.connect() as conn:
            for table in (access_tokens, refresh_tokens):
                row = conn.execute(
                    select(table.c.grant_id, table.c.client_id).where(table.c.token_hash == digest)
                ).first()
                if row is not None:
                    return int(row.grant_id), row.client_id
        return None

    # --- authorization codes -----------------------------------------------------------------------------------

    def add_code(
        self,
        tx: WriteTransaction,
        *,
        code_hash: str,
        client_id: str,
        user_id: str,
        redirect_uri: str | None,
        scopes: str,
        code_challenge: str | None,
        code_challenge_method: str | None,
        lifetime: float,
    ) -> None:
        tx.conn.execute(
            insert(authorization_codes).values(
                code_hash=code_hash,
                client_id=client_id,
                user_id=user_id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                code_challenge=code_challenge,
                code_challenge_method=code_challenge_method,
                expires_at=tx.now + lifetime,
                used_at=None,
                created_at=tx.now,
            )
        )

    def authorization_code(self, code_hash: str) -> AuthorizationCode | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(authorization_codes).where(authorization_codes.c.code_hash == code_hash)
            ).first()
        if row is None:
            return None
        return AuthorizationCode(
            code_hash=row.code_hash,
            client_id=row.client_id,
            user_id=row.user_id,
            redirect_uri=row.redirect_uri,
            scopes=frozenset(row.scopes.split()),
            code_challenge=row.code_challenge,
            code_challenge_method=row.code_challenge_method,
            expires_at=row.expires_at,
            used_at=row.used_at,
        )

    def claim_code(self, tx: WriteTransaction, code_hash: str) -> bool:
        """Use the code up; False when another request already did (single use, anchors C1/C3)."""
        claimed = tx.conn.execute(
            update(authorization_codes)
            .where(authorization_codes.c.code_hash == code_hash, authorization_codes.c.used_at.is_(None))
            .values(used_at=tx.now)
        ).rowcount
        return claimed == 1

    # --- access and refresh tokens -----------------------------------------------------------------------------

    def add_tokens(
        self,
        tx: WriteTransaction,
        *,
        grant_id: int,
        client_id: str,
        user_id: str,
        scopes: str,
        access_hash: str,
        app_type: str,
        intraday: bool,
        access_generation: int,
        expires_at: float,
        refresh_hash: str | None,
    ) -> None:
        """Store a newly minted access token and, when given, its refresh token, which replaces the user's previous
        one for this app: "each user will only have one active refresh token" [DOC best-practices]."""
        if refresh_hash is not None:
            tx.conn.execute(
                update(refresh_tokens)
                .where(refresh_tokens.c.grant_id == grant_id, refresh_tokens.c.status == "active")
                .values(status="rotated", rotated_at=tx.now)
            )
            self._add_refresh_token(tx, grant_id, client_id, user_id, scopes, refresh_hash)
        tx.conn.execute(
            insert(access_tokens).values(
                token_hash=access_hash,
                grant_id=grant_id,
                client_id=client_id,
                user_id=user_id,
                scopes=scopes,
                app_type=app_type,
                intraday=intraday,
                access_generation=access_generation,
                refresh_hash=refresh_hash,
                issued_at=tx.now,
                expires_at=expires_at,
            )
        )
        tx.record("tokens", "created", user_id=user_id, client_id=client_id)

    def _add_refresh_token(
        self, tx: WriteTransaction, grant_id: int, client_id: str, user_id: str, scopes: str, digest: str
    ) -> None:
        tx.conn.execute(
            insert(refresh_tokens).values(
                token_hash=digest,
                grant_id=grant_id,
                client_id=client_id,
                user_id=user_id,
                scopes=scopes,
                status="active",
                issued_at=tx.now,
            )
        )

    def access_token(self, digest: str) -> AccessToken | None:
        """The access token with this hash if its grant still exists (whether it is active: `is_active`)."""
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
        if row is None:
            return None
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
            issued_generation=row.access_generation,
            app_generation=row.app_generation,
        )

    def mark_first_use(self, tx: WriteTransaction, token: AccessToken) -> AccessToken:
        """The first use of a token from a refresh closes that refresh's replay window [DOC best-practices]."""
        tx.conn.execute(
            update(access_tokens)
            .where(access_tokens.c.token_hash == token.token_hash, access_tokens.c.first_used_at.is_(None))
            .values(first_used_at=tx.now)
        )
        if token.refresh_hash is not None:
            self.close_replay_window(tx, token.refresh_hash)
        return replace(token, first_used_at=tx.now)

    def close_replay_window(self, tx: WriteTransaction, child_hash: str) -> None:
        """Forget the sealed response of the refresh that issued `child_hash`: the old token is spent now."""
        tx.conn.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.child_hash == child_hash, refresh_tokens.c.replay_sealed.is_not(None))
            .values(replay_sealed=None, replay_until=None)
        )

    def refresh_token(self, digest: str) -> RefreshToken | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(refresh_tokens).where(refresh_tokens.c.token_hash == digest)).first()
        if row is None:
            return None
        return RefreshToken(
            token_hash=row.token_hash,
            grant_id=row.grant_id,
            client_id=row.client_id,
            user_id=row.user_id,
            status=row.status,
            rotated_at=row.rotated_at,
            replay_sealed=None if row.replay_sealed is None else bytes(row.replay_sealed),
            replay_until=row.replay_until,
            child_hash=row.child_hash,
            lease_until=row.lease_until,
        )

    def claim_rotation(self, tx: WriteTransaction, token: RefreshToken, lease: float) -> float | None:
        """Compare-and-set: move the token to ``rotating`` if nobody changed it since it was read (active, or a
        rotation whose lease ran out). Returns the claim's wall-clock lease end, or None when another request
        got there first."""
        lease_until = lease_clock() + lease
        claimed = tx.conn.execute(
            update(refresh_tokens)
            .where(
                refresh_tokens.c.token_hash == token.token_hash,
                refresh_tokens.c.status == token.status,
                _same(refresh_tokens.c.lease_until, token.lease_until),
            )
            .values(status="rotating", lease_until=lease_until)
        ).rowcount
        return lease_until if claimed == 1 else None

    def release_rotation(self, tx: WriteTransaction, token: RefreshToken, lease_until: float) -> None:
        """Undo a claim that could not be finished (the token is as it was before), unless it was taken over."""
        tx.conn.execute(
            update(refresh_tokens)
            .where(
                refresh_tokens.c.token_hash == token.token_hash,
                refresh_tokens.c.status == "rotating",
                refresh_tokens.c.lease_until == lease_until,
            )
            .values(status="active", lease_until=None)
        )

    def finish_rotation(
        self,
        tx: WriteTransaction,
        token: RefreshToken,
        lease_until: float,
        *,
        child_hash: str,
        sealed: bytes,
        replay_for: float,
    ) -> bool:
        """Retire the rotated token with the sealed response for identical retries. False when the claim was lost
        (its lease ran out and another request took the rotation over): the caller must roll back."""
        finished = tx.conn.execute(
            update(refresh_tokens)
            .where(
                refresh_tokens.c.token_hash == token.token_hash,
                refresh_tokens.c.status == "rotating",
                refresh_tokens.c.lease_until == lease_until,
            )
            .values(
                status="rotated",
                rotated_at=tx.now,
                lease_until=None,
                child_hash=child_hash,
                replay_sealed=sealed,
                replay_until=tx.now + replay_for,
            )
        ).rowcount
        return finished == 1

    def replace_refresh_token(self, tx: WriteTransaction, grant: Grant, digest: str, scopes: str) -> None:
        """Refresh-token recovery: retire every unrotated refresh token of the grant (and any sealed replay) and
        store a new one."""
        tx.conn.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.grant_id == grant.id, refresh_tokens.c.status != "rotated")
            .values(
                status="rotated", rotated_at=tx.now, lease_until=None, replay_sealed=None, replay_until=None
            )
        )
        self._add_refresh_token(tx, grant.id, grant.client_id, grant.user_id, scopes, digest)
        tx.record("tokens", "created", user_id=grant.user_id, client_id=grant.client_id)


def _same(column: ColumnElement[float], value: float | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value
