"""Measures the slowest request classes the server serves, for the latency bound of the fuzz suite
(docs/robustness.md). Not a test: run it by hand, on SQLite or PostgreSQL:

    PYTHONPATH=src .venv/bin/python -m tests.robustness.slowest [DATABASE_URL]

One user with 1,095 synthetic days and one day of 1-second heart rate (86,400 readings), a Personal-app token with
every scope, then each path five times in-process (routing, pipeline, store read, JSON), printing the median and the
slowest in milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from starlette.testclient import TestClient

from fitbit_local.app import create_app
from fitbit_local.config import Settings
from fitbit_local.physiology.day import DayArrays
from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from tests.factories import bearer, issue_token, make_app, make_user

END = date(2026, 3, 2)
DAYS = 1095
START = END - timedelta(days=DAYS - 1)
PATHS = [
    f"/1/user/-/activities/heart/date/{END}/1d/1sec.json",
    f"/1/user/-/activities/heart/date/{END}/1d/1min.json",
    f"/1/user/-/activities/steps/date/{END}/1d/1min.json",
    f"/1/user/-/activities/steps/date/{START}/{END}.json",
    f"/1/user/-/activities/steps/date/{END}/max.json",
    f"/1/user/-/activities/heart/date/{END - timedelta(days=364)}/{END}.json",
    f"/1/user/-/activities/heart/date/{END}/1y.json",
    f"/1/user/-/activities/heart/date/{END}/1d/1sec/time/00:00/23:59.json",
    f"/1/user/-/activities/active-zone-minutes/date/{START}/{END}.json",
    f"/1/user/-/activities/calories/date/{START}/{END}.json",
    f"/1/user/-/activities/date/{END}.json",
    "/1/user/-/profile.json",
]


def full_second_day(services: Services, user_id: str) -> None:
    """END's heart array with a reading at every one of the 86,400 seconds (as bench/bench_heart_day.py)."""
    user = services.store.users.get(user_id)
    assert user is not None
    arrays = services.store.series.get_day(user_id, END) or DayArrays()
    rng = np.random.default_rng(1)
    heart = np.clip(62 + np.cumsum(rng.integers(-1, 2, 86_400)) % 60, 45, 180).astype(np.uint8)
    arrays = DayArrays(**{**dict(arrays.items()), "heart": heart})
    summary = derive_daily_summary(
        arrays, age=user.age_on(END), resting_hr_fallback=60, bmr_kcal_per_day=1600.0
    )
    services.store.series.put_days(user_id, [(END, arrays, summary.to_json())], source="synthetic")


def main(database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as data:
        services = Services.build(
            Settings(data_dir=data, database_url=database_url, rate_limit=0, rate_limit_backend="memory")
        )
        user = make_user(services, timezone="UTC", birth_date=date(1985, 1, 1))
        started = time.monotonic()
        store_synthetic_days(services.store, user, days=DAYS, end=END, seed=5)
        full_second_day(services, user.id)
        print(f"{DAYS} days generated in {time.monotonic() - started:.1f} s")
        services.clock.set(datetime(END.year, END.month, END.day, 23, tzinfo=ZoneInfo("UTC")), frozen=True)
        app = make_app(services, "personal", owner=user.id)
        headers = bearer(str(issue_token(services, app.client_id, user.id)["access_token"]))
        with TestClient(create_app(services), raise_server_exceptions=False) as client:  # type: ignore[arg-type]
            for path in PATHS:
                times, status, size = [], 0, 0
                for _ in range(5):
                    begun = time.perf_counter()
                    response = client.get(path, headers=headers)
                    times.append((time.perf_counter() - begun) * 1000)
                    status, size = response.status_code, len(response.content)
                print(
                    f"{status} {size:>9} B  median {statistics.median(times):7.1f} ms"
                    f"  max {max(times):7.1f} ms  {path}"
                )
        services.store.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
