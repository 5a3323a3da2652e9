"""A synthetic person: age, sex, body and a few latent traits, drawn from population distributions (reference
takeout-and-data §4.3 item 1; the calibration and its sources are in docs/decisions.md, "Issue 9").

Latent traits (standard normal unless said otherwise) set the rest:
- `fitness`: aerobic capacity (VO2max in METs) beyond what age and sex give, a lower resting HR, and the sport;
- `activity_habit`: the usual daily steps and how often the person exercises;
- chronotype: the mid-sleep point (nights.py reads `sleep_midpoint_min`, `sleep_duration_min`, `weekend_shift_min`);
- `sport`: the person's main exercise ("none", "walk", "hike", "run", "bike", "strength"); runners and cyclists are
  the fitter ones, because a run is only possible at a pace the person can sustain;
- `latitude` (from the user's time zone, `timezone_latitude`): the hemisphere sets the phase of the seasons.

One stride: the walking stride is 0.415 x height and the running stride 1.3 x that, the numbers the profile endpoint
(api/user.py) reports; distance in the data is steps x these strides.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fitbit_local.physiology.energy import bmr_mifflin_st_jeor

WALK_STRIDE_PER_HEIGHT = 0.415  # api/user.py strideLengthWalking
RUN_STRIDE_FACTOR = 1.3  # api/user.py strideLengthRunning = 1.3 x walking
EXERCISE_KINDS = ("walk", "hike", "run", "bike", "strength")
SPORTS = ("none", *EXERCISE_KINDS)
_PERSON_STREAM = 0x5E50  # SeedSequence spawn key for person traits
_AGE_REFERENCE = dt.date(2024, 1, 1)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def _zone_tables() -> list[str]:
    texts = []
    for folder in zoneinfo.TZPATH:
        for name in ("zone1970.tab", "zone.tab"):
            path = Path(folder) / name
            if path.is_file():
                texts.append(path.read_text(encoding="utf-8"))
    try:
        texts.append((importlib.resources.files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    return texts


@functools.cache
def _zone_latitudes() -> dict[str, float]:
    """IANA zone -> latitude of its principal city, from the tz database's zone tables."""
    out: dict[str, float] = {}
    for text in _zone_tables():
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                continue
            coord = cols[1]
            split = next(i for i in range(1, len(coord)) if coord[i] in "+-")
            lat = coord[:split]
            degrees = int(lat[1:3]) + int(lat[3:5]) / 60.0
            out.setdefault(cols[2], degrees if lat[0] == "+" else -degrees)
    return out


_SOUTHERN_PREFIXES = ("Australia/", "Antarctica/", "NZ", "Chile/", "Brazil/", "America/Argentina/")


def timezone_latitude(zone: str | None) -> float:
    """Latitude for a time zone (degrees, south negative); 45 N when unknown (UTC, Etc/…): most users are northern."""
    if not zone:
        return 45.0
    found = _zone_latitudes().get(zone)
    if found is not None:
        return found
    return -35.0 if zone.startswith(_SOUTHERN_PREFIXES) else 45.0


def draw_body(rng: np.random.Generator, sex: str, age: int) -> tuple[float, float]:
    """Height (cm) and weight (kg) by sex and age: adult height about 176/163 cm (SD 7/6.5), shrinking ~1 cm per
    decade after 50; BMI log-normal around 25-28, rising to about age 60 (NCD-RisC / NHANES adult means)."""
    male = sex == "MALE"
    shrink = 0.1 * max(age - 50, 0)
    height = (176.0 if male else 162.5) - shrink + rng.normal(0.0, 7.0 if male else 6.5)
    bmi_median = (25.0 if male else 24.0) + 0.09 * (min(age, 60) - 25)
    bmi = float(np.exp(rng.normal(np.log(bmi_median), 0.15)))
    height = float(np.clip(height, 140.0, 210.0))
    return round(height, 1), round(float(np.clip(bmi, 16.0, 50.0)) * (height / 100.0) ** 2, 1)


def profile_defaults(seed: int, sex: str, birth_date: dt.date) -> tuple[float, float]:
    """Height and weight for a profile created without them: the person model's draw for that sex and age (a
    profile of unknown sex gets the draw of the sex the seed picks)."""
    return (lambda p: (p.height_cm, p.weight_kg))(
        Person.draw(seed, birth_date=birth_date, sex=sex if sex in ("MALE", "FEMALE") else None)
    )


