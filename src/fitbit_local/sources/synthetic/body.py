"""Synthetic weigh-ins: a few mornings a week on a scale, the weight drifting slowly around the profile's weight
with day-to-day noise (water, meals), body fat for users whose scale measures it.

Every value about a day comes from (seed, stream, date ordinal) alone (streams.py), so any sub-range of days
regenerates identically.
"""

from __future__ import annotations

import math
from datetime import date

from fitbit_local.sources.synthetic.streams import _rng
from fitbit_local.store.body import BodyLog, bmi_of, log_id_for
from fitbit_local.store.users import User

_USER_STREAM = 0xB0D1  # the person's scale habits
_DAY_STREAM = 0xB0D2  # each day's weigh-in


def _habits(seed: int) -> tuple[float, bool, str, tuple[float, float]]:
    """(weigh-ins per week, whether the scale measures fat, the source, phases of the slow drift)."""
    rng = _rng(seed, 0, _USER_STREAM)
    per_week = float(rng.uniform(2.0, 5.5))
    measures_fat = bool(rng.random() < 0.6)
    source = "Aria" if rng.random() < 0.8 else "Web"
    phases = (float(rng.uniform(0, 2 * math.pi)), float(rng.uniform(0, 2 * math.pi)))
    return per_week, measures_fat and source == "Aria", source, phases


def weigh_ins(user: User, days: list[date], seed: int) -> list[BodyLog]:
    """The weight (and fat) logs of `days`: the profile's weight with a slow drift (±1.5 kg over half a year, ±0.6 kg
    over weeks) and ±0.35 kg of noise; fat from sex and the drift."""
    per_week, measures_fat, source, (slow, fast) = _habits(seed)
    base_fat = 27.0 if user.sex == "FEMALE" else 20.0
    logs: list[BodyLog] = []
    for day in days:
        rng = _rng(seed, day.toordinal(), _DAY_STREAM)
        if rng.random() >= per_week / 7:
            continue
        t = day.toordinal()
        drift = 1.5 * math.sin(2 * math.pi * t / 180 + slow) + 0.6 * math.sin(2 * math.pi * t / 40 + fast)
        kg = round(user.weight_kg + drift + float(rng.normal(0, 0.35)), 1)
        second = int(rng.uniform(6 * 3600, 8.5 * 3600))
        time = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        log_id = log_id_for(day, time)
        logs.append(BodyLog("weight", log_id, day, time, kg, bmi_of(kg, user.height_cm), source))
        if measures_fat:
            fat = round(base_fat + 0.5 * drift + float(rng.normal(0, 0.6)), 1)
            logs.append(BodyLog("fat", log_id, day, time, fat, None, source))
    return logs
