"""A synthetic person: the slow-changing traits the day generator draws around (reference §4.3 item 1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from fitbit_local.physiology.energy import bmr_mifflin_st_jeor

EXERCISE_KINDS = ("walk", "run", "bike", "strength")
_PERSON_STREAM = 0x5E50  # SeedSequence spawn key for person traits
_AGE_REFERENCE = dt.date(2024, 1, 1)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


@dataclass(frozen=True)
class Person:
    sex: str  # "MALE" | "FEMALE"
    birth_date: dt.date
    height_cm: float
    weight_kg: float
    rhr0: float  # baseline resting heart rate, bpm
    hrv0: float  # baseline RMSSD, ms
    vo2max_mets: float  # aerobic capacity in METs; sets how hard a given MET level feels to the heart
    sleep_midpoint_min: float  # chronotype: minutes after midnight of the mid-sleep point on workdays
    sleep_duration_min: float  # usual time in bed
    weekend_shift_min: float  # how much later the mid-sleep point is on weekend nights
    steps_median: float  # median daily steps on workdays (without exercise)
    weekend_steps_factor: float
    exercise_per_week: float
    exercise_kinds: tuple[str, ...]
    exercise_start_min: float  # preferred start of an exercise session, minutes after midnight
    stride_walk_m: float

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    def max_heart_rate(self, day: dt.date) -> int:
        return 220 - self.age_on(day)

    def bmr_kcal_per_day(self, day: dt.date) -> float:
        return bmr_mifflin_st_jeor(self.sex, self.weight_kg, self.height_cm, self.age_on(day))

    @classmethod
    def draw(
        cls,
        seed: int,
        *,
        birth_date: dt.date | None = None,
        sex: str | None = None,
        height_cm: float | None = None,
        weight_kg: float | None = None,
    ) -> Person:
        """Draw a person from population distributions; explicit arguments override the draws."""
        rng = np.random.default_rng(np.random.SeedSequence([seed & (2**63 - 1), _PERSON_STREAM]))
        drawn_sex = "MALE" if rng.random() < 0.5 else "FEMALE"
        sex = sex or drawn_sex
        if sex not in ("MALE", "FEMALE"):
            raise ValueError(f"sex must be 'MALE' or 'FEMALE', got {sex!r}")
        drawn_birth = dt.date(1955, 1, 1) + dt.timedelta(days=int(rng.integers(0, 49 * 365)))
        birth_date = birth_date or drawn_birth
        age = age_on(birth_date, _AGE_REFERENCE)
        male = sex == "MALE"
        drawn_height = rng.normal(176.0, 7.0) if male else rng.normal(163.0, 6.5)
        height_cm = float(height_cm if height_cm is not None else round(float(drawn_height), 1))
        bmi = float(np.exp(rng.normal(np.log(25.5), 0.15)))
        weight_kg = float(weight_kg if weight_kg is not None else round(bmi * (height_cm / 100.0) ** 2, 1))

        # Quer et al. 2020: mean 65.5 +- 7.7 bpm; higher in women; rises with age to ~50, then falls.
        age_effect = 0.06 * (min(age, 50) - 40) - 0.08 * max(age - 50, 0)
        rhr0 = 65.0 + (1.5 if not male else -1.5) + age_effect + rng.normal(0.0, 7.3)
        rhr0 = float(np.clip(rhr0, 44.0, 95.0))
        # RMSSD: log-normal around 35 ms, lower with age and with a high resting HR.
        hrv0 = float(np.exp(rng.normal(np.log(35.0), 0.35) - 0.012 * (age - 40) - 0.01 * (rhr0 - 65)))
        vo2 = (13.0 if male else 11.0) - 0.07 * (age - 30) - 0.08 * (rhr0 - 65) + rng.normal(0.0, 1.3)
        vo2max_mets = float(np.clip(vo2, 6.0, 20.0))

        sleep_mid = float(rng.normal(3.5 * 60, 50.0))
        sleep_dur = float(np.clip(rng.normal(467.0, 30.0), 380.0, 560.0))
        weekend_shift = float(rng.uniform(30.0, 60.0))
        steps_median = float(np.exp(rng.normal(np.log(7500.0), 0.35)))
        weekend_steps_factor = float(rng.uniform(0.75, 0.95))
        per_week = float(rng.choice([0, 1, 2, 3, 4, 5], p=[0.2, 0.2, 0.22, 0.18, 0.12, 0.08]))
        n_kinds = int(rng.integers(1, 3))
        kinds = tuple(sorted(rng.choice(EXERCISE_KINDS, size=n_kinds, replace=False).tolist()))
        start = float(rng.choice([7 * 60, 12 * 60 + 30, 18 * 60]) + rng.normal(0.0, 30.0))
        return cls(
            sex=sex,
            birth_date=birth_date,
            height_cm=height_cm,
            weight_kg=weight_kg,
            rhr0=round(rhr0, 2),
            hrv0=round(hrv0, 2),
            vo2max_mets=round(vo2max_mets, 2),
            sleep_midpoint_min=round(sleep_mid, 1),
            sleep_duration_min=round(sleep_dur, 1),
            weekend_shift_min=round(weekend_shift, 1),
            steps_median=round(steps_median),
            weekend_steps_factor=round(weekend_steps_factor, 3),
            exercise_per_week=per_week,
            exercise_kinds=kinds,
            exercise_start_min=round(start, 1),
            stride_walk_m=round(0.415 * height_cm / 100.0, 3),
        )
