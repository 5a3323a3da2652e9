"""Resumable and all-or-nothing: an import stopped at any point leaves no visible user, and running it again completes
with every day equal to an uninterrupted import — nothing lost, nothing doubled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from fitbit_local.services import Services
from fitbit_local.sources.takeout import Progress, import_takeout
from fitbit_local.store import Store
from fitbit_local.store.schema import (
    activity_logs,
    body_logs,
    devices,
    health_metrics,
    sleep_logs,
    user_timezones,
)
from tests.takeout.writer import DAYS, write_layout, write_long

TODAY = date(2026, 12, 1)
ROOT = Path(__file__).resolve().parents[2]


class Stop(Exception):
    pass


def stop_after(windows: int) -> Progress:
    seen = [0]

    def advance(days: int, samples: int) -> None:
        seen[0] += 1
        if seen[0] >= windows:
            raise Stop

    return Progress(advance=advance)


def snapshot(store: Store, user_id: str, first: date, last: date) -> dict[str, object]:
    """Every stored day of a user: its summary and arrays (as bytes)."""
    out: dict[str, object] = {}
    day = first
    while day <= last:
        arrays = store.series.get_day(user_id, day)
        if arrays is not None:
            out[day.isoformat()] = {name: array.tobytes() for name, array in arrays.items()}
        day += timedelta(days=1)
    out["summaries"] = store.series.get_summaries(user_id, first, last)
    # the records beside the days: sleep logs, body logs, activity logs (without their store-made ids and creation
    # times), the nightly metrics
    with store.engine.connect() as conn:
        for table, drop in (
            (sleep_logs, {"created_at"}),
            (body_logs, set()),
            (activity_logs, {"log_id", "created_at"}),
            (health_metrics, set()),
            (devices, {"mac"}),  # derived from the user's id
            (user_timezones, set()),  # the corrected days
        ):
            rows = conn.execute(select(table).where(table.c.user_id == user_id)).mappings().all()
            out[table.name] = sorted(
                repr(sorted((k, v) for k, v in row.items() if k not in drop and k != "user_id"))
                for row in rows
            )
    return out


def test_a_stopped_import_is_invisible_and_resumes(services: Services, tmp_path: Path) -> None:
    write_layout(tmp_path / "tree", "C")
    store = services.store
    for stop in (1, 2, 3):
        with pytest.raises(Stop):
            import_takeout(store, [tmp_path / "tree"], today=TODAY, progress=stop_after(stop), window_days=2)
        assert store.users.list() == []  # nothing half-imported is served
    report = import_takeout(store, [tmp_path / "tree"], today=TODAY, window_days=2)
    assert report.created_user and report.resumed_from is not None
    # the same export imported without interruption into a database of its own: the same days, byte for byte
    reference = Store.open(data_dir=tmp_path / "reference")
    try:
        clean = import_takeout(reference, [tmp_path / "tree"], today=TODAY)
        first, last = DAYS[0] - timedelta(days=1), DAYS[-1] + timedelta(days=2)
        got = snapshot(store, report.user_id, first, last)
        assert got == snapshot(reference, clean.user_id, first, last)
        assert any("Etc/GMT-8" in row for row in got["user_timezones"]) and len(got["devices"]) == 1
    finally:
        reference.close()
    assert [u.id for u in store.users.list()] == [report.user_id]


def _run(data: Path, archive: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fitbit_local",
            "import",
            "takeout",
            str(archive),
            "--data",
            str(data),
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def test_kill_9_at_any_point_then_rerun_completes(tmp_path: Path) -> None:
    archive = tmp_path / "takeout-long.zip"
    write_long(archive, date(2020, 1, 1), 75, step=15)
    reference = tmp_path / "reference"
    started = time.perf_counter()
    clean = _run(
        reference, archive
    )  # uninterrupted: the expected result, and how long a whole run takes here
    clean_out, err = clean.communicate(timeout=300)
    whole = time.perf_counter() - started
    assert clean.returncode == 0, err
    clean_report = json.loads(clean_out)
    data = tmp_path / "data"
    killed = 0
    for fraction in (0.4, 0.5, 0.6, 0.7):  # start-up, mid-window, mid-store, between windows
        process = _run(data, archive)
        time.sleep(whole * fraction)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.communicate()
        killed += process.returncode == -signal.SIGKILL
    assert killed >= 2  # the kills landed while importing (each run resumes the previous one's work)
    first, last = date(2019, 12, 31), date(2020, 3, 20)
    if (
        killed == 4
    ):  # nothing half-imported is visible: no user, or (a run killed after making it visible) a whole one
        half, b = Store.open(data_dir=data), Store.open(data_dir=reference)
        try:
            visible = half.users.list()
            if visible:
                assert snapshot(half, visible[0].id, first, last) == snapshot(
                    b, clean_report["user_id"], first, last
                )
        finally:
            half.close()
            b.close()
    finished = _run(data, archive)
    out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    report = json.loads(out)
    a, b = Store.open(data_dir=data), Store.open(data_dir=reference)
    try:
        assert [u.id for u in a.users.list()] == [
            report["user_id"]
        ]  # one user, however many runs were killed
        got, want = (
            snapshot(a, report["user_id"], first, last),
            snapshot(b, clean_report["user_id"], first, last),
        )
        assert got == want
        # the records are there, once each: a night per day, a weigh-in and a walk every third day, HRV and SpO2
        assert len(got["sleep_logs"]) == 75 and len(got["body_logs"]) == 25  # type: ignore[arg-type]
        assert len(got["activity_logs"]) == 25 and len(got["health_metrics"]) == 150  # type: ignore[arg-type]
        assert len(a.series.get_summaries(report["user_id"], first, last)) == 75
    finally:
        a.close()
        b.close()
