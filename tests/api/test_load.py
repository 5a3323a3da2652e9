"""sources.load.store_synthetic_days: what `fitbit-local generate` and `serve --demo` call."""

from __future__ import annotations

from datetime import date, timedelta

from fitbit_local.physiology.energy import bmr_mifflin_st_jeor
from fitbit_local.physiology.summaries import DailySummary
from fitbit_local.services import Services
from fitbit_local.sources.load import person_for, store_synthetic_days
from tests.factories import make_user

END = date(2024, 6, 30)


def test_stores_days_in_batches_and_agrees_with_the_profile(services: Services) -> None:
    user = make_user(services, sex="MALE", birth_date=date(1970, 7, 1), height_cm=181.0, weight_kg=80.0)
    assert store_synthetic_days(services.store, user, days=35, end=END, seed=3) == 35
    assert services.store.series.day_range(user.id) == (END - timedelta(days=34), END)
    person = person_for(user, 3)
    assert (person.sex, person.birth_date, person.height_cm, person.weight_kg) == (
        "MALE",
        date(1970, 7, 1),
        181.0,
        80.0,
    )
    summaries = services.store.series.get_summaries(user.id, END, END)
    summary = DailySummary.from_json(summaries[END.isoformat()])
    assert summary.calories_bmr == round(bmr_mifflin_st_jeor("MALE", 80.0, 181.0, 53))  # age 53 on 2024-06-30
    arrays = services.store.series.get_day(user.id, END)
    assert arrays is not None and int(arrays.steps.sum()) == summary.steps


def test_is_deterministic_and_replaces_days(services: Services) -> None:
    user = make_user(services)
    store_synthetic_days(services.store, user, days=2, end=END, seed=9)
    first = services.store.series.get_summaries(user.id, END, END)
    assert store_synthetic_days(services.store, user, days=1, end=END, seed=9) == 1
    assert services.store.series.get_summaries(user.id, END, END) == first
    assert store_synthetic_days(services.store, user, days=0, end=END, seed=9) == 0