@dataclass(frozen=True)
class Person:
    sex: str  # "MALE" | "FEMALE"
    birth_date: dt.date
    height_cm: float
    weight_kg: float
    rhr0: float  # baseline resting heart rate, bpm
    hrv0: float  # baseline RMSSD, ms
    vo2max_mets: float  # aerobic capacity in METs: the ceiling of what the person can do
    sleep_midpoint_min: float  # chronotype: minutes after midnight of the mid-sleep point on workdays
    sleep_duration_min: float  # usual time in bed
    weekend_shift_min: float  # how much later the mid-sleep point is on weekend nights
    steps_median: float  # median daily steps on workdays (everyday movement, exercise sessions come on top)
    weekend_steps_factor: float
    exercise_per_week: float
    exercise_kinds: tuple[str, ...]
    exercise_start_min: float  # preferred start of an exercise session, minutes after midnight
    stride_walk_m: float
    fitness: float = 0.0  # latent, standard normal
    activity_habit: float = 0.0  # latent, standard normal
    sport: str = "none"
    latitude: float = 45.0
    season_steps_amp: float = 0.07  # log-amplitude of the seasonal swing of daily steps at mid latitudes
    steps_day_sd: float = 0.25  # day-to-day log-SD of everyday steps (iid part)
    steps_persist_sd: float = 0.25  # stationary log-SD of the persistent AR(1) part
    stairs_per_day: float = 4.0  # flights climbed on an ordinary day

    @property
    def stride_run_m(self) -> float:
        return self.stride_walk_m * RUN_STRIDE_FACTOR

    @property
    def hemisphere(self) -> str:
        return "S" if self.latitude < 0 else "N"

    @property
    def seasonality(self) -> float:
        """+1 north, -1 south, scaled down towards the equator (no seasons in the tropics)."""
        return float(np.sign(self.latitude) * np.clip((abs(self.latitude) - 10.0) / 25.0, 0.0, 1.0))

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
        timezone: str | None = None,
    ) -> Person:
        """Draw a person from population distributions; explicit arguments override the draws."""
        rng = np.random.default_rng(np.random.SeedSequence([seed & (2**63 - 1), _PERSON_STREAM]))
        drawn_sex = "MALE" if rng.random() < 0.5 else "FEMALE"
        sex = sex or drawn_sex
        if sex not in ("MALE", "FEMALE"):
            raise ValueError(f"sex must be 'MALE' or 'FEMALE', got {sex!r}")
        drawn_birth = dt.date(1950, 1, 1) + dt.timedelta(days=int(rng.integers(0, 54 * 365)))
        birth_date = birth_date or drawn_birth
        age = age_on(birth_date, _AGE_REFERENCE)
        male = sex == "MALE"
        drawn_height, drawn_weight = draw_body(rng, sex, age)
        height_cm = float(height_cm if height_cm is not None else drawn_height)
        weight_kg = float(weight_kg if weight_kg is not None else drawn_weight)
        bmi = weight_kg / (height_cm / 100.0) ** 2

        fitness = float(rng.normal())
        habit = float(0.5 * fitness + np.sqrt(0.75) * rng.normal())  # the active are fitter

        # Quer et al. 2020: mean 65.5 +- 7.7 bpm; higher in women; rises with age to ~50, then falls.
        age_effect = 0.06 * (min(age, 50) - 40) - 0.08 * max(age - 50, 0)
        rhr0 = 65.3 + (1.5 if not male else -1.5) + age_effect - 3.0 * fitness + rng.normal(0.0, 6.6)
        rhr0 = float(np.clip(rhr0, 42.0, 100.0))
        # RMSSD: log-normal around 35 ms, lower with age and with a high resting HR (Natarajan et al. 2020).
        hrv0 = float(np.exp(rng.normal(np.log(35.0), 0.35) - 0.012 * (age - 40) - 0.01 * (rhr0 - 65)))
        # VO2max (1 MET = 3.5 ml/kg/min): about 12.5 (men) / 10.5 (women) METs at 30, -0.8 %/yr, lower with BMI
        # (FRIEND registry, Kaminsky et al. 2015: 50th centiles 40-45 / 30-33 ml/kg/min at 30, ~25 / 20 at 70).
        vo2 = (12.5 if male else 10.0) * (1.0 - 0.008 * (age - 30)) + 1.6 * fitness - 0.12 * (bmi - 25.0)
        vo2max_mets = float(np.clip(vo2, 5.0, 22.0))

        sleep_mid = float(rng.normal(3.5 * 60, 50.0))
        sleep_dur = float(np.clip(rng.normal(467.0, 30.0), 380.0, 560.0))
        weekend_shift = float(rng.uniform(30.0, 60.0))
        # Everyday steps: decline with age, women somewhat lower (Tudor-Locke et al. 2011; Althoff et al. 2017).
        log_steps = (
            np.log(7600.0)
            - 0.0085 * (age - 40)
            - (0.0 if male else 0.07)
            + 0.27 * habit
            - 0.015 * max(bmi - 27.0, 0.0)
            + rng.normal(0.0, 0.12)
        )
        steps_median = float(np.exp(log_steps))
        weekend_steps_factor = float(rng.uniform(0.72, 0.95))

        # Exercise: how often follows the habit; what follows fitness and age (runners can sustain a run).
        weekly = float(
            np.clip(
                1.2 + (1.0 if male else 0.0) + 1.4 * habit - 0.045 * (age - 40) + rng.normal(0.0, 0.6),
                0.0,
                6.0,
            )
        )
        run_ok = vo2max_mets * 0.8 >= _run_floor_mets(height_cm)
        weights = {
            "walk": 0.5 + 0.04 * max(age - 35, 0),
            "hike": 0.35 if age < 60 else 0.15,
            "run": (1.6 + 1.0 * fitness - 0.03 * (age - 30)) if run_ok else 0.0,
            "bike": 0.5 + 0.4 * max(fitness, 0.0) + (0.4 if age < 40 else 0.0),
            "strength": 0.6 if male else 0.45,
        }
        kinds_list = list(weights)
        p = np.array([max(weights[k], 0.0) for k in kinds_list])
        sport = str(kinds_list[int(rng.choice(len(kinds_list), p=p / p.sum()))])
        second = str(kinds_list[int(rng.choice(len(kinds_list), p=p / p.sum()))])
        if weekly < 0.4:
            sport, weekly = "none", 0.0
        kinds = (sport,) if sport in ("none", second) else (sport, second)
        start = float(rng.choice([7 * 60, 12 * 60 + 30, 18 * 60]) + rng.normal(0.0, 30.0))
        latitude = timezone_latitude(timezone)
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
            exercise_per_week=round(weekly, 2),
            exercise_kinds=tuple(k for k in kinds if k != "none"),
            exercise_start_min=round(start, 1),
            stride_walk_m=WALK_STRIDE_PER_HEIGHT * height_cm / 100.0,
            fitness=round(fitness, 3),
            activity_habit=round(habit, 3),
            sport=sport,
            latitude=latitude,
            season_steps_amp=round(float(rng.uniform(0.05, 0.10)), 3),
            steps_day_sd=round(float(rng.uniform(0.18, 0.28)), 3),
            steps_persist_sd=round(float(rng.uniform(0.24, 0.34)), 3),
            stairs_per_day=round(float(rng.gamma(2.0, 2.0)), 2),
        )


def _run_floor_mets(height_cm: float) -> float:
    """METs of the slowest run (150 steps/min at the running stride), ACSM running equation."""
    speed = 150.0 * WALK_STRIDE_PER_HEIGHT * RUN_STRIDE_FACTOR * height_cm / 100.0
    return float(running_mets(speed))


def walking_mets(speed_m_min: float | np.ndarray, grade: float | np.ndarray = 0.0) -> float | np.ndarray:
    """ACSM walking equation: VO2 = 3.5 + 0.1 v + 1.8 v grade (ml/kg/min, v in m/min); METs = VO2 / 3.5."""
    return 1.0 + (0.1 * speed_m_min + 1.8 * speed_m_min * grade) / 3.5


def running_mets(speed_m_min: float | np.ndarray) -> float | np.ndarray:
    """ACSM running equation: VO2 = 3.5 + 0.2 v (ml/kg/min, v in m/min); METs = VO2 / 3.5."""
    return 1.0 + 0.2 * speed_m_min / 3.5


def running_speed(mets: float) -> float:
    """The speed (m/min) at which running costs `mets` (inverse of `running_mets`)."""
    return (mets - 1.0) * 3.5 / 0.2
