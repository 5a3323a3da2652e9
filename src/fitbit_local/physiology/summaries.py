"""The one derivation of a day's summary values from its raw arrays.

Every daily number the API reports (activity summary, time series, heart zones, AZM, resting HR) comes from
`derive_daily_summary`, so intraday sums always equal daily totals: totals are computed by summing the same
arrays the intraday endpoints slice.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any, Literal, TypeVar

import numpy as np

from fitbit_local.physiology.activity_levels import (
    LEVEL_IN_BED,
    LEVEL_SEDENTARY,
    activity_minutes,
    minute_activity_levels,
)
from fitbit_local.physiology.azm import azm_totals
from fitbit_local.physiology.day import MINUTES_PER_DAY, NO_ZONE, SLEEP_AWAKE, SLEEP_LIGHT, DayArrays
from fitbit_local.physiology.resting_hr import resting_heart_rate
from fitbit_local.physiology.zones import (
    ZONE_CEILING_BPM,
    ZONE_FLOOR_BPM,
    ZoneBounds,
    heart_rate_zones,
    heart_rate_zones_legacy,
    max_heart_rate,
    minute_heart_rate,
    minute_zones,
    round_half_up,
)

# Zone bounds when neither the day nor the caller has a resting HR (Quer et al. 2020 population mean, rounded).
DEFAULT_RESTING_HR = 65
MIN_RESERVE_BPM = 10
ZONE_NAMES = ("Out of Range", "Fat Burn", "Cardio", "Peak")

ZoneScheme = Literal["azm", "legacy"]


@dataclass(frozen=True)
class HeartRateZoneSummary:
    """One `heartRateZones[]` entry of the classic API: shared boundaries (max = next zone's min)."""

    name: str
    min: int
    max: int
    minutes: int
    calories_out: float


@dataclass(frozen=True, eq=False)
class DailySummary:
    """Every daily value of one day, as the API handlers read them (typed: no string keys).

    The per-minute zones are kept as given: the array from `derive_daily_summary`, or the base64 text of the
    stored JSON, decoded on first use of `minute_zones`. A time series of 1095 days builds 1095 summaries and
    never reads the zones, so it never pays for the decode.
    """

    steps: int
    distance_km: float
    # distance walked at each minute activity level: sedentary (in bed included), lightly, moderately, very active
    distance_by_level_km: tuple[float, float, float, float]
    floors: int
    elevation_m: float
    calories_out: int
    activity_calories: int
    calories_bmr: int
    sedentary_minutes: int
    lightly_active_minutes: int
    fairly_active_minutes: int
    very_active_minutes: int
    minutes_in_bed: int
    resting_heart_rate: int | None
    zone_bounds: ZoneBounds
    zones: tuple[HeartRateZoneSummary, ...]
    azm_fat_burn: int
    azm_cardio: int
    azm_peak: int
    azm_total: int
    minutes_with_hr: int
    minute_zones_packed: np.ndarray | str = field(repr=False)  # the array, or its stored base64 text

    @cached_property
    def minute_zones(self) -> np.ndarray:
        """The zone of each of the day's 1440 minutes (uint8, NO_ZONE without a reading); read-only."""
        packed = self.minute_zones_packed
        if not isinstance(packed, str):
            return packed
        zones = np.frombuffer(base64.b64decode(packed), dtype=np.uint8)
        if zones.shape != (MINUTES_PER_DAY,):
            raise ValueError("minute_zones must decode to 1440 bytes")
        return zones  # frombuffer over bytes: already read-only

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types; minute_zones as base64 of its 1440 bytes."""
        out = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("minute_zones_packed", "zones", "zone_bounds")
        }
        out["zone_bounds"] = list(self.zone_bounds)
        out["distance_by_level_km"] = list(self.distance_by_level_km)
        out["zones"] = [asdict(z) for z in self.zones]
        packed = self.minute_zones_packed
        out["minute_zones"] = (
            packed
            if isinstance(packed, str)
            else base64.b64encode(np.asarray(packed, dtype=np.uint8).tobytes()).decode()
        )
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DailySummary:
        """The stored JSON (written by `to_json`) back as a summary; the minute zones stay text until first read."""
        values = dict(data)
        packed = values.pop("minute_zones", None)
        if not isinstance(packed, str):
            raise ValueError("minute_zones must be base64 text")
        values["zone_bounds"] = tuple(values["zone_bounds"])
        values["distance_by_level_km"] = tuple(values["distance_by_level_km"])
        values["zones"] = tuple([_filled(HeartRateZoneSummary, z, _ZONE_FIELDS) for z in values["zones"]])
        values["minute_zones_packed"] = packed
        return _filled(cls, values, _SUMMARY_FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DailySummary):
            return NotImplemented
        return self.to_json() == other.to_json()

    __hash__ = None  # type: ignore[assignment]


_SUMMARY_FIELDS = frozenset(f.name for f in fields(DailySummary))
_ZONE_FIELDS = frozenset(f.name for f in fields(HeartRateZoneSummary))
_T = TypeVar("_T")


def _filled(cls: type[_T], values: dict[str, Any], names: frozenset[str]) -> _T:
    """An instance of a frozen dataclass holding `values` as they are, without running its ``__init__``.

    Stored summaries are read on the hot path (a 1095-day time series reads 1095 of them), and a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``: filling ``__dict__`` at once costs a
    tenth of that. For values written by `to_json` only; their keys must be exactly the fields' `names`.
    """
    if values.keys() != names:
        raise ValueError(f"not a stored {cls.__name__}: {sorted(values.keys() ^ names)}")
    instance = object.__new__(cls)
    instance.__dict__.update(values)
    return instance


def zone_bounds_for(age: int, resting_hr: int, scheme: ZoneScheme = "azm") -> ZoneBounds:
    if scheme == "legacy":
        return heart_rate_zones_legacy(age)
    # keep a reserve of at least MIN_RESERVE_BPM so implausible inputs still give strictly ordered bounds
    return heart_rate_zones(age, min(resting_hr, max_heart_rate(age) - MIN_RESERVE_BPM))


def distance_by_level(distance: np.ndarray, minute_levels: np.ndarray) -> tuple[float, float, float, float]:
    """Kilometres covered at each minute level: sedentary (minutes in bed included), lightly, moderately, very."""
    km = np.asarray(distance, dtype=np.float64)
    sedentary = (minute_levels == LEVEL_SEDENTARY) | (minute_levels == LEVEL_IN_BED)
    lightly, moderately, very = (float(km[minute_levels == level].sum()) for level in (1, 2, 3))
    return float(km[sedentary].sum()), lightly, moderately, very


def zone_summaries(
    minute_zones: np.ndarray, calories: np.ndarray, bounds: ZoneBounds
) -> tuple[HeartRateZoneSummary, ...]:
    """The four classic zones over some minutes: minutes with a reading in each zone and their calories.

    `minute_zones` and `calories` cover the same minutes: a whole day, or the minutes of an intraday window."""
    edges = (ZONE_FLOOR_BPM, *bounds, ZONE_CEILING_BPM)
    return tuple(
        HeartRateZoneSummary(
            name=ZONE_NAMES[k],
            min=edges[k],
            max=edges[k + 1],
            minutes=int(np.count_nonzero(minute_zones == k)),
            calories_out=float(calories[minute_zones == k].sum()),
        )
        for k in range(4)
    )


def derive_daily_summary(
    day: DayArrays,
    *,
    age: int,
    resting_hr_fallback: int | None,
    bmr_kcal_per_day: float,
    zone_scheme: ZoneScheme = "azm",
    elapsed_minutes: int = MINUTES_PER_DAY,
    in_bed: np.ndarray | None = None,
    resting_hr: int | None = None,
) -> DailySummary:
    """Derive every daily value of one local day from its arrays.

    resting_hr_fallback is the latest earlier day's resting HR; the zones use the day's own resting HR when the
    arrays yield one, else the fallback, else DEFAULT_RESTING_HR (only the day's own value is reported).
    elapsed_minutes < 1440 is a day still in progress (today): minutes not yet lived count in no activity level.
    in_bed: the minutes the day's sleep logs cover, when they are known apart from the arrays' sleep codes (a manual
    log, a deleted one): those minutes, and only those, are in bed rather than sedentary or active.
    resting_hr is a measured value (an imported export's): reported, and used for the zones, instead of the derived.
    """
    hr = minute_heart_rate(day.heart)
    rhr = resting_hr if resting_hr is not None else resting_heart_rate(hr, day.steps, day.mets, day.sleep)
    rhr_for_zones = rhr if rhr is not None else (resting_hr_fallback or DEFAULT_RESTING_HR)
    bounds = zone_bounds_for(age, rhr_for_zones, zone_scheme)
    zones = minute_zones(hr, bounds)
    zones.flags.writeable = False

    calories = day.calories.astype(np.float64)
    zone_rows = zone_summaries(zones, calories, bounds)
    azm = azm_totals(zones)
    bed = day.sleep if in_bed is None else np.where(in_bed, SLEEP_LIGHT, SLEEP_AWAKE).astype(np.uint8)
    levels = activity_minutes(day.mets[:elapsed_minutes], bed[:elapsed_minutes])
    minute_levels = minute_activity_levels(day.mets, bed)
    # Fitbit: "calories burned ... for periods of time when the user was active above sedentary level ...
    # calculated minute by minute ... includes activity burned calories and BMR."
    active = (minute_levels != LEVEL_SEDENTARY) & (minute_levels != LEVEL_IN_BED)
    return DailySummary(
        steps=int(day.steps.sum(dtype=np.int64)),
        distance_km=float(day.distance.sum(dtype=np.float64)),
        distance_by_level_km=distance_by_level(day.distance, minute_levels),
        floors=int(day.floors.sum(dtype=np.int64)),
        elevation_m=float(day.elevation.sum(dtype=np.float64)),
        calories_out=round_half_up(float(calories.sum())),
        activity_calories=round_half_up(float(calories[active].sum())),
        calories_bmr=round_half_up(bmr_kcal_per_day),
        sedentary_minutes=levels.sedentary,
        lightly_active_minutes=levels.lightly,
        fairly_active_minutes=levels.fairly,
        very_active_minutes=levels.very,
        minutes_in_bed=levels.in_bed,
        resting_heart_rate=rhr,
        zone_bounds=bounds,
        zones=zone_rows,
        azm_fat_burn=azm.fat_burn,
        azm_cardio=azm.cardio,
        azm_peak=azm.peak,
        azm_total=azm.total,
        minutes_with_hr=int(np.count_nonzero(zones != NO_ZONE)),
        minute_zones_packed=zones,
    )
