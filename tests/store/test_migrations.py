"""Migrations are self-contained: an old revision does what it did when written, whatever later code does."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import orjson
import pytest
from alembic import command
from sqlalchemy import text

from fitbit_local.physiology.day import DayArrays
from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.store import Store
from fitbit_local.store.db import alembic_config, create_db_engine, migrate

MIGRATIONS = Path(__file__).resolve().parents[2] / "src" / "fitbit_local" / "store" / "migrations"


def test_no_migration_imports_fitbit_local():
    """A migration importing physiology or the store would silently change when they do."""
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not any(n == "fitbit_local" or n.startswith("fitbit_local.") for n in names), path.name


def _old_day(seed: int, *, sleep: bool) -> DayArrays:
    rng = np.random.default_rng(seed)
    mets = np.full(1_440, 1.2, dtype=np.float32)
    mets[rng.random(1_440) < 0.1] = 2.5  # light bits
    mets[600:660] = 7.0  # a run: very active
    mets[800:830] = 4.0  # a brisk walk: fairly active
    mets[900:905] = 4.5  # too short for a bout: lightly
    day = DayArrays(
        mets=mets,
        distance=(rng.random(1_440) * (mets > 1.5) * 0.15).astype(np.float32),
        steps=rng.integers(0, 100, 1_440).astype(np.uint16),
    )
    if sleep:
        day.sleep[:420] = 2  # in bed until 07:00 ...
        day.sleep[30:40] = 0  # ... with ten minutes up
        day.mets[30:40] = 3.5
        day.distance[30:40] = 0.05
    return day


def test_0002_derives_for_rows_written_at_0001_what_derive_daily_summary_gives(empty_store_url):
    store_url = empty_store_url
    engine = create_db_engine(store_url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    days = {
        date(2025, 1, 1): _old_day(1, sleep=False),
        date(2025, 1, 2): _old_day(2, sleep=True),
        date(2025, 1, 3): DayArrays(),  # a day without data: no arrays were stored
    }
    expected: dict[str, dict[str, object]] = {}
    with engine.begin() as conn:  # rows as revision 0001 wrote them: raw SQL, zlib level 6, no distance split
        conn.execute(
            text(
                "INSERT INTO users (id, name, password_hash, display_name, locale, birth_date, sex, height_cm, "
                "weight_kg, member_since, synthetic, synthetic_seed, created_at) VALUES ('OLD001', 'old', 'x', "
                "'old', 'en_US', '1980-01-01', 'NA', 170, 70, '2024-01-01', true, 1, 0)"
            )
        )
        for day, arrays in days.items():
            summary = derive_daily_summary(
                arrays, age=45, resting_hr_fallback=60, bmr_kcal_per_day=1600
            ).to_json()
            expected[day.isoformat()] = dict(summary)
            del summary["distance_by_level_km"]
            for name, array in arrays.items():
                if array.any():
                    conn.execute(
                        text(
                            "INSERT INTO series_days (user_id, series, day, data) VALUES ('OLD001', :s, :d, :b)"
                        ),
                        {"s": name, "d": day.isoformat(), "b": zlib.compress(array.tobytes(), 6)},
                    )
            conn.execute(
                text(
                    "INSERT INTO daily_summaries (user_id, day, source, data) "
                    "VALUES ('OLD001', :d, 'synthetic', :j)"
                ),
                {"d": day.isoformat(), "j": orjson.dumps(summary).decode()},
            )
    migrate(engine)
    engine.dispose()
    store = Store.open(database_url=store_url)
    migrated = store.series.get_summaries("OLD001", date(2025, 1, 1), date(2025, 1, 3))
    store.close()
    assert all(km > 0 for km in expected["2025-01-01"]["distance_by_level_km"][1:])  # type: ignore[index]
    assert set(migrated) == set(expected)
    for day, summary in expected.items():
        split = summary.pop("distance_by_level_km")
        assert migrated[day].pop("distance_by_level_km") == pytest.approx(split, abs=1e-9), day
        assert migrated[day] == summary


_KILLED_MIGRATION = """
import os, signal, sys
from alembic import command
from fitbit_local.store import db

upgrade = command.upgrade


def upgrade_then_die(config, target):
    upgrade(config, "0004")  # four revisions in: tables created, more to come
    os.kill(os.getpid(), signal.SIGKILL)


db.command.upgrade = upgrade_then_die
db.migrate(db.create_db_engine(db.database_url_for(sys.argv[1])))
"""


def test_a_first_start_killed_during_the_migrations_leaves_nothing_behind(tmp_path: Path) -> None:
    """SQLite runs DDL outside a transaction unless one is open: a process killed part-way through the first
    migrations used to leave tables no version row recorded, and every later start failed with "table … already
    exists". The migrations run in one transaction, so a kill leaves the database as it was."""
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_MIGRATION, str(tmp_path)],
        env={**os.environ, "PYTHONPATH": str(MIGRATIONS.parents[2])},
        capture_output=True,
        text=True,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    engine = create_db_engine(f"sqlite:///{tmp_path / 'fitbit-local.sqlite3'}")
    try:
        with engine.connect() as conn:
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
        assert names <= {"alembic_version"}, names
        migrate(engine)  # the next start completes
    finally:
        engine.dispose()
    store = Store.open(data_dir=tmp_path)
    try:
        assert store.users.list() == []
    finally:
        store.close()
