"""Profile writes racing with reads on `serve --workers 3` over PostgreSQL (issue #8: "nothing lost, nothing
mixed, no 5xx"), and the change records those writes leave (store/changes.py).

Every write sets all four fields at once, and its fullName is unique, so any profile a response shows names the
write it should equal field by field. Order is checked against real time only (the commit order is not visible
to clients): a response may not show a write that had not been sent before the response arrived, nor one that
another write had replaced completely before the request was sent.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from fitbit_local.services import Services
from fitbit_local.store.changes import Change
from tests.concurrency.conftest import Timed, race, serve, timed
from tests.factories import bearer, issue_token, make_app, make_user

PROFILE = "/1/user/-/profile.json"
WRITES = 48
READS = 96
THREADS = 12
ZONES = ("Europe/Paris", "America/New_York", "Asia/Tokyo")
LOCALES = ("fr_FR", "de_DE", "ja_JP", "en_GB", "es_ES")
DAY = date(2026, 11, 23)  # the local date at the frozen clock in Paris and New York; Tokyo is a day ahead
NEXT_DAY = date(2026, 11, 24)
Job = Callable[[httpx.Client], tuple[str, int, "Timed"]]  # ("write", its index, …) or ("read", -1, …)


@dataclass(frozen=True)
class Combination:
    """What one write sets: the profile fields a read must show together."""

    full_name: str
    timezone: str
    locale: str
    height_cm: float

    @classmethod
    def of(cls, profile: dict[str, object]) -> Combination:
        return cls(
            str(profile["fullName"]),
            str(profile["timezone"]),
            str(profile["locale"]),
            float(profile["height"]),  # type: ignore[arg-type]
        )

    def form(self) -> dict[str, str]:
        return {
            "fullName": self.full_name,
            "timezone": self.timezone,
            "locale": self.locale,
            "height": f"{self.height_cm:g}",
        }


INITIAL = Combination("Ann Initial", "UTC", "en_US", 170.0)
COMBINATIONS = [
    Combination(f"Writer {i:02d}", ZONES[i % 3], LOCALES[i % 5], 150.0 + i) for i in range(WRITES)
]


@dataclass(frozen=True)
class Seen:
    """One profile a response showed, with the request's interval; `write` is set for a POST's own answer."""

    shown: Combination
    sent: float
    received: float
    write: int | None = None


def history_reachable(history: tuple[tuple[str, str], ...]) -> bool:
    """The time-zone histories some order of these writes can leave (docs/decisions.md, "the newest change wins"):
    a change is dated the local today of the zone in effect before it, so it lands on the 23rd unless the zone in
    effect was Tokyo's (then the 24th), and it drops every entry dated later."""
    first, *rest = history
    if first != ("0000-01-01", "UTC"):
        return False
    day, next_day = DAY.isoformat(), NEXT_DAY.isoformat()
    if len(rest) == 1:
        return rest[0][0] == day and rest[0][1] in ZONES
    if len(rest) == 2:
        return rest[0] == (day, "Asia/Tokyo") and rest[1][0] == next_day and rest[1][1] in ZONES[:2]
    return False


