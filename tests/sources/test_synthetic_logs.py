"""Synthetic weigh-ins, food and water (sources/synthetic/body.py, food.py): believable, and a pure function of
(seed, date) so any sub-range of days regenerates identically."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fitbit_local.sources.synthetic.body import weigh_ins
from fitbit_local.sources.synthetic.food import food_logs, water_logs
from fitbit_local.store.users import User

DAYS = [date(2024, 1, 1) + timedelta(days=i) for i in range(182)]


def user(sex: str = "FEMALE") -> User:
    return User(
        id="ABC123",
        name="ann",
        display_name="Ann",
        locale="en_US",
        birth_date=date(1985, 5, 5),
        sex=sex,
        height_cm=165.0,
        weight_kg=64.0,
        member_since="2020-01-01",
        synthetic=True,
        synthetic_seed=1,
        timezones=(("0000-01-01", "UTC"),),
    )


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_weigh_ins_a_few_mornings_a_week_around_the_profile_weight(seed: int) -> None:
    logs = weigh_ins(user(), DAYS, seed)
    weights = [log for log in logs if log.kind == "weight"]
    per_week = len(weights) / (len(DAYS) / 7)
    assert 1.5 <= per_week <= 6
    assert all(60.0 <= log.value <= 68.0 for log in weights)
    assert all("06:00:00" <= log.time <= "08:30:00" for log in weights)
    assert max(w.value for w in weights) - min(w.value for w in weights) > 1.0  # it drifts
    fats = [log for log in logs if log.kind == "fat"]
    assert all(log.log_id in {w.log_id for w in weights} and 20 < log.value < 35 for log in fats)


def test_weigh_ins_regenerate_identically_for_a_sub_range() -> None:
    whole = weigh_ins(user(), DAYS, 5)
    part = weigh_ins(user(), DAYS[30:60], 5)
    assert part == [log for log in whole if DAYS[30] <= log.day <= DAYS[59]]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_food_follows_the_days_energy_expenditure_at_meal_times(seed: int) -> None:
    logged_days = 0
    for day in DAYS:
        out = 1800 + (day.toordinal() % 7) * 100
        logs = food_logs(day, out, seed)
        if not logs:
            continue
        logged_days += 1
        eaten = sum(log.nutrition["calories"] for log in logs)
        assert 0.75 * out <= eaten <= 1.2 * out, (day, eaten, out)
        for log in logs:
            hour = (log.logged_at - datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) / 3600
            first, last = {1: (6.5, 9), 3: (11.75, 13.75), 5: (18, 20.5), 4: (15, 16.5), 6: (20.5, 22)}[
                log.meal_type_id
            ]
            assert first <= hour <= last
        assert {log.meal_type_id for log in logs} >= {1, 3, 5}
    assert 0.25 * len(DAYS) <= logged_days <= 0.9 * len(DAYS)
    assert food_logs(DAYS[0], 0, seed) == []  # a day without a summary has no meals to follow


def test_water_on_most_days() -> None:
    days_with_water = [day for day in DAYS if water_logs(day, 3)]
    assert 0.75 * len(DAYS) <= len(days_with_water) <= len(DAYS)
    assert all(200 <= ml <= 500 for day in DAYS for _, ml in water_logs(day, 3))


def _logged(store, user_id: str) -> dict[str, list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    """Every synthetic log the user has, without the columns a write stamps (ids, creation times)."""
    from sqlalchemy import select

    from fitbit_local.store.schema import activity_logs, body_logs, food_logs, water_logs

    out = {}
    with store.engine.connect() as conn:
        for table, skip in (
            (body_logs, set()),
            (food_logs, {"id"}),
            (water_logs, {"id"}),
            (activity_logs, {"log_id", "created_at"}),
        ):
            columns = [c for c in table.c if c.name not in skip and c.name != "user_id"]
            rows = conn.execute(select(*columns).where(table.c.user_id == user_id)).all()
            out[table.name] = sorted(tuple(r) for r in rows)
    return out


def test_a_creation_killed_between_batches_resumes_with_every_days_logs(services) -> None:  # type: ignore[no-untyped-def]
    """Weigh-ins, meals, water and detected exercises are written in each batch's own transaction: a run that dies
    after its first batch and is resumed holds exactly what an uninterrupted run holds."""
    from fitbit_local.sources.load import BATCH_DAYS, store_synthetic_days
    from tests.factories import make_user

    store = services.store
    end, days = date(2024, 3, 31), BATCH_DAYS + 20
    whole = make_user(services, name="whole", sex="FEMALE", birth_date=date(1985, 5, 5))
    assert store_synthetic_days(store, whole, days=days, end=end, seed=5) == days

    resumed = make_user(services, name="resumed", sex="FEMALE", birth_date=date(1985, 5, 5))
    put_days = store.series.put_days
    calls = 0

    def dies_after_the_first_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls > 1:
            raise KeyboardInterrupt("killed")
        return put_days(*args, **kwargs)

    store.series.put_days = dies_after_the_first_batch  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        store_synthetic_days(store, resumed, days=days, end=end, seed=5)
    store.series.put_days = put_days  # type: ignore[method-assign]
    assert len(store.series.get_summaries(resumed.id, end - timedelta(days=days), end)) == BATCH_DAYS
    assert store_synthetic_days(store, resumed, days=days, end=end, seed=5, resume=True) == days

    expected, got = _logged(store, whole.id), _logged(store, resumed.id)
    assert all(expected[name] for name in ("body_logs", "food_logs", "water_logs", "activity_logs")), expected
    assert got == expected
