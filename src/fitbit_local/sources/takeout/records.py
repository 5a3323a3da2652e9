"""Typed records of the export families that are not day arrays: what the parsers return and an `ImportSink` stores.

Local times are naive `datetime`s of the user's wall clock; UTC instants are aware `datetime`s in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class ProfileRecord:
    full_name: str | None = None
    display_name: str | None = None
    username: str | None = None
    timezone: str | None = None
    birth_date: date | None = None
    sex: str | None = None  # MALE | FEMALE | NA
    height_cm: float | None = None
    weight_kg: float | None = None
    member_since: date | None = None
    locale: str | None = None
    weight_unit: str | None = None


@dataclass(frozen=True)
class SleepStage:
    start: datetime  # local
    level: str  # wake | light | deep | rem (stages); awake | restless | asleep (classic)
    seconds: int


@dataclass(frozen=True)
class SleepLogRecord:
    log_id: int
    date_of_sleep: date
    start_time: datetime  # local
    end_time: datetime  # local
    duration_ms: int
    minutes_asleep: int
    minutes_awake: int
    minutes_to_fall_asleep: int
    minutes_after_wakeup: int
    time_in_bed: int
    efficiency: int
    type: str  # stages | classic
    info_code: int
    log_type: str | None
    is_main_sleep: bool
    data: tuple[SleepStage, ...] = ()
    short_data: tuple[SleepStage, ...] = ()
    summary: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class WeightRecord:
    log_id: int | None
    when: datetime  # local
    weight_kg: float
    bmi: float | None
    fat_percent: float | None
    source: str | None


@dataclass(frozen=True)
class BodyFatRecord:
    when_utc: datetime
    percent: float
    source: str | None


@dataclass(frozen=True)
class ExerciseRecord:
    log_id: int
    activity_name: str
    activity_type_id: int | None
    start_utc: datetime
    duration_ms: int
    active_duration_ms: int | None
    calories: int | None
    steps: int | None
    distance_km: float | None
    average_heart_rate: int | None
    log_type: str | None
    elevation_gain_m: float | None
    heart_rate_zones: tuple[dict[str, object], ...] = ()


@dataclass(frozen=True)
class SpO2Reading:
    when_utc: datetime
    percent: float


@dataclass(frozen=True)
class SpO2DailyRecord:
    day: date
    average: float
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class HrvDailyRecord:
    day: date
    rmssd: float
    nremhr: float | None
    entropy: float | None


@dataclass(frozen=True)
class BreathingRateRecord:
    day: date
    breaths_per_minute: float


@dataclass(frozen=True)
class SkinTemperatureRecord:
    day: date  # the local date the night ends on
    nightly_celsius: float
    baseline_relative: float | None  # NaN before a baseline exists -> None


@dataclass(frozen=True)
class DeviceRecord:
    """A row of ``Paired Devices/Trackers.csv``, ``Scales.csv`` or ``Devices.csv``, as written."""

    device_id: str
    device_type: str | None
    name: str | None
    last_sync: str | None  # a UTC instant (…Z)
    battery: str | None  # a word (HIGH) or a percentage
    listed_in: str = "Trackers"  # Trackers | Scales | Devices
