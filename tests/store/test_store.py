"""Storage on SQLite and PostgreSQL: migrations match the metadata; repositories round-trip; nothing committed is lost."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fitbit_local.clock import SandboxState
from fitbit_local.physiology.day import DayArrays
from fitbit_local.store import Store
from fitbit_local.store.schema import metadata


@pytest.fixture
def db(store_url):
    store = Store.open(database_url=store_url)
    yield store
    store.close()


def test_migrations_produce_exactly_the_metadata(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []


def test_migrating_twice_is_harmless_and_keeps_data(store_url):
    first = Store.open(database_url=store_url)
    user = first.users.create(name="keep", password="pw")
    first.close()
    second = Store.open(database_url=store_url)
    assert second.users.get(user.id) == user
    second.close()


def test_users_and_timezone_history(db):
    user = db.users.create(
        name="ann", password="s3cret", timezone="America/New_York", birth_date=date(1980, 2, 29)
    )
    assert db.users.authenticate("ann", "s3cret") == user
    assert db.users.authenticate(user.id, "s3cret") == user
    assert db.users.authenticate("ann", "wrong") is None
    assert db.users.authenticate("nobody", "s3cret") is None
    db.users.set_timezone(user.id, "Asia/Tokyo", date(2026, 5, 1))
    moved = db.users.get(user.id)
    assert moved.timezone_on(date(2026, 4, 30)) == "America/New_York"
    assert moved.timezone_on(date(2026, 5, 1)) == "Asia/Tokyo"
    assert moved.current_timezone == "Asia/Tokyo"
    assert moved.age_on(date(2026, 2, 28)) == 45 and moved.age_on(date(2026, 3, 1)) == 46
    with pytest.raises(ValueError):
        db.users.create(name="ann", password="x")


def test_apps_secrets_are_hashed_and_access_mode_bumps_generation(db):
    app, secret = db.apps.create(name="s", app_type="server", redirect_uris=["https://a.example/cb"])
    assert secret not in app.secret_hash and len(app.secret_hash) == 64
    assert db.apps.update(app.client_id, intraday=True).access_generation == 0
    assert db.apps.update(app.client_id, read_only=True).access_generation == 1
    assert db.apps.update(app.client_id, read_only=True).access_generation == 1
    with pytest.raises(ValueError):
        db.apps.create(name="bad", app_type="desktop", redirect_uris=["https://a.example/cb"])


ACCEPTED_REDIRECT_URIS = [
    "https://client.example/callback",
    "https://client.example/cb?tenant=7",
    "http://localhost:8000/callback",
    "http://127.0.0.1:5000/cb",
    "http://[::1]:9000/cb",
    "HTTP://LOCALHOST/cb",
    "myapp://callback",  # native apps' own schemes (Fitbit allowed them for mobile apps)
    "com.example.app:/oauth2redirect",
]
REFUSED_REDIRECT_URIS = [
    ("http://client.example/cb", "must use https unless its host is localhost, 127.0.0.1 or [::1]"),
    ("http://localhost.evil.example/cb", "must use https unless its host is localhost"),
    ("http://127.0.0.2/cb", "must use https unless its host is localhost"),
    ("https://client.example/cb#frag", "must not contain a fragment"),
    ("https://client.example/cb#", "must not contain a fragment"),
    ("/callback", "must be an absolute URI with a scheme"),
    ("client.example/callback", "must be an absolute URI with a scheme"),
    ("localhost:8000/callback", "must be an absolute URI with a scheme"),
    ("https:///callback", "must name a host"),
    ("https://client.example:port/cb", "invalid host or port"),
    ("https://client.example/a b", "must not contain spaces or control characters"),
    ("javascript:alert(1)", "must not use the javascript: scheme"),
    ("myapp://", "needs more than a scheme"),
]


def test_registered_redirect_uris_follow_fitbits_rules(db):  # anchors A5
    app, _ = db.apps.create(name="ok", app_type="client", redirect_uris=ACCEPTED_REDIRECT_URIS)
    assert app.redirect_uris == tuple(ACCEPTED_REDIRECT_URIS)
    with pytest.raises(ValueError, match="at least one redirect URI"):
        db.apps.create(name="none", app_type="server", redirect_uris=[])
    with pytest.raises(ValueError, match="at least one redirect URI"):
        db.apps.update(app.client_id, redirect_uris=[])


@pytest.mark.parametrize(("uri", "message"), REFUSED_REDIRECT_URIS)
def test_bad_redirect_uris_are_refused_on_create_and_update(db, uri, message):  # anchors A5
    with pytest.raises(ValueError, match=re.escape(message)):
        db.apps.create(name="bad", app_type="server", redirect_uris=["https://a.example/cb", uri])
    assert db.apps.find_by_name("bad") is None
    app, _ = db.apps.create(name="good", app_type="server", redirect_uris=["https://a.example/cb"])
    with pytest.raises(ValueError, match=re.escape(message)):
        db.apps.update(app.client_id, redirect_uris=[uri])
    assert db.apps.get(app.client_id).redirect_uris == ("https://a.example/cb",)  # nothing was changed
    assert db.apps.update(app.client_id, redirect_uris=["myapp://cb"]).redirect_uris == ("myapp://cb",)


def test_day_arrays_round_trip_and_replace(db):
    user = db.users.create(name="ann", password="pw")
    rng = np.random.default_rng(7)
    arrays = DayArrays(
        heart=rng.integers(0, 180, 86_400).astype(np.uint8),
        steps=rng.integers(0, 120, 1_440).astype(np.uint16),
        calories=rng.random(1_440).astype(np.float32),
    )
    day = date(2026, 3, 1)
    assert (
        db.series.put_days(user.id, [(day, arrays, {"steps": int(arrays.steps.sum())})], source="synthetic")
        == 1
    )
    assert np.array_equal(db.series.get_series(user.id, "heart", day), arrays.heart)
    assert db.series.get_series(user.id, "floors", day) is None  # all-zero series are not stored
    loaded = db.series.get_day(user.id, day)
    assert np.array_equal(loaded.calories, arrays.calories)
    assert db.series.get_summaries(user.id, day, day) == {"2026-03-01": {"steps": int(arrays.steps.sum())}}
    db.series.put_days(user.id, [(day, DayArrays(), {"steps": 0})], source="synthetic")
    assert db.series.get_series(user.id, "heart", day) is None
    assert db.series.day_range(user.id) == (day, day)


def test_the_clock_is_shared_through_the_database(store_url):
    a, b = Store.open(database_url=store_url), Store.open(database_url=store_url)
    clock_a, clock_b = SandboxState(a.engine), SandboxState(b.engine)
    clock_a.advance(86_400)
    clock_b.refresh()
    assert abs(clock_b.now() - clock_a.now()) < 5
    assert clock_b.epoch == clock_a.epoch
    a.close()
    b.close()


def test_migration_0002_derives_distance_by_level_for_older_summaries(db):
    """A database written before revision 0002 gains distance_by_level_km, equal to what new days get."""
    from alembic import command

    from fitbit_local.physiology.summaries import derive_daily_summary
    from fitbit_local.store.db import alembic_config, migrate

    user = db.users.create(name="old", password="pw")
    rng = np.random.default_rng(3)
    mets = np.full(1_440, 1.2, dtype=np.float32)
    mets[600:660] = 7.0  # a run
    mets[800:830] = 4.0  # a brisk walk
    mets[rng.random(1_440) < 0.1] = 2.5  # light bits
    arrays = DayArrays(
        mets=mets,
        distance=(rng.random(1_440) * (mets > 2) * 0.15).astype(np.float32),
        steps=rng.integers(0, 100, 1_440).astype(np.uint16),
    )
    summary = derive_daily_summary(arrays, age=40, resting_hr_fallback=60, bmr_kcal_per_day=1600).to_json()
    expected = summary.pop("distance_by_level_km")
    assert expected[2] + expected[3] > 0  # the day has active distance for the migration to split
    day = date(2026, 2, 2)
    db.series.put_days(user.id, [(day, arrays, summary)], source="synthetic")
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    migrate(db.engine)
    migrated = db.series.get_summaries(user.id, day, day)[day.isoformat()]
    assert migrated["distance_by_level_km"] == pytest.approx(expected)
    assert sum(migrated["distance_by_level_km"]) == pytest.approx(migrated["distance_km"], rel=1e-6)
    assert {k: v for k, v in migrated.items() if k != "distance_by_level_km"} == summary
