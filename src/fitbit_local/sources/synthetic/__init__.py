"""Seeded synthetic wearable data: a person model and a day-by-day generator of DayArrays."""

from fitbit_local.sources.synthetic.generate import (
    DayPlan,
    Exercise,
    SyntheticDay,
    day_plan,
    generate,
    generate_days,
)
from fitbit_local.sources.synthetic.nights import Night
from fitbit_local.sources.synthetic.person import Person

__all__ = ["DayPlan", "Exercise", "Night", "Person", "SyntheticDay", "day_plan", "generate", "generate_days"]
