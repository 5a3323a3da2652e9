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

from fitbit_local.store import Store
from fitbit_local.store.changes import Change
from fitbit_local.store.users import PROFILE_LOCALES
from tests.factories import bearer

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
