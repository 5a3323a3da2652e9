"""The change seam (store/changes.py): every write records what it changed and bumps the epoch in its own
transaction, or does neither; change ids follow commit order; nothing else opens a write transaction."""

from __future__ import annotations

import ast
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import insert, select

from fitbit_local.clock import SandboxState
from fitbit_local.physiology.day import DayArrays
from fitbit_local.store import Store
from fitbit_local.store.changes import Change
from fitbit_local.store.schema import faults

SRC = Path(__file__).resolve().parents[2] / "src" / "fitbit_local"


@pytest.fixture
def db(store_url):
    store = Store.open(database_url=store_url)
    yield store
    store.close()


def last_change_id(store: Store) -> int:
    changes = store.changes.since(0, limit=1_000_000)
    return changes[-1].id if changes else 0  # type: ignore[return-value]


def what(changes: list[Change]) -> list[tuple[object, ...]]:
    return [(c.collection, c.kind, c.user_id, c.day, c.client_id) for c in changes]


def test_a_write_records_ordered_changes_and_bumps_the_epoch(db):
    state = SandboxState(db.engine)
    state.set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), frozen=True)
    before, epoch = last_change_id(db), state.refresh().epoch
    with db.write() as tx:
        assert tx.now == datetime(2026, 3, 1, 12, 0, tzinfo=UTC).timestamp()  # the sandbox clock
        tx.conn.execute(insert(faults).values(error_key="maintenance", created_at=tx.now))
        tx.record("activities", "created", user_id="AAAAAA", days=[date(2026, 3, 1), date(2026, 3, 2)])
        tx.record("sleep", "updated", user_id="AAAAAA", day=date(2026, 3, 2))
    recorded = db.changes.since(before)
    assert what(recorded) == [
        ("activities", "created", "AAAAAA", date(2026, 3, 1), None),
        ("activities", "created", "AAAAAA", date(2026, 3, 2), None),
        ("sleep", "updated", "AAAAAA", date(2026, 3, 2), None),
    ]
    ids = [c.id for c in recorded]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert {c.recorded_at for c in recorded} == {tx.now}
    assert state.refresh().epoch == epoch + 1
    assert db.changes.since(before, limit=2) == recorded[:2]
    assert db.changes.since(ids[-1]) == []


def test_a_bookkeeping_write_commits_without_moving_the_epoch_and_records_no_change(db):
    """``write(visible=False)`` (the notification queue): committed like any write, but no cache is emptied."""
    from fitbit_local.store.changes import write

    state = SandboxState(db.engine)
    before, epoch = last_change_id(db), state.refresh().epoch
    with write(db.engine, visible=False) as tx:
        tx.conn.execute(insert(faults).values(error_key="maintenance", created_at=tx.now))
    with db.engine.connect() as conn:
        assert len(conn.execute(select(faults.c.id)).all()) == 1
    assert (last_change_id(db), state.refresh().epoch) == (before, epoch)
    with pytest.raises(ValueError, match="cannot record"), write(db.engine, visible=False) as tx:
        tx.conn.execute(insert(faults).values(error_key="maintenance", created_at=tx.now))
        tx.record("activities", "created", user_id="AAAAAA", day=date(2026, 3, 1))
    with db.engine.connect() as conn:
        assert len(conn.execute(select(faults.c.id)).all()) == 1  # the refused write left nothing
    assert (last_change_id(db), state.refresh().epoch) == (before, epoch)


def test_a_failing_write_leaves_neither_its_rows_nor_its_changes_nor_an_epoch_bump(db):
    state = SandboxState(db.engine)
    before, epoch = last_change_id(db), state.refresh().epoch
    with pytest.raises(RuntimeError, match="half-way"), db.write() as tx:
        tx.conn.execute(insert(faults).values(error_key="maintenance", created_at=tx.now))
        tx.record("sandbox", "created")
        raise RuntimeError("half-way")
    db.users.create(name="ann", password="pw")
    after_create, epoch_after_create = last_change_id(db), state.refresh().epoch
    with pytest.raises(ValueError, match="already exists"):  # a write the database refuses
        db.users.create(name="ann", password="pw")
    with pytest.raises(ValueError, match="locale"):  # a write refused before it starts
        db.users.update_profile(db.users.find("ann").id, {"locale": "xx_XX"}, timezone="Asia/Tokyo")
    with db.engine.connect() as conn:
        assert conn.execute(select(faults.c.id)).all() == []
    assert what(db.changes.since(before)) == [("profile", "created", db.users.find("ann").id, None, None)]
    assert epoch_after_create == epoch + 1
    assert (last_change_id(db), state.refresh().epoch) == (after_create, epoch_after_create)
    assert db.users.find("ann").current_timezone == "UTC"


