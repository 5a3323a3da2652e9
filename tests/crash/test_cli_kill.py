"""kill -9 the admin CLI while it writes (issue #8 "Tests that keep it so"): `generate` (many transactions of 30
days), `apps update` and `clock advance` (one transaction each). After each kill the database is whole, no day is
half-written (a stored day has its summary and its series, and equals what an uninterrupted run stores), an app or
the clock is entirely as before or entirely as asked, the change records match what committed, and running the same
command again completes the job."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import numpy as np
import orjson
import pytest
from sqlalchemy import func, select

from fitbit_local.clock import SandboxState
from fitbit_local.store import Store
from fitbit_local.store.changes import Change
from fitbit_local.store.schema import daily_summaries
from tests.crash.integrity import check_database
from tests.crash.processes import kill, run_cli, start_cli, store_option, wait_for_store

END = date(2026, 2, 28)
GENERATE_DAYS = 150  # five transactions of 30 days


@pytest.fixture
def db(store_url):
    store = Store.open(database_url=store_url)
    SandboxState(store.engine).set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), frozen=True)
    yield store
    store.close()


def _last_change_id(store: Store) -> int:
    changes = store.changes.since(0, limit=10**9)
    return changes[-1].id or 0 if changes else 0


def _changes_after(store: Store, change_id: int) -> list[Change]:
    return store.changes.since(change_id, limit=10**9)


def _days_written(store: Store, user_id: str) -> int:
    # observing progress only: the test watches the table the killed process writes
    with store.engine.connect() as conn:
        query = select(func.count()).select_from(daily_summaries).where(daily_summaries.c.user_id == user_id)
        return int(conn.execute(query).scalar_one())


def _stored_days(store: Store, user_id: str, start: date, end: date) -> dict[date, tuple[object, bytes]]:
    """Every day of the range that is stored, with its arrays and summary; a day with only one of them fails."""
    summaries = store.series.get_summaries(user_id, start, end)
    days: dict[date, tuple[object, bytes]] = {}
    day = start
    while day <= end:
        arrays = store.series.get_day(user_id, day)
        summary = summaries.get(day.isoformat())
        assert (arrays is None) == (summary is None), f"{day} is half-written: series {arrays is not None}"
        if arrays is not None and summary is not None:
            assert int(arrays.steps.sum()) == summary["steps"], f"{day}: the summary is not of these arrays"
            days[day] = (arrays, orjson.dumps(summary, option=orjson.OPT_SORT_KEYS))
        day += timedelta(days=1)
    return days


def test_kill_9_generate_leaves_whole_days_and_a_rerun_completes(
    db, store_url, crash_rounds, crash_seed, crash_report
):
    start = END - timedelta(days=GENERATE_DAYS - 1)
    for round_ in range(crash_rounds):
        rng = random.Random(f"{crash_seed}:generate:{store_url[:5]}:{round_}")
        user = db.users.create(name=f"gen{round_}", password="pw")
        baseline = _last_change_id(db)
        command = ["generate", *store_option(store_url), "--user", user.id, "--days", str(GENERATE_DAYS)]
        command += ["--end", END.isoformat(), "--seed", str(round_), "--json"]
        wait_for = 30 * rng.randint(1, GENERATE_DAYS // 30 - 2)  # kill after this many days are committed…
        extra = rng.uniform(0, 0.2)  # …and this many seconds more
        process = start_cli(*command)
        try:
            deadline = time.monotonic() + 120
            while _days_written(db, user.id) < wait_for and process.poll() is None:
                assert time.monotonic() < deadline, "generate never got that far"
                time.sleep(0.01)
            time.sleep(extra)
        finally:
            interrupted = kill(process)
        assert interrupted, "generate finished before the kill: no round"
        health = check_database(store_url, db.engine)
        at_kill = _stored_days(db, user.id, start, END)
        changed = {c.day for c in _changes_after(db, baseline) if c.collection == "activities"}
        assert changed == set(at_kill), "the activities changes are not the days stored"
        assert 0 < len(at_kill) < GENERATE_DAYS

        rerun = run_cli(*command)
        assert rerun.returncode == 0, rerun.stderr
        assert orjson.loads(rerun.stdout) == {"user_id": user.id, "days": GENERATE_DAYS}
        final = _stored_days(db, user.id, start, END)
        assert len(final) == GENERATE_DAYS
        for day, (
            arrays,
            summary,
        ) in at_kill.items():  # generation is deterministic: a whole day is the same day
            again_arrays, again_summary = final[day]
            assert summary == again_summary, f"{day}: the summary stored before the kill differs"
            for name, array in arrays.items():  # type: ignore[attr-defined]
                assert np.array_equal(array, getattr(again_arrays, name)), f"{day}: {name} differs"
        crash_report(
            f"round {round_}: killed at {len(at_kill)} of {GENERATE_DAYS} days stored (waited for {wait_for} "
            f"+ {extra:.3f} s); {health}; every stored day whole; the rerun stored {GENERATE_DAYS} days, "
            "the killed run's days unchanged"
        )


def _time_to_commit(url: str, committed: Callable[[], bool], *args: str) -> float:
    """Run a command to its end; the seconds from its opening the database to its write being visible. The kills
    are drawn from twice that, so about half the rounds kill before the commit and half after."""
    process = start_cli(*args)
    try:
        opened = wait_for_store(process, url)
        while not committed() and process.poll() is None:
            time.sleep(0.002)
        seen = time.monotonic()
        _out, err = process.communicate(timeout=120)
    except BaseException:
        kill(process)
        raise
    assert process.returncode == 0, err
    assert committed(), "the command exited without its write"
    return seen - opened


def _kill_in_window(url: str, seconds: float, *args: str) -> bool:
    """Start a command and kill -9 it `seconds` after it opens the database; True when it was still running."""
    process = start_cli(*args)
    try:
        wait_for_store(process, url)
        time.sleep(seconds)
    finally:
        interrupted = kill(process)
    return interrupted


APP_CONFIGS = (  # the rounds switch between the first two: every field changes and the access mode flips
    {
        "app_type": "client",
        "intraday": True,
        "read_only": True,
        "redirect_uris": ("https://b.example/cb", "app:/cb"),
    },
    {"app_type": "server", "intraday": False, "read_only": False, "redirect_uris": ("https://a.example/cb",)},
    {"app_type": "client", "intraday": False, "read_only": False, "redirect_uris": ("https://c.example/cb",)},
)


def _app_flags(config: dict[str, object]) -> list[str]:
    flags = ["--type", str(config["app_type"]), "--intraday" if config["intraday"] else "--no-intraday"]
    flags.append("--read-only" if config["read_only"] else "--read-write")
    for uri in config["redirect_uris"]:  # type: ignore[attr-defined]
        flags += ["--redirect-uri", uri]
    return flags


def _app_state(store: Store, client_id: str) -> dict[str, object]:
    app = store.apps.get(client_id)
    assert app is not None
    return {
        "app_type": app.app_type,
        "intraday": app.intraday,
        "read_only": app.read_only,
        "redirect_uris": app.redirect_uris,
        "generation": app.access_generation,
    }


def _how(kill_after: float, interrupted: bool) -> str:
    return f"killed {kill_after * 1000:.0f} ms after it opened the database ({'running' if interrupted else 'had exited'})"


def test_kill_9_apps_update_is_all_or_nothing(db, store_url, crash_rounds, crash_seed, crash_report):
    app, _secret = db.apps.create(name="a", app_type="server", redirect_uris=["https://a.example/cb"])
    client_id = app.client_id
    calibration = {**APP_CONFIGS[2], "generation": 0}  # a real update (the access mode stays): its timing
    command = ["apps", "update", client_id, *store_option(store_url), *_app_flags(calibration), "--json"]
    to_commit = _time_to_commit(store_url, lambda: _app_state(db, client_id) == calibration, *command)
    for round_ in range(crash_rounds):
        rng = random.Random(f"{crash_seed}:apps:{store_url[:5]}:{round_}")
        before = _app_state(db, client_id)
        target = {**APP_CONFIGS[round_ % 2], "generation": int(before["generation"]) + 1}  # type: ignore[call-overload]
        command = ["apps", "update", client_id, *store_option(store_url), *_app_flags(target), "--json"]
        baseline = _last_change_id(db)
        kill_after = rng.uniform(0, 2 * to_commit)
        interrupted = _kill_in_window(store_url, kill_after, *command)
        health = check_database(store_url, db.engine)
        after = _app_state(db, client_id)
        assert after in (before, target), f"the app is half-updated: {after}"
        updates = [
            c for c in _changes_after(db, baseline) if c.collection == "apps" and c.client_id == client_id
        ]
        assert len(updates) == (after == target), "the change record does not match what committed"
        if after == target:
            rerun = run_cli(
                *command
            )  # the same update again changes nothing (the access mode is already set)
            assert rerun.returncode == 0, rerun.stderr
        else:
            to_commit = _time_to_commit(
                store_url, lambda target=target: _app_state(db, client_id) == target, *command
            )
        assert _app_state(db, client_id) == target, "the rerun did not complete the update (or did it twice)"
        outcome = "committed, whole" if after == target else "not committed, nothing changed"
        crash_report(
            f"round {round_}: {_how(kill_after, interrupted)}; {health}; the update {outcome}; "
            f"the rerun leaves exactly the asked state (time to commit {to_commit * 1000:.0f} ms)"
        )


def test_kill_9_clock_advance_moves_once_or_not_at_all(db, store_url, crash_rounds, crash_seed, crash_report):
    clock = SandboxState(db.engine)
    command = ["clock", "advance", "1h", *store_option(store_url), "--json"]
    start = clock.refresh().now()
    to_commit = _time_to_commit(store_url, lambda: clock.refresh().now() != start, *command)
    for round_ in range(crash_rounds):
        rng = random.Random(f"{crash_seed}:clock:{store_url[:5]}:{round_}")
        before = clock.refresh().now()
        baseline = _last_change_id(db)
        kill_after = rng.uniform(0, 2 * to_commit)
        interrupted = _kill_in_window(store_url, kill_after, *command)
        health = check_database(store_url, db.engine)
        moved = clock.refresh().now() - before
        assert moved in (0, 3600), f"the clock moved {moved} s"
        records = [c for c in _changes_after(db, baseline) if c.collection == "sandbox"]
        assert len(records) == (moved == 3600), "the change record does not match what committed"
        outcome = "committed"
        if moved == 0:  # not committed: running it again does the job, once
            to_commit = _time_to_commit(
                store_url, lambda before=before: clock.refresh().now() != before, *command
            )
            assert clock.refresh().now() - before == 3600
            outcome = "not committed; the rerun advanced it once"
        crash_report(
            f"round {round_}: {_how(kill_after, interrupted)}; {health}; the advance {outcome} "
            f"(time to commit {to_commit * 1000:.0f} ms)"
        )
