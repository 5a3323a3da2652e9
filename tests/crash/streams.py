"""Client threads that write to a real server until it is killed, and what each one must find after the restart.

A stream sends one write at a time, so its writes commit in the order it sends them. It keeps every acknowledged
(2xx, or the consent's 303) write and the one in flight when the server died (`pending`: sent, no answer). After the
restart `verify` checks that every acknowledged write is there, whole, and that the pending one either committed
whole or left no trace; `check_changes` checks that the change records of its writes are in the ``changes`` table in
the order the writes were acknowledged (change ids follow commit order), followed by at most the pending write's.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from fitbit_local.ids import token_hash
from fitbit_local.store import Store
from fitbit_local.store.changes import Change
from fitbit_local.store.users import PROFILE_LOCALES
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

Signature = tuple[str, str, str | None]  # collection, kind, user id


@dataclass
class Op:
    kind: str
    detail: dict[str, Any] = field(default_factory=dict)
    changes: tuple[Signature, ...] = ()  # the change records it writes when it commits


class Stream:
    """One client thread's sequential writes."""

    name = "stream"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.acked: list[Op] = []
        self.pending: Op | None = None
        self.refused: list[str] = []  # answers that were neither success nor the kill: a bug unless explained
        self.ended_by = ""
        self.error: BaseException | None = None  # a check that failed inside the thread
        self.thread: threading.Thread | None = None

    # --- the write loop -------------------------------------------------------------------------------------------

    def start(self, base_url: str) -> None:
        self.thread = threading.Thread(target=self._run, args=(base_url,), name=self.name, daemon=True)
        self.thread.start()

    def join(self) -> None:
        assert self.thread is not None
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), f"{self.name}: the client thread did not stop"

    def _run(self, base_url: str) -> None:
        try:
            self._write_until_killed(base_url)
        except BaseException as exc:  # reported by the test thread, which owns the assertions
            self.error = exc

    def _write_until_killed(self, base_url: str) -> None:
        with httpx.Client(base_url=base_url, timeout=20, follow_redirects=False) as client:
            while True:
                op = self.next_op()
                self.pending = op
                try:
                    response = self.send(client, op)
                except httpx.ConnectError:
                    self.pending = None  # never reached the server
                    self.ended_by = f"connection refused before {op.kind}"
                    return
                except httpx.TransportError as exc:
                    self.ended_by = f"killed during {op.kind} ({exc.__class__.__name__})"
                    return
                self.pending = None
                if self.succeeded(op, response):
                    self.acked.append(op)
                    self.on_ack(op, response)
                else:
                    self.refused.append(f"{op.kind}: {response.status_code} {response.text[:200]}")
                    self.ended_by = f"refused {op.kind}"
                    return

    def succeeded(self, op: Op, response: httpx.Response) -> bool:
        return response.is_success

    # --- what a stream defines ------------------------------------------------------------------------------------

    def prepare(self, client: httpx.Client) -> None:
        """Read the state the round starts from, before any write of it."""

    def next_op(self) -> Op:
        raise NotImplementedError

    def send(self, client: httpx.Client, op: Op) -> httpx.Response:
        raise NotImplementedError

    def on_ack(self, op: Op, response: httpx.Response) -> None:
        pass

    def owns(self, change: Change) -> bool:
        raise NotImplementedError

    def verify(self, client: httpx.Client, store: Store) -> str:
        raise NotImplementedError

    # --- shared checks --------------------------------------------------------------------------------------------

    def check_changes(self, changes: list[Change]) -> None:
        ids = [c.id for c in changes]
        assert ids == sorted(set(ids)), "change ids are not strictly increasing"  # type: ignore[type-var]
        observed = [(c.collection, c.kind, c.user_id) for c in changes if self.owns(c)]
        expected = [sig for op in self.acked for sig in op.changes]
        assert observed[: len(expected)] == expected, (
            f"{self.name}: the acknowledged writes' changes are not all there in order:\n"
            f"expected {expected}\nobserved {observed}"
        )
        tail = observed[len(expected) :]
        allowed = ([], list(self.pending.changes) if self.pending else [])
        assert tail in allowed, f"{self.name}: unexpected changes after the acknowledged ones: {tail}"

    def summary(self) -> str:
        kinds: dict[str, int] = {}
        for op in self.acked:
            kinds[op.kind] = kinds.get(op.kind, 0) + 1
        acked = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "none"
        pending = self.pending.kind if self.pending else "none"
        return f"acked {acked}; in flight: {pending}; {self.ended_by}"


# --- profile updates ------------------------------------------------------------------------------------------------

TIMEZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Kiritimati",
)
PROFILE_KEYS = {  # form field -> the field GET profile.json shows it in
    "gender": "gender",
    "birthday": "dateOfBirth",
    "height": "height",
    "fullName": "fullName",
    "locale": "locale",
    "timezone": "timezone",
}


