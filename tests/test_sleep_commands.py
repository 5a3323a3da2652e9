"""``fitbit-local sleep regenerate`` on a database whose synthetic users have days but no sleep logs or metrics (as
one upgraded from before migration 0006 has): they get them, users of other sources keep their data byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from sqlalchemy import delete, select

from fitbit_local.physiology.day import DayArrays
from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.store import Store
from fitbit_local.store.schema import daily_summaries, health_metrics, sleep_logs


def run(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "fitbit_local", *args, "--json"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_regenerate_gives_synthetic_users_their_nights_and_leaves_others_alone(tmp_path) -> None:
    data = str(tmp_path)
    ann = run("users", "create", "--data", data, "--name", "ann", "--synthetic-days", "10", "--seed", "7")[
        "user_id"
    ]
    store = Store.open(data_dir=data)
    generated = store.sleep.count(ann)
    known = store.series.day_range(ann)
    assert generated and known is not None
    hrv = store.metrics.by_dates(ann, "hrv", *known)
    bob = store.users.create(name="bob", password="pw")
    arrays = DayArrays()
    arrays.sleep[:420] = 2
    summary = derive_daily_summary(arrays, age=30, resting_hr_fallback=None, bmr_kcal_per_day=1600)
    store.series.put_days(bob.id, [(date(2024, 1, 1), arrays, summary.to_json())], source="takeout")
    with store.write() as tx:  # the state of a database upgraded from 0005: days, no logs or metrics
        tx.conn.execute(delete(sleep_logs))
        tx.conn.execute(delete(health_metrics))
    with store.engine.connect() as conn:
        bob_before = conn.execute(select(daily_summaries).where(daily_summaries.c.user_id == bob.id)).all()
    assert store.sleep.count(ann) == 0

    result = run("sleep", "regenerate", "--data", data)
    by_user = {u["user_id"]: u for u in result["users"]}
    assert by_user[ann]["days"] == 10 and by_user[ann]["sleep_logs"] == generated  # the same nights again
    assert by_user[bob.id] == {"user_id": bob.id, "skipped": "not a synthetic user"}
    assert store.sleep.count(ann) == generated
    assert store.metrics.by_dates(ann, "hrv", *known) == hrv
    with store.engine.connect() as conn:
        assert (
            conn.execute(select(daily_summaries).where(daily_summaries.c.user_id == bob.id)).all()
            == bob_before
        )
    assert store.sleep.count(bob.id) == 0
    store.close()
