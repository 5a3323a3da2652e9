"""What a synthetic user logs besides what the tracker records: weigh-ins, food and water (issue 11). Written in each
of the loader's batch transactions (sources/load.py), the food logs following each day's energy expenditure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from fitbit_local.sources.synthetic.body import weigh_ins
from fitbit_local.sources.synthetic.food import food_logs, water_logs
from fitbit_local.store.body import add_body_logs
from fitbit_local.store.changes import WriteTransaction
from fitbit_local.store.nutrition import replace_food_days
from fitbit_local.store.users import User


def logs_writer(
    user: User, summaries: Mapping[date, Mapping[str, Any]], seed: int
) -> Callable[[WriteTransaction], None]:
    """The loader's callback storing the weigh-ins, meals and water of the days of `summaries` (each day's summary
    JSON, whose ``calories_out`` the meals follow)."""
    days = list(summaries)
    weights = list(weigh_ins(user, days, seed))
    meals = [
        log for day in days for log in food_logs(day, float(summaries[day].get("calories_out", 0)), seed)
    ]
    water = [log for day in days for log in water_logs(day, seed)]

    def write(tx: WriteTransaction) -> None:
        if weights:
            add_body_logs(tx, user.id, weights, sync_profile=False)
        replace_food_days(tx, user.id, days, meals, water)

    return write
