"""The benches' one user: synthetic days ending yesterday (by the sandbox clock, in the user's zone), one of them with
a heart reading at every second, and a personal app of theirs with a token for every scope the benches read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from fitbit_local.api.params import local_today
from fitbit_local.oauth.tokens import issue_for_consent
from fitbit_local.physiology.day import SECONDS_PER_DAY, DayArrays
from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days

TIMEZONE = "America/New_York"
SCOPES = {"profile", "activity", "heartrate"}


@dataclass(frozen=True)
class BenchUser:
    user_id: str
    access_token: str
    day: date  # yesterday: a complete synthetic day
    full_second_day: date  # the day before: 86,400 heart readings

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def full_second_heart(services: Services, user_id: str, day: date) -> None:
    """Replace `day`'s heart array with a reading at every one of the 86,400 seconds (the 1sec worst case)."""
    user = services.store.users.get(user_id)
    assert user is not None
    arrays = services.store.series.get_day(user_id, day) or DayArrays()
    rng = np.random.default_rng(1)
    heart = np.clip(62 + np.cumsum(rng.integers(-1, 2, SECONDS_PER_DAY)) % 60, 45, 180).astype(np.uint8)
    arrays = DayArrays(**{**dict(arrays.items()), "heart": heart})
    summary = derive_daily_summary(
        arrays, age=user.age_on(day), resting_hr_fallback=60, bmr_kcal_per_day=1600.0
    )
    services.store.series.put_days(user_id, [(day, arrays, summary.to_json())], source="synthetic")


def create_bench_user(services: Services, *, days: int = 40, seed: int = 5) -> BenchUser:
    user = services.store.users.create(
        name="bench", password="pw", timezone=TIMEZONE, birth_date=date(1985, 1, 1), sex="FEMALE"
    )
    yesterday = local_today(TIMEZONE, services.clock.now()) - timedelta(days=1)
    store_synthetic_days(services.store, user, days=days, end=yesterday, seed=seed)
    full_second_day = yesterday - timedelta(days=1)
    full_second_heart(services, user.id, full_second_day)
    app, _ = services.store.apps.create(
        name="bench", app_type="personal", redirect_uris=["https://b.example/cb"], owner_user_id=user.id
    )
    token = issue_for_consent(
        services.store.engine,
        signing_key=services.signing_key,
        app=app,
        user_id=user.id,
        granted=SCOPES,
        now=services.clock.now(),
    )
    return BenchUser(user.id, str(token["access_token"]), yesterday, full_second_day)