def _day(sleep: bool) -> DayArrays:
    arrays = DayArrays(steps=np.full(1_440, 3, dtype=np.uint16))
    if sleep:
        arrays.sleep[:300] = 2
    return arrays


# Every kind of write in the store, and the changes it must record (USER and APP stand for the ids made in setup).
WRITES: list[tuple[str, Callable[[Store, SandboxState, str, str], object], list[tuple[object, ...]]]] = [
    (
        "profile update with a time zone",
        lambda s, c, u, a: s.users.update_profile(u, {"locale": "fr_FR"}, timezone="Europe/Paris"),
        [("profile", "updated", "USER", None, None)],
    ),
    (
        "app update",
        lambda s, c, u, a: s.apps.update(a, intraday=True),
        [("apps", "updated", None, None, "APP")],
    ),
    (
        "days stored, one with sleep",
        lambda s, c, u, a: s.series.put_days(
            u,
            [(date(2026, 3, 1), _day(False), {"steps": 1}), (date(2026, 3, 2), _day(True), {"steps": 1})],
            source="synthetic",
        ),
        [
            ("activities", "created", "USER", date(2026, 3, 1), None),
            ("activities", "created", "USER", date(2026, 3, 2), None),
            ("sleep", "created", "USER", date(2026, 3, 2), None),
        ],
    ),
    (
        "a stored day replaced",
        lambda s, c, u, a: s.series.put_days(
            u, [(date(2026, 2, 1), _day(True), {"steps": 2})], source="synthetic"
        ),
        [
            ("activities", "updated", "USER", date(2026, 2, 1), None),
            ("sleep", "updated", "USER", date(2026, 2, 1), None),
        ],
    ),
    (
        "fault added",
        lambda s, c, u, a: s.faults.add_fault("maintenance", client_id=a, count=2),
        [("sandbox", "created", None, None, "APP")],
    ),
    (
        "faults cleared",
        lambda s, c, u, a: s.faults.clear_faults(),
        [("sandbox", "deleted", None, None, None)],
    ),
    (
        "clock set",
        lambda s, c, u, a: c.set(datetime(2026, 1, 1, tzinfo=UTC)),
        [("sandbox", "updated", None, None, None)],
    ),
    ("clock advanced", lambda s, c, u, a: c.advance(3600), [("sandbox", "updated", None, None, None)]),
    ("clock reset", lambda s, c, u, a: c.reset(), [("sandbox", "updated", None, None, None)]),
]


@pytest.mark.parametrize(("name", "action", "expected"), WRITES, ids=[w[0] for w in WRITES])
def test_every_kind_of_write_records_its_changes_and_moves_the_epoch(db, name, action, expected):
    state = SandboxState(db.engine)
    user = db.users.create(name="ann", password="pw")
    app, _ = db.apps.create(name="study", app_type="server", redirect_uris=["https://a.example/cb"])
    db.series.put_days(user.id, [(date(2026, 2, 1), _day(False), {"steps": 0})], source="synthetic")
    before, epoch = last_change_id(db), state.refresh().epoch
    action(db, state, user.id, app.client_id)
    names = {"USER": user.id, "APP": app.client_id}
    assert what(db.changes.since(before)) == [
        tuple(names.get(v, v) if isinstance(v, str) else v for v in row) for row in expected
    ]
    assert state.refresh().epoch == epoch + 1


def test_creating_users_and_apps_records_them(db):
    user = db.users.create(name="ann", password="pw")
    app, _ = db.apps.create(
        name="p", app_type="personal", redirect_uris=["https://a.example/cb"], owner_user_id=user.id
    )
    assert what(db.changes.since(0)) == [
        ("profile", "created", user.id, None, None),
        ("apps", "created", user.id, None, app.client_id),
    ]


def test_a_reader_following_ids_never_misses_a_change_under_concurrent_writes(db):
    """Ids are drawn in commit order (the epoch row is locked before the change rows are inserted), so a reader that
    keeps only the last id it saw sees every change exactly once, however writes interleave."""
    user = db.users.create(name="ann", password="pw")
    start = last_change_id(db)
    writers, per_writer = 4, 15
    done = threading.Event()
    seen: list[int] = []

    def follow() -> None:
        cursor = start
        while True:
            finished = done.is_set()
            for change in db.changes.since(cursor):
                seen.append(change.id)  # type: ignore[arg-type]
                cursor = change.id  # type: ignore[assignment]
            if finished:
                return

    def write(n: int) -> None:
        for i in range(per_writer):
            with db.write() as tx:
                tx.record("activities", "updated", user_id=user.id, day=date(2026, 1, 1 + n))
                tx.record("sleep", "updated", user_id=user.id, day=date(2026, 2, 1 + i))

    reader = threading.Thread(target=follow)
    reader.start()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    reader.join()
    committed = [c.id for c in db.changes.since(start, limit=10_000)]
    assert len(committed) == writers * per_writer * 2
    assert seen == committed


