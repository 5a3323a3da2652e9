"""The activity time-series resources as data: where each daily value comes from, how it is rounded and in which
unit, and which minute array serves its intraday dataset.

Daily values come from the stored summary (`physiology.summaries`), which sums the same arrays the intraday
endpoints slice, so a whole-day intraday total equals the daily value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fitbit_local.api.units import UnitSystem
from fitbit_local.physiology.summaries import DailySummary
from fitbit_local.physiology.zones import round_half_up


@dataclass(frozen=True)
class ActivityResource:
    name: str  # the path word and the key suffix: activities-<name>
    summary_field: str | None  # DailySummary field; None: no data source yet (swimming strokes)
    kind: str  # "count" (integer), "calories" (kcal, integer daily), "distance" (km), "elevation" (m)
    intraday: bool = False  # served by the intraday rows
    array: str | None = None  # the DayArrays minute series behind the intraday dataset; None: no source yet
    dataset_levels: bool = False  # intraday points also carry the minute's activity level and METs [DOC §4.3]

    def convert(self, value: float, units: UnitSystem) -> float:
        if self.kind == "distance":
            return units.distance(value)
        if self.kind == "elevation":
            return units.elevation(value)
        return value

    def daily_text(self, raw: float, units: UnitSystem) -> str:
        """A daily total as Fitbit wrote it in a time-series string: whole numbers for counts and calories;
        distance and elevation as the unrounded double in the Accept-Language unit, always with a decimal point
        [DOC: "value":"0.0"; recorded: "6.4281999999999995"] and never in exponent form."""
        if self.kind in ("distance", "elevation"):
            return np.format_float_positional(self.convert(float(raw), units), trim="0")
        if self.kind == "calories":
            return str(round_half_up(raw))
        return str(int(raw))

    def daily_value(self, summary: DailySummary, units: UnitSystem) -> str:
        """The time-series value: a string [DOC: "value":"2504", "value":"0.0"]."""
        raw = getattr(summary, self.summary_field) if self.summary_field else 0
        return self.daily_text(raw or 0, units)

    def window_total(self, minutes: np.ndarray | None, units: UnitSystem) -> str:
        """The summary entry of an intraday response: the total over the requested window."""
        total = 0.0 if minutes is None else float(minutes.sum(dtype=np.float64))
        return self.daily_text(total, units)

    def intraday_values(self, sums: np.ndarray, units: UnitSystem) -> list[Any]:
        """Dataset values (JSON numbers): integers for steps and floors, floats for the rest."""
        if self.kind == "count":
            return sums.astype(np.int64).tolist()
        places = {"calories": 4, "distance": 5, "elevation": 2}[self.kind]
        return np.round(self.convert(sums.astype(np.float64), units), places).tolist()  # type: ignore[arg-type]


RESOURCES: dict[str, ActivityResource] = {
    r.name: r
    for r in (
        ActivityResource("activityCalories", "activity_calories", "count"),
        ActivityResource("calories", "calories_out", "calories", True, "calories", dataset_levels=True),
        ActivityResource("caloriesBMR", "calories_bmr", "count"),
        ActivityResource("distance", "distance_km", "distance", True, "distance"),
        ActivityResource("elevation", "elevation_m", "elevation", True, "elevation"),
        ActivityResource("floors", "floors", "count", True, "floors"),
        ActivityResource("minutesSedentary", "sedentary_minutes", "count"),
        ActivityResource("minutesLightlyActive", "lightly_active_minutes", "count"),
        ActivityResource("minutesFairlyActive", "fairly_active_minutes", "count"),
        ActivityResource("minutesVeryActive", "very_active_minutes", "count"),
        ActivityResource("steps", "steps", "count", True, "steps"),
        # No source records strokes yet: zero-filled, as Fitbit answered for users without a swim-tracking device.
        ActivityResource("swimming-strokes", None, "count", True),
    )
}

INTRADAY_RESOURCES = {name: r for name, r in RESOURCES.items() if r.intraday}
