"""Energy: basal metabolic rate and the calorie split the daily summary reports."""

from __future__ import annotations

from typing import Literal

Sex = Literal["MALE", "FEMALE"]


def bmr_mifflin_st_jeor(sex: str, weight_kg: float, height_cm: float, age: int) -> float:
    """Basal metabolic rate in kcal/day (Mifflin-St Jeor 1990): 10 W + 6.25 H - 5 A + 5 (men) / - 161 (women)."""
    base = 10.0 * weight_kg + 6.25 * height_cm - 5.0 * age
    if sex == "MALE":
        return base + 5.0
    if sex == "FEMALE":
        return base - 161.0
    raise ValueError(f"sex must be 'MALE' or 'FEMALE', got {sex!r}")