def test_the_sandbox_clock_refuses_instants_out_of_its_range(db):
    state = SandboxState(db.engine)
    state.set(datetime(2026, 1, 1, tzinfo=UTC), frozen=True)
    before, epoch = last_change_id(db), state.refresh().epoch
    for instant in (
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(1999, 12, 31, tzinfo=UTC),
        datetime(9999, 1, 1, tzinfo=UTC),
    ):
        with pytest.raises(ValueError, match="between 2000-01-01 and 9900-01-01"):
            state.set(instant)
    for seconds in (-1e12, 1e300, float("inf"), float("nan"), 8000 * 365 * 86400.0):
        with pytest.raises(ValueError, match="between"):
            state.advance(seconds)
    assert state.now() == datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert (last_change_id(db), state.refresh().epoch) == (before, epoch)  # nothing was committed
    state.set(datetime(2000, 1, 1, tzinfo=UTC), frozen=True)
    with pytest.raises(ValueError):
        state.advance(-1)
    state.advance(86_400)
    assert state.now_datetime() == datetime(2000, 1, 2, tzinfo=UTC)


def test_the_sandbox_state_is_one_object_shared_through_the_database(store_url):
    a, b = Store.open(database_url=store_url), Store.open(database_url=store_url)
    state_a, state_b = SandboxState(a.engine), SandboxState(b.engine)
    assert state_a.signing_key == state_b.signing_key and len(state_a.signing_key) == 32
    state_a.set(datetime(2026, 5, 1, tzinfo=UTC), frozen=True)
    state_b.advance(60)  # computed in the database: the other worker's set is not lost
    state_a.refresh()
    assert state_a.now() == state_b.now() == datetime(2026, 5, 1, 0, 1, tzinfo=UTC).timestamp()
    assert state_a.epoch == state_b.epoch
    user = a.users.create(name="ann", password="pw")
    with b.engine.connect() as conn:
        from fitbit_local.store.schema import users

        created_at = conn.execute(select(users.c.created_at).where(users.c.id == user.id)).scalar_one()
    assert created_at == state_a.now()  # created_at is on the sandbox clock
    a.close()
    b.close()


def test_concurrent_clock_advances_all_count(db):
    state = SandboxState(db.engine)
    state.set(datetime(2026, 1, 1, tzinfo=UTC), frozen=True)
    threads = [threading.Thread(target=lambda: [state.advance(60) for _ in range(5)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    state.refresh()
    assert state.now_datetime() == datetime(2026, 1, 1, 0, 20, tzinfo=UTC)


# --- nothing else opens a write transaction ----------------------------------------------------------------------

# Not data, so not changes: the migration runner and the rate-limit counters (a hot path with its own upsert).
# The request log is a log, not data: its rows are written beside the seam and do not move the cache epoch.
ALLOWED_BEGIN = {"store/changes.py", "store/db.py", "ratelimit.py", "store/request_log.py"}


def _calls(name: str) -> set[str]:
    """Modules under src/fitbit_local calling a method or function called `name`."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if called == name:
                    found.add(path.relative_to(SRC).as_posix())
    return found


def test_no_module_but_the_change_seam_opens_a_write_transaction():
    offenders = _calls("begin") - ALLOWED_BEGIN
    assert offenders == set(), (
        f"write through store.write() (store/changes.py), not engine.begin(): {offenders}"
    )
    assert _calls("begin") >= {"store/changes.py"}


def test_no_module_bumps_the_epoch_by_hand():
    offenders = _calls("bump_epoch")
    assert offenders == set(), f"store.write() bumps the epoch; remove these calls: {offenders}"


SYSTEM_TIME = {
    ("time", "time"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
}


def test_only_the_sandbox_clock_reads_the_system_time():  # DESIGN firm decision 3
    readers = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and (node.func.value.id, node.func.attr) in SYSTEM_TIME
            ):
                readers.add(path.relative_to(SRC).as_posix())
    assert readers == {"store/sandbox.py"}, "ask the sandbox clock (SandboxState.now(), tx.now)"
