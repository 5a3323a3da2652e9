"""Load synthetic days into the store: what ``fitbit-local generate`` and ``serve --demo`` call.

The person is drawn from the seed with the user's stored profile (birth date, sex, height, weight) imposed, so the
profile endpoint and the data agree; each day's summary is derived by `physiology.summaries` from the same arrays
that are stored, so intraday sums equal daily values.
"""

from __future__ import annotations

from datetime import date, timedelta

from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.sources.synthetic import Person, generate_days
from fitbit_local.store import Store
from fitbit_local.store.users import User

BATCH_DAYS = 30


def person_for(user: User, seed: int) -> Person:
    sex = user.sex if user.sex in ("MALE", "FEMALE") else None
    return Person.draw(
        seed, birth_date=user.birth_date, sex=sex, height_cm=user.height_cm, weight_kg=user.weight_kg
    )


def store_synthetic_days(store: Store, user: User, *, days: int, end: date, seed: int) -> int:
    """Generate `days` days ending on `end` (inclusive) for `user` and store them; returns the number stored."""
    if days <= 0:
        return 0
    person = person_for(user, seed)
    start = end - timedelta(days=days - 1)
    fallback = store.series.latest_resting_hr(user.id, before=start)
    batch: list[tuple[date, object, dict[str, object]]] = []
    stored = 0
    for day, arrays in generate_days(person, start, days, seed):
        summary = derive_daily_summary(
            arrays,
            age=user.age_on(day),
            resting_hr_fallback=fallback,
            bmr_kcal_per_day=person.bmr_kcal_per_day(day),
        )
        if summary.resting_heart_rate is not None:
            fallback = summary.resting_heart_rate
        batch.append((day, arrays, summary.to_json()))
        if len(batch) >= BATCH_DAYS:
            stored += store.series.put_days(user.id, batch, source="synthetic")  # type: ignore[arg-type]
            batch = []
    if batch:
        stored += store.series.put_days(user.id, batch, source="synthetic")  # type: ignore[arg-type]
    return stored
