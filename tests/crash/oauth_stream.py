"""The OAuth client thread of the server crash test: consent, code exchange, refresh and revoke, and what must hold
after the restart (see streams.py for the write loop and the change-record check)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import httpx

from fitbit_local.ids import token_hash
from fitbit_local.store import Store
from fitbit_local.store.changes import Change
from tests.crash.streams import Op, Stream
from tests.factories import bearer
from tests.oauth.helpers import (
    PASSWORD,
    REDIRECT,
    basic,
    form_fields,
    open_consent,
    post_form,
    redirect_params,
)


@dataclass
class Deferred:
    """A refresh token whose rotation the kill interrupted after its claim: held by a lease until `lease_until`
    (wall clock), then it must work again."""

    client_id: str
    secret: str
    refresh_token: str
    lease_until: float


class TokenStream(Stream):
    """The authorization-code flow (consent page, consent, exchange), refreshes, and a revocation now and then. The
    first consent of a round signs in with the password; later ones use the sign-in session it left."""

    name = "tokens"

    def __init__(
        self, rng: random.Random, user_id: str, client_id: str, secret: str, pair: dict[str, Any]
    ) -> None:
        super().__init__(rng)
        self.user_id = user_id
        self.client_id = client_id
        self.secret = secret
        self.pair: dict[str, Any] | None = pair  # issued before the round; a revocation starts a consent flow
        self.revoked: list[dict[str, Any]] = []
        self.spent: list[str] = []  # refresh tokens that acknowledged refreshes rotated
        self.code: str | None = None
        self.page: httpx.Response | None = None
        self.deferred: Deferred | None = None

    def next_op(self) -> Op:
        grants = ("grants", "created", self.user_id)
        tokens = ("tokens", "created", self.user_id)
        if self.pair is None:
            if self.page is None:
                return Op("consent page")
            if self.code is None:
                return Op("consent")  # the code is written with no change record
            return Op("exchange", {"code": self.code}, (grants, tokens))
        if self.rng.random() < 0.2:
            revoked = (("grants", "deleted", self.user_id), ("userRevokedAccess", "created", self.user_id))
            return Op("revoke", {"token": self.pair["refresh_token"]}, revoked)
        return Op("refresh", {"refresh_token": self.pair["refresh_token"]}, (tokens,))

    def _auth(self) -> dict[str, str]:
        return basic(self.client_id, self.secret)

    def send(self, client: httpx.Client, op: Op) -> httpx.Response:
        if op.kind == "consent page":
            params = {"client_id": self.client_id, "response_type": "code", "scope": "activity profile"}
            return open_consent(client, **params, redirect_uri=REDIRECT)
        if op.kind == "consent":
            assert self.page is not None
            fields = form_fields(self.page.text) + [("action", "allow")]
            if not any(name == "signed_in_as" for name, _ in fields):  # the round's first sign-in: a password
                fields += [("username", "ann"), ("password", PASSWORD)]  # later consents use its session
            return post_form(client, "/oauth2/authorize", fields)
        if op.kind == "exchange":
            fields = [
                ("grant_type", "authorization_code"),
                ("code", op.detail["code"]),
                ("redirect_uri", REDIRECT),
            ]
            return post_form(client, "/oauth2/token", fields, headers=self._auth())
        if op.kind == "refresh":
            fields = [("grant_type", "refresh_token"), ("refresh_token", op.detail["refresh_token"])]
            return post_form(client, "/oauth2/token", fields, headers=self._auth())
        return post_form(client, "/oauth2/revoke", [("token", op.detail["token"])], headers=self._auth())

    def succeeded(self, op: Op, response: httpx.Response) -> bool:
        if op.kind == "consent":
            return response.status_code == 303 and "code=" in response.headers.get("location", "")
        return response.is_success

    def on_ack(self, op: Op, response: httpx.Response) -> None:
        if op.kind == "consent page":
            self.page = response
        elif op.kind == "consent":
            self.code = redirect_params(response)["code"]
        elif op.kind in ("exchange", "refresh"):
            if op.kind == "refresh":
                self.spent.append(op.detail["refresh_token"])
            self.pair = response.json()
            self.page = self.code = None
        else:
            assert self.pair is not None
            self.revoked.append(self.pair)
            self.pair = None

    def owns(self, change: Change) -> bool:
        return (
            change.collection in ("grants", "tokens", "userRevokedAccess")
            and change.client_id == self.client_id
        )

    # --- after the restart ----------------------------------------------------------------------------------------

    def _refresh(self, client: httpx.Client, token: str) -> httpx.Response:
        fields = [("grant_type", "refresh_token"), ("refresh_token", token)]
        return post_form(client, "/oauth2/token", fields, headers=self._auth())

    def _reads(self, client: httpx.Client, pair: dict[str, Any]) -> int:
        return client.get("/1/user/-/profile.json", headers=bearer(pair["access_token"])).status_code

    def verify(self, client: httpx.Client, store: Store) -> str:
        notes: list[str] = []
        for pair in self.revoked:  # an acknowledged revocation stays: neither token works
            assert self._reads(client, pair) == 401, "a revoked access token works again"
            response = self._refresh(client, pair["refresh_token"])
            assert response.status_code == 400, (
                f"a revoked refresh token: {response.status_code} {response.text}"
            )
        if self.revoked:
            notes.append(f"{len(self.revoked)} acknowledged revocations hold")
        for token in self.spent:  # rotated, with its child recorded (or gone with a revoked grant)
            row = store.grants.refresh_token(token_hash(token))
            assert row is None or (row.status == "rotated" and row.child_hash), f"a rotation was lost: {row}"
        if self.spent:
            notes.append(f"{len(self.spent)} acknowledged rotations hold")
        in_flight = self.pending.kind if self.pending else None
        if self.pair is None:
            grant = store.grants.grant(self.client_id, self.user_id)
            notes.append(
                f"no pair held; in flight {in_flight}: grant {'created' if grant else 'absent'} after the restart"
            )
            if in_flight != "exchange":
                assert grant is None, "a grant exists that no acknowledged write created"
            return "; ".join(notes)
        reads = self._reads(client, self.pair)
        if in_flight == "revoke" and reads == 401:  # the in-flight revocation committed: all of it
            response = self._refresh(client, self.pair["refresh_token"])
            assert response.status_code == 400, "revocation half done: the refresh token still works"
            notes.append("the in-flight revocation committed, whole")
            return "; ".join(notes)
        assert reads == 200, f"the last acknowledged access token is refused ({reads})"
        response = self._refresh(client, self.pair["refresh_token"])
        row = store.grants.refresh_token(token_hash(self.pair["refresh_token"]))
        if response.status_code == 200:
            notes.append(f"last acknowledged pair works (in flight: {in_flight})")
            return "; ".join(notes)
        assert row is not None, "the last acknowledged refresh token is gone"
        if response.status_code == 409:  # the kill came between the rotation's claim and its commit
            assert row.status == "rotating" and row.lease_until is not None, row
            notes.append("refresh token held by the killed rotation's lease: checked again after it")
            self.deferred = Deferred(self.client_id, self.secret, self.pair["refresh_token"], row.lease_until)
            return "; ".join(notes)
        # Refused: only a committed, unacknowledged rotation may have used it (its child must exist).
        assert in_flight == "refresh" and row.status == "rotated" and row.child_hash, (response.text, row)
        child = store.grants.refresh_token(row.child_hash)
        assert child is not None and child.status == "active", child
        notes.append("the in-flight refresh committed (its replay window had closed): child token active")
        return "; ".join(notes)


def refresh_after_lease(client: httpx.Client, deferred: Deferred) -> httpx.Response:
    fields = [("grant_type", "refresh_token"), ("refresh_token", deferred.refresh_token)]
    return post_form(client, "/oauth2/token", fields, headers=basic(deferred.client_id, deferred.secret))