@pytest.mark.postgres
def test_profile_writes_racing_with_reads(pg_services: Services, tmp_path: Path) -> None:
    services = pg_services
    ann = make_user(
        services,
        "ann",
        display_name=INITIAL.full_name,
        timezone=INITIAL.timezone,
        locale=INITIAL.locale,
        height_cm=INITIAL.height_cm,
    )
    app = make_app(services)
    token = issue_token(services, app.client_id, ann.id, scopes="profile")
    headers = bearer(token)
    before = services.store.changes.since(0, 100_000)
    baseline = int(before[-1].id or 0) if before else 0

    def write(i: int) -> Job:
        def job(http: httpx.Client) -> tuple[str, int, Timed]:
            return "write", i, timed(lambda: http.post(PROFILE, data=COMBINATIONS[i].form(), headers=headers))

        return job

    def read(http: httpx.Client) -> tuple[str, int, Timed]:
        return "read", -1, timed(lambda: http.get(PROFILE, headers=headers))

    jobs: list[Job] = [write(i) for i in range(WRITES)] + [read] * READS
    random.Random(8).shuffle(jobs)

    followed: list[Change] = []
    stop = threading.Event()

    def follow() -> None:
        """A reader of the change records that keeps only the last id it saw, polling while the race runs."""
        last = baseline
        while not stop.is_set():
            batch = services.store.changes.since(last, 20)
            followed.extend(batch)
            last = int(batch[-1].id or 0) if batch else last
            time.sleep(0.005)
        while batch := services.store.changes.since(last, 20):
            followed.extend(batch)
            last = int(batch[-1].id or 0)

    follower = threading.Thread(target=follow)
    with serve(services.settings.database_url or "", tmp_path, "--rate-limit", "100000", workers=3) as server:
        follower.start()
        try:
            results = race(server.base_url, jobs, THREADS)
        finally:
            stop.set()
            follower.join(30)
        with httpx.Client(base_url=server.base_url, timeout=20) as http:
            final = Combination.of(http.get(PROFILE, headers=headers).json()["user"])

    statuses = sorted({t.response.status_code for _, _, t in results})
    assert statuses == [200], [t.response.text for _, _, t in results if t.response.status_code != 200][:3]

    by_name = {c.full_name: i for i, c in enumerate(COMBINATIONS)}
    acked = {i: t for kind, i, t in results if kind == "write"}
    seen = [
        Seen(Combination.of(t.response.json()["user"]), t.sent, t.received, i if kind == "write" else None)
        for kind, i, t in results
    ]

    # nothing mixed: every profile shows one write's fields (or the initial ones) as a whole, its time zone
    # included (a user is read in one statement; test_profile_snapshot.py forces the interleaving that once tore it)
    def expected(shown: Combination) -> Combination:
        return COMBINATIONS[by_name[shown.full_name]] if shown.full_name in by_name else INITIAL

    mixed = [
        s.shown
        for s in seen
        if (s.shown.full_name, s.shown.locale, s.shown.height_cm, s.shown.timezone)
        != (
            expected(s.shown).full_name,
            expected(s.shown).locale,
            expected(s.shown).height_cm,
            expected(s.shown).timezone,
        )
    ]
    assert not mixed, mixed[:5]
    # real-time order: never a write from the future, never one overwritten before the request was sent
    for s in seen:
        shown = by_name.get(s.shown.full_name)
        if shown is None:  # the initial profile: only before any write had been acknowledged
            assert all(w.received > s.sent for w in acked.values()), s
            continue
        assert acked[shown].sent < s.received, s
        overwritten_before = [
            j for j, w in acked.items() if acked[shown].received < w.sent and w.received < s.sent
        ]
        assert not overwritten_before, (s, overwritten_before[:3])
        if s.write is not None:  # a POST answers with its own write or one that may have committed after it
            assert shown == s.write or acked[shown].received > acked[s.write].sent, s

    # the final state is one acknowledged write, whole, and not one a later-sent write replaced
    assert final in COMBINATIONS
    last = by_name[final.full_name]
    assert not [j for j, w in acked.items() if acked[last].received < w.sent], final

    # the time-zone history, read through the store: a step function some order of the writes leaves
    user = services.store.users.get(ann.id)
    assert user is not None
    assert history_reachable(user.timezones), user.timezones
    assert user.current_timezone == final.timezone
    assert (user.display_name, user.locale, user.height_cm) == (
        final.full_name,
        final.locale,
        final.height_cm,
    )

    # one change record per acknowledged write, in id order, and a reader following ids missed none
    recorded = services.store.changes.since(baseline, 100_000)
    profile_changes = [c for c in recorded if c.collection == "profile"]
    assert len(profile_changes) == len(acked) == WRITES
    assert {(c.kind, c.user_id) for c in profile_changes} == {("updated", ann.id)}
    ids = [c.id for c in recorded]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert [c.id for c in followed] == ids
