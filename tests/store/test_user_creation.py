"""Creating a user with history is all or (visibly) nothing, and a rerun finishes the job (issue #8 item 13)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from fitbit_local.clock import SandboxState
from fitbit_local.sources.load import NewUser, create_user_with_history, store_synthetic_days
from fitbit_local.store import Store
from fitbit_local.store.schema import daily_summaries, users

END = date(2026, 3, 1)


@pytest.fixture
def db(store_url):
    store = Store.open(database_url=store_url)
    yield store
    store.close()


def test_an_unfinished_user_is_invisible_and_the_same_creation_resumes_it(db):
    new = NewUser(name="ann", password="pw", timezone="Europe/Paris", sex="FEMALE")
    job = {"request": new.request(40, 5), "end": END.isoformat()}
    half = db.users.create(name="ann", password="pw", timezone="Europe/Paris", sex="FEMALE", creation_job=job)
    store_synthetic_days(db, half, days=30, end=date(2026, 2, 20), seed=5)  # the first 30 of the 40 days
    assert db.users.get(half.id) is None and db.users.find("ann") is None and db.users.find(half.id) is None
    assert db.users.list() == [] and db.users.authenticate("ann", "pw") is None
    user, stored = create_user_with_history(
        db, new, days=40, seed=5, end=date(2027, 1, 1), member_since=date(2027, 1, 1)
    )
    assert user.id == half.id and stored == 40  # resumed: the end date is the one the job started with
    assert db.series.day_range(user.id) == (date(2026, 1, 21), END)
    assert db.users.find("ann") == user and db.users.authenticate("ann", "pw") == user
    with pytest.raises(ValueError, match="already exists"):
        create_user_with_history(db, new, days=40, seed=5, end=END, member_since=END)


@pytest.mark.parametrize(
    "differs",
    [{"password": "other"}, {"timezone": "Asia/Tokyo"}, {"days": 10}, {"seed": 6}],
    ids=lambda d: next(iter(d)),
)
def test_a_different_creation_replaces_an_unfinished_one(db, differs):
    new = NewUser(name="ann", password="pw")
    half = db.users.create(
        name="ann", password="pw", creation_job={"request": new.request(40, 5), "end": END.isoformat()}
    )
    store_synthetic_days(db, half, days=5, end=date(2026, 1, 26), seed=5)
    again = NewUser(
        name="ann", password=differs.get("password", "pw"), timezone=differs.get("timezone", "UTC")
    )
    user, stored = create_user_with_history(
        db, again, days=differs.get("days", 40), seed=differs.get("seed", 5), end=END, member_since=END
    )
    assert user.id != half.id and stored == differs.get("days", 40)
    assert [u.id for u in db.users.list()] == [user.id]
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(users)).scalar() == 1
    assert _days_written(db) == stored  # the unfinished user's days went with it


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "fitbit_local", *args]


def _days_written(store: Store) -> int:
    # observing progress only: the test watches the table the killed process writes
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(daily_summaries)).scalar_one())


def test_a_killed_users_create_leaves_no_user_and_a_rerun_finishes_the_job(db, store_url, tmp_path):
    SandboxState(db.engine).set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), frozen=True)
    days = "400"
    command = _cli("users", "create", "--database-url", store_url, "--name", "ann", "--synthetic-days", days)
    command += ["--seed", "11", "--timezone", "Europe/Paris", "--json"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while _days_written(db) < 30:  # the first batch is committed
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the creation never started writing"
        time.sleep(0.02)
    assert process.poll() is None, "the creation finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    written = _days_written(db)
    assert 30 <= written < int(days)
    assert db.users.find("ann") is None and db.users.list() == []  # nothing anyone sees
    listed = subprocess.run(
        _cli("users", "list", "--database-url", store_url, "--json"), env=env, capture_output=True
    )
    assert json.loads(listed.stdout) == {"users": []}

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    created = json.loads(rerun.stdout)
    assert created["synthetic_days"] == int(days) and created["timezone"] == "Europe/Paris"
    user = db.users.find("ann")
    assert user is not None and user.id == created["user_id"]
    assert _days_written(db) == int(days)

    # the resumed history is the one an uninterrupted run writes
    reference = Store.open(data_dir=tmp_path / "reference")
    SandboxState(reference.engine).set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), frozen=True)
    uninterrupted = subprocess.run(
        [
            *command[: command.index("--database-url")],
            "--data",
            str(tmp_path / "reference"),
            *command[command.index("--name") :],
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    expected = reference.users.find("ann")
    first, last = db.series.day_range(user.id)
    assert reference.series.day_range(expected.id) == (first, last)
    assert db.series.get_summaries(user.id, first, last) == reference.series.get_summaries(
        expected.id, first, last
    )
    reference.close()
