"""What a synthetic user logs besides what the tracker records: weigh-ins, food and water (issue 11). Stored after
the days' arrays and summaries, since the food logs follow each day's energy expenditure."""

from __future__ import annotations

from datetime import date, timedelta

from fitbit_local.sources.synthetic.body import weigh_ins
from fitbit_local.sources.synthetic.food import food_logs, water_logs
from fitbit_local.store import Store
from fitbit_local.store.body import BodyRepository
from fitbit_local.store.nutrition import NutritionRepository
from fitbit_local.store.users import User


def store_synthetic_logs(store: Store, user: User, first: date, end: date, seed: int) -> None:
    if end < first:
        return
    days = [first + timedelta(days=i) for i in range((end - first).days + 1)]
    BodyRepository(store.engine).add_logs(user.id, weigh_ins(user, days, seed), sync_profile=False)
    summaries = store.series.get_summaries(user.id, first, end)
    meals = [
        log
        for day in days
        for log in food_logs(day, float(summaries.get(day.isoformat(), {}).get("calories_out", 0)), seed)
    ]
    water = [log for day in days for log in water_logs(day, seed)]
    NutritionRepository(store.engine).replace_days(user.id, days, meals, water)