class ProfileStream(Stream):
    """POST /1/user/-/profile.json with six fields at once (two tables: users and the time-zone history)."""

    name = "profile"

    def __init__(self, rng: random.Random, user_id: str, access_token: str) -> None:
        super().__init__(rng)
        self.user_id = user_id
        self.token = access_token
        self.initial: dict[str, Any] = {}

    def prepare(self, client: httpx.Client) -> None:
        self.initial = self._observed(client)

    def _observed(self, client: httpx.Client) -> dict[str, Any]:
        response = client.get("/1/user/-/profile.json", headers=bearer(self.token))
        assert response.status_code == 200, response.text
        profile = response.json()["user"]
        return {shown: profile[shown] for shown in PROFILE_KEYS.values()}

    def next_op(self) -> Op:
        rng, n = self.rng, len(self.acked)
        form = {
            "gender": rng.choice(["MALE", "FEMALE", "NA"]),
            "birthday": (date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))).isoformat(),
            "height": f"{rng.randrange(1400, 2000) / 10:.1f}",
            "fullName": f"Bob {n} {rng.randrange(10**6)}",
            "locale": rng.choice(PROFILE_LOCALES),
            "timezone": rng.choice(TIMEZONES),
        }
        return Op("profile update", form, (("profile", "updated", self.user_id),))

    def send(self, client: httpx.Client, op: Op) -> httpx.Response:
        return client.post("/1/user/-/profile.json", data=op.detail, headers=bearer(self.token))

    @staticmethod
    def shown(form: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {PROFILE_KEYS[k]: v for k, v in form.items()}
        values["height"] = float(form["height"])
        return values

    def owns(self, change: Change) -> bool:
        return change.collection == "profile" and change.user_id == self.user_id

    def verify(self, client: httpx.Client, store: Store) -> str:
        observed = self._observed(client)
        observed["height"] = round(float(observed["height"]), 6)
        last = self.shown(self.acked[-1].detail) if self.acked else dict(self.initial)
        last["height"] = round(float(last["height"]), 6)
        if observed == last:
            return "the last acknowledged profile, whole"
        assert self.pending is not None, f"profile lost its last acknowledged write: {observed} != {last}"
        later = self.shown(self.pending.detail)
        assert observed == later, (
            f"profile is neither the last acknowledged write nor the pending one: {observed}"
        )
        return "the in-flight profile write committed, whole"


# --- the sandbox: clock and faults ----------------------------------------------------------------------------------


def instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class SandboxStream(Stream):
    """POST /_sandbox/clock {"advance": "1s"} and fault injections added and deleted over /_sandbox/faults."""

    name = "sandbox"
    STEP = 1.0  # one second a step keeps the refresh replay window (300 s) open across a round

    def __init__(self, rng: random.Random, tag: str) -> None:
        super().__init__(rng)
        self.tag = (
            tag  # faults of this stream have path prefixes under /crash/<tag>/, which no request matches
        )
        self.base = 0.0
        self.advances = 0
        self.live: dict[int, dict[str, Any]] = {}
        self.before: dict[int, dict[str, Any]] = {}

    def prepare(self, client: httpx.Client) -> None:
        self.base = instant(client.get("/_sandbox/clock").json()["now"])
        self.before = self._faults(client)

    def _faults(self, client: httpx.Client) -> dict[int, dict[str, Any]]:
        listed = client.get("/_sandbox/faults").json()["faults"]
        return {f["id"]: f for f in listed if (f["path_prefix"] or "").startswith("/crash/")}

    def next_op(self) -> Op:
        roll = self.rng.random()
        if roll < 0.1 and self.live:
            fault_id = self.rng.choice(sorted(self.live))
            return Op("fault delete", {"id": fault_id}, (("sandbox", "deleted", None),))
        if roll < 0.4:
            prefix = f"/crash/{self.tag}/{len(self.acked)}"
            body = {"status": 503, "path_prefix": prefix, "count": self.rng.randrange(1, 100)}
            return Op("fault add", body, (("sandbox", "created", None),))
        return Op("clock advance", {"advance": f"{self.STEP:g}s"}, (("sandbox", "updated", None),))

    def send(self, client: httpx.Client, op: Op) -> httpx.Response:
        if op.kind == "clock advance":
            return client.post("/_sandbox/clock", json=op.detail)
        if op.kind == "fault add":
            return client.post("/_sandbox/faults", json=op.detail)
        return client.request("DELETE", "/_sandbox/faults", json=op.detail)

    def on_ack(self, op: Op, response: httpx.Response) -> None:
        body = response.json()
        if op.kind == "clock advance":
            self.advances += 1
            assert instant(body["now"]) == self.base + self.advances * self.STEP, body
        elif op.kind == "fault add":
            self.live[body["id"]] = body
        else:
            assert body == {"removed": 1}, body
            del self.live[op.detail["id"]]

    def owns(self, change: Change) -> bool:
        return change.collection == "sandbox"

    def verify(self, client: httpx.Client, store: Store) -> str:
        now = instant(client.get("/_sandbox/clock").json()["now"])
        moved = round((now - self.base) / self.STEP, 6)
        in_flight = self.pending.kind if self.pending else None
        allowed = {self.advances} | ({self.advances + 1} if in_flight == "clock advance" else set())
        assert moved in allowed, f"the clock moved {moved} steps; acknowledged {self.advances}"
        found = self._faults(client)
        expected = {**self.before, **self.live}  # a round deletes only faults it added
        extra = {i: f for i, f in found.items() if i not in expected}
        missing = {i: f for i, f in expected.items() if i not in found}
        notes = [f"clock moved {moved:g} of {self.advances} acknowledged steps"]
        if in_flight == "fault add" and extra:
            assert self.pending is not None
            (only,) = extra.values()
            assert only["path_prefix"] == self.pending.detail["path_prefix"], extra
            assert only["remaining"] == self.pending.detail["count"], extra
            notes.append("the in-flight fault add committed")
            extra = {}
        if in_flight == "fault delete" and missing:
            assert self.pending is not None
            assert set(missing) == {self.pending.detail["id"]}, missing
            notes.append("the in-flight fault delete committed")
            missing = {}
        assert not extra and not missing, f"faults: unexpected {extra}, missing {missing}"
        for fault_id, fault in found.items():
            assert fault == expected.get(fault_id, fault), f"fault {fault_id} changed: {fault}"
        notes.append(f"{len(found)} faults as acknowledged")
        return "; ".join(notes)


# --- OAuth: code flow, refresh, revoke ------------------------------------------------------------------------------


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
