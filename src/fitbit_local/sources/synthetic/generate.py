"""Day-by-day synthetic wearable data (reference takeout-and-data §4.3; the calibration is in docs/decisions.md,
"Issue 9", and the model in docs/synthetic.md).

Determinism: everything about local day D comes from (seed, D) alone, so generating a sub-range gives the same
bytes for its dates as a longer run.
- Slow day states are functions of the date ordinal through a counter-based hash (splitmix64): the resting-HR and
  activity AR(1) values are finite sums over the last AR_WINDOW innovations; illness episodes, vacations and spells
  are found by looking back over the days that could have started one; the charging schedule is a renewal process
  (a charge every 5-7 days) laid out once per seed from a fixed epoch.
- The night that ends on the morning of D ("night D", Fitbit's dateOfSleep) has its own RNG stream keyed by D, so
  day D-1 (which holds its pre-midnight minutes) and day D (the rest) place it identically.
- The day's plan (exercise, charging, wear) and its minute/second values have their own streams keyed by D.

Per day: night placement -> minute activity layout in the awake window (sedentary postures, light and walking bouts,
stairs, at most one exercise session) -> METs from speed (ACSM equations), steps, distance (one stride), floors,
calories -> heart rate as a first-order response to a minute target (METs as a share of the person's aerobic reserve,
plus posture, stress, meals and the circadian rhythm) -> sampled at irregular 1-15 s gaps, denser when moving.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from fitbit_local.physiology.day import (
    MINUTES_PER_DAY,
    SECONDS_PER_DAY,
    SLEEP_AWAKE,
    SLEEP_DEEP,
    SLEEP_LIGHT,
    SLEEP_REM,
    SLEEP_WAKE,
    DayArrays,
)
from fitbit_local.sources.synthetic.nights import Night, day_sleep, night
from fitbit_local.sources.synthetic.person import Person, running_mets, running_speed, walking_mets
from fitbit_local.sources.synthetic.streams import _hash_normal, _hash_u1, _hash_uniform, _rng

# hash / RNG streams
_S_RHR, _S_ILL_START, _S_ILL_LEN, _S_ILL_SIZE, _S_WORN, _S_NIGHT_WORN = 11, 12, 13, 14, 15, 16
_S_ACT, _S_SPELL_START, _S_SPELL_LEN, _S_SPELL_SIZE, _S_LOW, _S_PARTIAL, _S_CHARGE = (
    31,
    32,
    33,
    34,
    35,
    36,
    37,
)
_S_ILL_RAMP, _S_STEPS, _S_EX = 38, 39, 40
_S_PLAN, _S_VALUES = 22, 23  # 21: nights.py

# day state
AR_PHI = 0.8
AR_WINDOW = 40  # 0.8**40 ~ 1e-4: truncation error far below a bpm
RHR_DAY_SD = 1.8  # stationary SD of the day-to-day RHR wobble
ILLNESS_BPM = 10.0  # resting-HR rise at the worst of an illness (Radin et al. 2020: +5-10)
SEASONAL_BPM = 1.5  # +-: maximum mid-winter, minimum mid-summer (Quer et al. 2020), phase by hemisphere
ACT_PHI = 0.75  # day-to-day persistence of everyday activity
ACT_WINDOW = 30
ILLNESS_START_P = 1 / 150
ILLNESS_DAYS = (4, 12)
SPELL_START_P = 1 / 75  # vacations, busy or lazy weeks
SPELL_DAYS = (3, 14)
LOW_DAY_P = 0.025  # sick-ish, travel or desk days of a few hundred to a couple of thousand steps
UNWORN_DAY_P = 0.04
UNWORN_NIGHT_P = 0.03
PARTIAL_WEAR_P = 0.05  # put on late or taken off early
CHARGE_EVERY_DAYS = (5, 7)
_CHARGE_EPOCH = dt.date(1970, 1, 1).toordinal()
_CHARGE_HORIZON_DAYS = 160 * 366

# heart-rate model
CIRCADIAN_BPM = 3.0
SLEEP_DIP = {SLEEP_WAKE: 0.0, SLEEP_LIGHT: 0.08, SLEEP_DEEP: 0.12, SLEEP_REM: 0.04}
TAU_ON_S = 45.0
TAU_OFF_S = 90.0
HR_SATURATION = 0.97  # of max HR
FLOOR_M = 3.048  # Fitbit counts a floor per 10 ft climbed
# sedentary postures: (share, METs range, heart-rate offset bpm) - lying/reclining, sitting, standing
POSTURES = ((0.3, (1.05, 1.2), -4.0), (0.5, (1.26, 1.44), 5.0), (0.20, (1.3, 1.44), 11.0))
UPRIGHT_BPM = 9.0  # standing part of the heart-rate response to walking
STRESS_SD = 3.5  # bpm, slow minute-level AR(1) while awake
STRENGTH_PRESSOR_BPM = 15.0
COMFORT_VO2R = 0.3  # everyday walking pace ceiling, share of the aerobic reserve
MEAL_BPM = 7.0  # post-prandial rise, decaying over ~1.5 h

_KIND_WALK, _KIND_LIGHT, _KIND_SED, _KIND_EXERCISE = 2, 1, 0, 3

# kind -> duration range (min)
EXERCISE_DURATIONS: dict[str, tuple[int, int]] = {
    "walk": (30, 75),
    "hike": (60, 180),
    "run": (20, 60),
    "bike": (30, 90),
    "strength": (30, 60),
}
RUN_WALK_SPEED = 110.0  # m/min: below this, a minute of a run is walked (warm-up, cool-down)


def _windowed_ar(seed: int, stream: int, ordinals: np.ndarray, phi: float, window: int) -> np.ndarray:
    """Stationary unit-variance AR(1) value at each ordinal: the finite sum of its last `window` innovations (a pure
    function of the ordinal: each row is reduced alone, in the same order, whatever the range)."""
    lo = int(ordinals[0]) - window + 1
    eps = _hash_normal(seed, stream, np.arange(lo, int(ordinals[-1]) + 1))
    rows = np.lib.stride_tricks.sliding_window_view(eps, window)[:, ::-1]
    weights = phi ** np.arange(window) * math.sqrt(1 - phi**2)
    return np.ascontiguousarray(rows * weights).sum(axis=1)


def _episodes(
    seed: int, ordinals: np.ndarray, streams: tuple[int, int], p: float, days: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each ordinal, the most recent episode covering it (episodes start with probability `p` a day and last
    days[0]..days[1] days): (covered, start ordinal, length)."""
    lo, hi = days
    back = ordinals[:, None] - np.arange(hi)[None, :]  # column k: k days ago
    candidates = np.arange(int(ordinals[0]) - hi + 1, int(ordinals[-1]) + 1)
    starts = _hash_uniform(seed, streams[0], candidates) < p
    lengths = lo + np.floor(_hash_uniform(seed, streams[1], candidates) * (hi - lo + 1)).astype(np.int64)
    idx = back - candidates[0]
    covering = starts[idx] & (np.arange(hi)[None, :] < lengths[idx])
    covered = covering.any(axis=1)
    k = np.argmax(covering, axis=1)  # the most recent (smallest k)
    start = back[np.arange(len(ordinals)), k]
    return covered, start, lengths[start - candidates[0]]


def _seasonal(ordinals: np.ndarray, peak_doy: float) -> np.ndarray:
    doy = np.array([o - dt.date(dt.date.fromordinal(int(o)).year, 1, 1).toordinal() + 1 for o in ordinals])
    return np.cos(2 * np.pi * (doy - peak_doy) / 365.25)


@functools.lru_cache(maxsize=64)
def _charge_days(seed: int) -> np.ndarray:
    """Ordinals of the days the tracker is charged: a renewal process with 5-7 days between charges."""
    lo, hi = CHARGE_EVERY_DAYS
    n = _CHARGE_HORIZON_DAYS // lo
    gaps = lo + np.floor(_hash_uniform(seed, _S_CHARGE, np.arange(n)) * (hi - lo + 1)).astype(np.int64)
    return _CHARGE_EPOCH + np.cumsum(gaps)


@dataclass(frozen=True)
class DayStates:
    """The slow, cross-day state of a run of days (one array element per day), without nights or minutes: what
    cross-day statistics need, at a fraction of the cost of day plans."""

    ordinals: np.ndarray
    worn: np.ndarray  # bool: the tracker was worn that day at all
    illness: np.ndarray  # 0..1
    resting_hr: np.ndarray  # latent, bpm
    activity: np.ndarray  # log-multiplier of everyday steps: habit state + season + spells
    steps_target: np.ndarray  # everyday steps planned (exercise excluded)
    low_day: np.ndarray  # bool: a sick-ish, travel or desk day
    exercise_kind: np.ndarray  # "" or the session's kind
    exercise_minutes: np.ndarray  # planned session length
    charge: np.ndarray  # bool: the tracker is charged that day
    partial: np.ndarray  # bool: put on late or taken off early
    expected_steps: np.ndarray  # everyday steps + the session's at the person's usual cadence for it

    @property
    def dates(self) -> list[dt.date]:
        return [dt.date.fromordinal(int(o)) for o in self.ordinals]


def _illness(seed: int, ordinals: np.ndarray) -> np.ndarray:
    """0..1 per day: episodes of 4-12 days start with ILLNESS_START_P a day, rise over 2-4 days and fade over 2-5;
    the worst day of an episode reaches its severity (0.5-1); overlapping episodes: the worse one counts."""
    lo, hi = ILLNESS_DAYS
    candidates = np.arange(int(ordinals[0]) - hi + 1, int(ordinals[-1]) + 1)
    starts = _hash_uniform(seed, _S_ILL_START, candidates) < ILLNESS_START_P
    length = lo + np.floor(_hash_uniform(seed, _S_ILL_LEN, candidates) * (hi - lo + 1))
    u = _hash_uniform(seed, _S_ILL_RAMP, candidates)
    up, down = 2 + 2 * u, 2 + 3 * u
    severity = 0.5 + 0.5 * _hash_uniform(seed, _S_ILL_SIZE, candidates)

    def shape(c: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.minimum(1.0, (t + 1) / up[c]) * np.clip((length[c] - t) / down[c], 0.0, 1.0)

    grid = np.arange(hi)[None, :]
    everyone = np.arange(len(candidates))[:, None]
    peak = np.where(grid < length[:, None], shape(everyone, grid), 0.0).max(axis=1)
    c = (ordinals[:, None] - np.arange(hi)[None, :]) - candidates[0]  # candidate started k days ago
    t = np.broadcast_to(np.arange(hi)[None, :], c.shape)
    level = np.where(starts[c] & (t < length[c]), severity[c] * shape(c, t) / peak[c], 0.0)
    return level.max(axis=1)


def day_states(person: Person, seed: int, start: dt.date, days: int) -> DayStates:
    """Cross-day state of `days` days from `start`; each day's values depend on (person, seed, date) alone."""
    o = np.arange(start.toordinal(), start.toordinal() + days)
    illness = _illness(seed, o)
    rhr = (
        person.rhr0
        + SEASONAL_BPM * person.seasonality * _seasonal(o, 15.0)
        + RHR_DAY_SD * _windowed_ar(seed, _S_RHR, o, AR_PHI, AR_WINDOW)
        + ILLNESS_BPM * illness
    )
    spell, spell_start, _ = _episodes(seed, o, (_S_SPELL_START, _S_SPELL_LEN), SPELL_START_P, SPELL_DAYS)
    activity = (
        person.steps_persist_sd * _windowed_ar(seed, _S_ACT, o, ACT_PHI, ACT_WINDOW)
        + person.season_steps_amp * person.seasonality * _seasonal(o, 196.0)
        + np.where(spell, 0.9 * (_hash_uniform(seed, _S_SPELL_SIZE, spell_start) - 0.5), 0.0)
    )
    weekend = (o - 1) % 7 >= 5  # ordinal 1 is a Monday
    daily = person.steps_day_sd * _hash_normal(seed, _S_STEPS, o)
    low = _hash_uniform(seed, _S_LOW, o) < LOW_DAY_P
    low_factor = np.where(low, 0.04 + 0.26 * _hash_uniform(seed, _S_LOW + 100, o), 1.0)
    target = (
        person.steps_median
        * np.where(weekend, person.weekend_steps_factor, 1.0)
        * np.exp(activity + daily)
        * (1.0 - 0.8 * illness)
        * low_factor
    )
    # exercise: more likely in an active spell, none while ill; the main sport three times in four
    p_ex = np.minimum(0.95, person.exercise_per_week / 7.0 * np.exp(0.8 * activity))
    does = (_hash_uniform(seed, _S_EX, o) < p_ex) & (illness < 0.2) & bool(person.exercise_kinds)
    kinds = person.exercise_kinds or ("walk",)
    second = (_hash_uniform(seed, _S_EX + 100, o) >= 0.75) & (len(kinds) > 1)
    kind = np.where(does, np.where(second, kinds[-1], kinds[0]), "")
    lo = np.array([EXERCISE_DURATIONS.get(str(k), (0, 0))[0] for k in kind])
    hi = np.array([EXERCISE_DURATIONS.get(str(k), (0, 0))[1] for k in kind])
    minutes = lo + np.floor(_hash_uniform(seed, _S_EX + 200, o) * (hi - lo + 1)).astype(np.int64)
    charge_days = _charge_days(seed)
    k = np.minimum(np.searchsorted(charge_days, o), len(charge_days) - 1)
    return DayStates(
        ordinals=o,
        worn=_hash_uniform(seed, _S_WORN, o) >= UNWORN_DAY_P,
        illness=illness,
        resting_hr=rhr,
        activity=activity,
        steps_target=target,
        low_day=low,
        exercise_kind=kind,
        exercise_minutes=np.where(does, minutes, 0),
        charge=charge_days[k] == o,
        partial=_hash_uniform(seed, _S_PARTIAL, o) < PARTIAL_WEAR_P,
        expected_steps=target
        + np.where(does, minutes, 0) * np.array([session_cadence(person, str(k)) for k in kind]),
    )


def is_worn(seed: int, ordinal: int) -> bool:
    return bool(_hash_u1(seed, _S_WORN, ordinal) >= UNWORN_DAY_P)


def day_resting_hr(person: Person, seed: int, day: dt.date) -> float:
    """The latent resting HR of the day: baseline + seasonal (peak mid-winter of the person's hemisphere) + AR(1)
    + illness."""
    return float(day_states(person, seed, day, 1).resting_hr[0])


@dataclass(frozen=True)
class Exercise:
    kind: str
    start_minute: int
    duration_min: int
    mets: float  # the session's working intensity
    cadence: float  # steps/min at working intensity
    speed_m_min: float = 0.0  # working speed (walk, hike, run), = cadence x stride
    grade: float = 0.0  # uphill share (walks, hikes)


@dataclass(frozen=True)
class DayPlan:
    day: dt.date
    worn: bool
    ill: bool
    resting_hr: float
    steps_target: float  # everyday steps planned, exercise sessions excluded
    exercise: Exercise | None
    charging: tuple[int, int] | None  # [start, end) minutes without the tracker
    night_in: Night  # ends this morning
    night_out: Night  # starts this evening (or after midnight), ends tomorrow
    off_wrist: tuple[int, int] | None = None  # partial wear: [start, end) awake minutes without the tracker
    illness: float = 0.0  # 0..1, how ill

    @property
    def expected_steps(self) -> float:
        """Planned steps of the day, the session's included (before wear gaps and the minute-level noise)."""
        ex = self.exercise
        return self.steps_target + (ex.cadence * ex.duration_min * 0.9 if ex else 0.0)


def session_cadence(person: Person, kind: str) -> float:
    """Average steps per minute over a typical session of `kind` (warm-up and cool-down included)."""
    if kind == "run":
        speed = running_speed(0.72 * person.vo2max_mets)
        return 0.9 * float(np.clip(speed / person.stride_run_m, 150.0, 188.0))
    if kind in ("walk", "hike"):
        return 0.9 * ((116.0 if kind == "walk" else 102.0) + 3.0 * person.fitness)
    return 8.0 if kind == "strength" else 0.0


def _session(
    person: Person, rng: np.random.Generator, kind: str, day: dt.date
) -> tuple[float, float, float, float]:
    """(METs, cadence, speed m/min, grade) of a session: the intensity is a share of the person's aerobic capacity,
    the pace the one that intensity pays for (ACSM equations), the cadence the pace over the profile's stride."""
    vo2 = person.vo2max_mets
    age = person.age_on(day)
    if kind == "run":
        mets = float(rng.uniform(0.62, 0.82)) * vo2
        speed = running_speed(mets)
        cadence = float(np.clip(speed / person.stride_run_m, 150.0, 188.0))
        speed = cadence * person.stride_run_m
        return float(running_mets(speed)), cadence, speed, 0.0
    if kind in ("walk", "hike"):
        lo, hi = (105.0, 128.0) if kind == "walk" else (92.0, 112.0)
        cadence = float(
            np.clip(rng.uniform(lo, hi) + 3.0 * person.fitness - 0.3 * max(age - 40, 0), 85.0, 135.0)
        )
        speed = cadence * person.stride_walk_m
        grade = float(rng.uniform(0.0, 0.03) if kind == "walk" else rng.uniform(0.05, 0.14))
        # a walk or hike is kept comfortable (about half the capacity, less with age): the grade gives
        flat = float(walking_mets(speed))
        cap = max(1.0 + (vo2 - 1.0) * (0.6 - 0.004 * max(age - 40, 0)), 2.0)
        if flat + 1.8 * speed * grade / 3.5 > cap:
            grade = max(0.0, (cap - flat) * 3.5 / (1.8 * speed))
        return float(walking_mets(speed, grade)), cadence, speed, grade
    if kind == "bike":
        return float(rng.uniform(0.5, 0.75)) * vo2, 0.0, 0.0, 0.0
    # strength: as hard as it feels, i.e. a share of the reserve (perceived exertion tracks %VO2R)
    return 1.0 + float(rng.uniform(0.3, 0.5)) * (vo2 - 1.0), float(rng.uniform(4.0, 12.0)), 0.0, 0.0


def day_plan(
    person: Person,
    day: dt.date,
    seed: int,
    *,
    nights: dict[int, Night] | None = None,
    states: DayStates | None = None,
) -> DayPlan:
    """The day's latent plan: wear, illness, resting HR, steps target, exercise session, charging, nights.
    `states` (from `day_states` over a range holding `day`) saves recomputing the cross-day state."""
    o = day.toordinal()
    if states is None:
        states = day_states(person, seed, day, 1)
    i = o - int(states.ordinals[0])
    cache = nights if nights is not None else {}
    for n in (o, o + 1):
        if n not in cache:
            worn = (
                is_worn(seed, n)
                and is_worn(seed, n - 1)
                and bool(_hash_u1(seed, _S_NIGHT_WORN, n) >= UNWORN_NIGHT_P)
            )
            cache[n] = night(person, seed, dt.date.fromordinal(n), worn=worn)
    night_in, night_out = cache[o], cache[o + 1]
    rng = _rng(seed, o, _S_PLAN)
    illness = float(states.illness[i])

    awake_start = max(night_in.wake_minute, 0)
    awake_end = min(MINUTES_PER_DAY + night_out.bed_minute, MINUTES_PER_DAY)
    exercise = None
    kind = str(states.exercise_kind[i])
    duration = int(states.exercise_minutes[i])
    if kind and awake_end - awake_start > duration + 60:
        weekend = day.weekday() >= 5
        start = int(round(person.exercise_start_min + (90.0 if weekend else 0.0) + rng.normal(0.0, 45.0)))
        start = int(np.clip(start, awake_start + 20, awake_end - duration - 20))
        mets, cadence, speed, grade = _session(person, rng, kind, day)
        exercise = Exercise(
            kind=kind,
            start_minute=start,
            duration_min=duration,
            mets=round(mets, 2),
            cadence=round(cadence, 1),
            speed_m_min=round(speed, 2),
            grade=round(grade, 4),
        )
    busy = (
        None if exercise is None else (exercise.start_minute, exercise.start_minute + exercise.duration_min)
    )
    charging = None
    if states.charge[i]:
        length = int(rng.integers(40, 121))
        start = int(rng.integers(awake_start, max(awake_start + 1, awake_end - length)))
        if busy and start < busy[1] and start + length > busy[0]:
            start = max(awake_start, busy[0] - length)
        charging = (start, min(start + length, awake_end))
    off_wrist = None
    if states.partial[i] and awake_end - awake_start > 240:
        span = int(rng.integers(120, int(0.7 * (awake_end - awake_start))))
        off_wrist = (awake_start, awake_start + span) if rng.random() < 0.5 else (awake_end - span, awake_end)
        if busy and off_wrist[0] < busy[1] and off_wrist[1] > busy[0]:
            off_wrist = None  # worn for the workout
    return DayPlan(
        day=day,
        worn=bool(states.worn[i]),
        ill=illness >= 0.2,
        resting_hr=float(states.resting_hr[i]),
        steps_target=float(states.steps_target[i]),
        exercise=exercise,
        charging=charging,
        night_in=night_in,
        night_out=night_out,
        off_wrist=off_wrist,
        illness=round(illness, 3),
    )


def _layout(
    rng: np.random.Generator, length: int, walk_minutes: float, light_minutes: float
) -> tuple[np.ndarray, np.ndarray]:
    """Minute kinds over `length` awake minutes: sedentary gaps between shuffled light and walking bouts.
    Returns (kind per minute, segment id per minute)."""
    walk = np.maximum(1, np.round(rng.lognormal(np.log(5.0), 0.8, 200))).astype(np.int64)
    walk = walk[: int(np.searchsorted(np.cumsum(walk), walk_minutes)) + 1]
    light = np.maximum(1, np.round(rng.lognormal(np.log(4.0), 0.7, 400))).astype(np.int64)
    light = light[: int(np.searchsorted(np.cumsum(light), light_minutes)) + 1]
    bouts = np.concatenate([walk, light])
    kinds = np.concatenate([np.full(len(walk), _KIND_WALK), np.full(len(light), _KIND_LIGHT)])
    budget = int(length * 0.85)
    if bouts.sum() > budget:  # very high targets: keep the day mostly awake-sedentary anyway
        keep = np.cumsum(bouts) <= budget
        bouts, kinds = bouts[keep], kinds[keep]
    order = rng.permutation(len(bouts))
    bouts, kinds = bouts[order], kinds[order]
    free = length - int(bouts.sum())
    weights = rng.exponential(1.0, len(bouts) + 1)
    gaps = np.floor(weights / weights.sum() * free).astype(np.int64)
    gaps[-1] += free - int(gaps.sum())
    seg_len = np.empty(2 * len(bouts) + 1, dtype=np.int64)
    seg_len[0::2] = gaps
    seg_len[1::2] = bouts
    seg_kind = np.empty_like(seg_len)
    seg_kind[0::2] = _KIND_SED
    seg_kind[1::2] = kinds
    seg_id = np.arange(len(seg_len))
    return np.repeat(seg_kind, seg_len), np.repeat(seg_id, seg_len)


def _bmr_per_minute(person: Person, day: dt.date) -> np.float32:
    """BMR per minute as the smallest float32 whose 1,440-fold sum is not below the day's BMR, so a day at rest
    (unworn) never reports fewer calories than its BMR."""
    bmr = person.bmr_kcal_per_day(day)
    per = np.float32(bmr / MINUTES_PER_DAY)
    while float(per) * MINUTES_PER_DAY < bmr:
        per = np.nextafter(per, np.float32(np.inf))
    return per


def _exercise_minutes(
    person: Person, ex: Exercise, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(steps, METs, stride m) for each minute of a session. A run or walk follows a speed profile (warm-up,
    working pace with drift, cool-down); each minute's METs are what its speed costs (ACSM), its steps that speed
    over the stride it is covered with, so pace, cadence, METs and calories agree."""
    n = ex.duration_min
    t = np.arange(n, dtype=np.float64)
    ramp = np.minimum(1.0, np.minimum(0.55 + t / 10.0, 0.6 + (n - 1 - t) / 8.0))
    noise = rng.normal(0.0, 1.0, n)
    if ex.kind in ("run", "walk", "hike"):
        speed = ex.speed_m_min * ramp * (1.0 + 0.03 * noise)
        run = (speed >= RUN_WALK_SPEED) if ex.kind == "run" else np.zeros(n, bool)
        stride = np.where(run, person.stride_run_m, person.stride_walk_m)
        steps = np.round(speed / stride)
        if ex.kind != "run":
            steps = np.minimum(steps, 140.0)
        speed = steps * stride
        mets = np.where(run, running_mets(speed), walking_mets(speed, ex.grade))
        return steps, mets, stride
    stride = np.full(n, person.stride_walk_m)
    if ex.kind == "strength":
        ramp = ramp * np.where((t // 3) % 2 == 0, 1.0, 0.7)  # sets and rests
        steps = rng.poisson(ex.cadence, n).astype(np.float64)
    else:
        steps = np.zeros(n)
    mets = np.maximum(1.5, 1.0 + (ex.mets - 1.0) * ramp + 0.4 * noise)
    return steps, mets, stride


def _day_arrays(person: Person, plan: DayPlan, seed: int) -> DayArrays:
    day = plan.day
    bmr_per_min = _bmr_per_minute(person, day)
    if not plan.worn:
        return DayArrays(
            mets=np.ones(MINUTES_PER_DAY, np.float32),
            calories=np.full(MINUTES_PER_DAY, bmr_per_min, np.float32),
        )
    rng = _rng(seed, day.toordinal(), _S_VALUES)

    # sleep codes: the tail of night_in and the head of night_out
    sleep, in_bed = day_sleep(plan.night_in, plan.night_out)
    recorded_bed = sleep != SLEEP_AWAKE
    unrecorded = in_bed & ~recorded_bed

    # awake activity layout
    age = person.age_on(day)
    awake_start = max(plan.night_in.wake_minute, 0)
    awake_end = min(MINUTES_PER_DAY + plan.night_out.bed_minute, MINUTES_PER_DAY)
    kind = np.full(MINUTES_PER_DAY, _KIND_SED, np.int64)
    seg = np.zeros(MINUTES_PER_DAY, np.int64)
    ex = plan.exercise
    # share of the day's steps taken in purposeful walking bouts: less with age, where more steps are incidental
    # (Tudor-Locke et al. 2018: minutes at >= 100 steps/min fall with age)
    walk_share = rng.uniform(0.45, 0.7) - 0.007 * max(age - 40, 0)
    # usual walking cadence: slower with age, quicker with fitness (Tudor-Locke et al. 2018)
    cadence = float(
        np.clip(rng.normal(108.0 - 0.5 * max(age - 40, 0) + 3.0 * person.fitness, 5.0), 80.0, 128.0)
    )
    # ...and never faster than a comfortable pace: everyday walking costs at most ~30 % of the aerobic reserve
    # (self-selected speed falls with fitness; unfit older adults walk ~3 km/h)
    comfortable = COMFORT_VO2R * (person.vo2max_mets - 1.0) * 35.0 / person.stride_walk_m  # ACSM walking
    cadence = float(max(70.0, min(cadence, comfortable)))
    walk_minutes = walk_share * plan.steps_target / cadence
    light_minutes = min((1 - walk_share) * plan.steps_target / 11.0, 480.0)
    ex_len = ex.duration_min if ex else 0
    # the evening wind-down before bed: a quiet stretch (reading, TV) every day
    span = awake_end - awake_start - ex_len
    evening = min(int(rng.uniform(40.0, 100.0)), max(span // 4, 0))
    kinds_awake, seg_awake = _layout(rng, span - evening, walk_minutes, light_minutes)
    quiet_seg = int(seg_awake.max()) + 1 if len(seg_awake) else 0
    kinds_awake = np.concatenate([kinds_awake, np.full(evening, _KIND_SED)])
    seg_awake = np.concatenate([seg_awake, np.full(evening, quiet_seg)])
    if ex:
        cut = ex.start_minute - awake_start
        kinds_awake = np.concatenate([kinds_awake[:cut], np.full(ex_len, _KIND_EXERCISE), kinds_awake[cut:]])
        seg_awake = np.concatenate([seg_awake[:cut], np.full(ex_len, -1), seg_awake[cut:]])
    kind[awake_start:awake_end] = kinds_awake
    seg[awake_start:awake_end] = seg_awake
    n_seg = int(seg.max()) + 2

    # steps, speed and METs per minute
    u = rng.random(MINUTES_PER_DAY)
    noise = rng.normal(0.0, 1.0, MINUTES_PER_DAY)
    steps = np.zeros(MINUTES_PER_DAY, np.float64)
    sed = kind == _KIND_SED
    light = kind == _KIND_LIGHT
    walking = kind == _KIND_WALK
    fidget = sed & (u < 0.05) & (seg != quiet_seg)
    steps[fidget] = 1 + np.floor(u[fidget] * 300)  # 1-15 steps
    steps[light] = rng.poisson(11.0, MINUTES_PER_DAY)[light]
    # each walking bout has its own pace; some are a hurry (fewer with age)
    hurry = rng.random(n_seg) < max(0.03, 0.16 - 0.002 * age)
    seg_cadence = np.minimum(cadence + rng.normal(0.0, 6.0, n_seg), max(cadence, comfortable))
    seg_cadence += np.where(hurry, rng.uniform(10.0, 22.0, n_seg), 0.0)
    steps[walking] = np.clip(seg_cadence[seg][walking] + 4.0 * noise[walking], 0.0, 140.0)
    # first and last minute of a walking bout are partial
    edge = walking & ((np.roll(seg, 1) != seg) | (np.roll(seg, -1) != seg))
    steps[edge] *= 0.3 + 0.6 * u[edge]
    steps = np.round(steps)

    # sedentary postures, one per sedentary segment
    seg_posture = np.searchsorted(np.cumsum([p[0] for p in POSTURES]), rng.random(n_seg))
    seg_posture[quiet_seg] = 0
    posture = seg_posture[seg]
    mets = np.ones(MINUTES_PER_DAY, np.float64)
    posture_bpm = np.zeros(MINUTES_PER_DAY)
    r = rng.random(MINUTES_PER_DAY)
    for k, (_, (lo, hi), bpm) in enumerate(POSTURES):
        at = sed & (posture == k)
        mets[at] = lo + (hi - lo) * r[at]
        posture_bpm[at] = bpm
    mets[sed] += 0.02 * steps[sed]
    # pottering: chores are paced too, at most ~30 % of the aerobic reserve
    light_cap = max(1.6, min(2.95, 1.0 + 0.3 * (person.vo2max_mets - 1.0)))
    mets[light] = np.clip(1.8 + 0.04 * steps[light] + 0.2 * noise[light], 1.5, light_cap)
    speed = steps * person.stride_walk_m
    walk_mets = np.asarray(walking_mets(speed), dtype=np.float64)
    slow = walking & (steps < 60)
    mets[walking] = walk_mets[walking]
    mets[slow] = np.clip(1.6 + 0.045 * steps[slow], 1.5, 2.95)
    posture_bpm[light | walking] = UPRIGHT_BPM

    # stairs: a few flights a day inside walking bouts, ~2.5 extra METs per flight in the minute
    floors = np.zeros(MINUTES_PER_DAY, np.float64)
    walk_idx = np.flatnonzero(walking)
    stairs = person.stairs_per_day * max(0.3, 1.0 - 0.015 * max(age - 40, 0))  # older people take the lift
    n_flights = int(rng.poisson(stairs * min(2.0, plan.steps_target / person.steps_median)))
    if len(walk_idx) and n_flights:
        at = rng.choice(walk_idx, size=n_flights)
        np.add.at(floors, at, 1.0)
        floors = np.minimum(floors, 3.0)
        mets += 2.5 * floors

    stride = np.full(MINUTES_PER_DAY, person.stride_walk_m)
    if ex:
        ex_mask = kind == _KIND_EXERCISE
        ex_steps, ex_mets, ex_stride = _exercise_minutes(person, ex, rng)
        steps[ex_mask], mets[ex_mask], stride[ex_mask] = ex_steps, ex_mets, ex_stride
        posture_bpm[ex_mask] = UPRIGHT_BPM if ex.kind != "bike" else 4.0
        if ex.kind == "hike":
            floors[ex_mask] = np.floor(
                ex_steps * ex_stride * ex.grade / FLOOR_M + rng.random(ex.duration_min)
            )

    # wear: unrecorded nights, charging and partial wear take the tracker off
    worn = ~unrecorded
    for gap in (plan.charging, plan.off_wrist):
        if gap:
            worn[gap[0] : gap[1]] = False
    off = ~worn | recorded_bed
    steps[off] = 0
    mets[off] = 1.0
    floors[~worn] = 0
    mets = np.round(mets, 1)  # Fitbit's intraday METs come in tenths ("mets": 10 = 1.0)

    heart = _heart(person, plan, rng, mets, steps, sleep, worn, posture_bpm, kind)
    return DayArrays(
        heart=heart,
        steps=steps.astype(np.uint16),
        calories=(bmr_per_min * mets).astype(np.float32),
        distance=(steps * stride / 1000.0).astype(np.float32),
        floors=floors.astype(np.uint8),
        elevation=(floors * FLOOR_M).astype(np.float32),
        mets=mets.astype(np.float32),
        sleep=sleep,
    )


# heart-rate sampling: gap (s) -> probability, at rest and while moving (reference §0 item 4: median 5 s, 10 and
# 15 s common, at rest; denser with movement)
_GAPS = np.arange(1, 16)
_REST_P = np.array([4, 3, 3, 4, 58, 2, 1.5, 1, 1, 14, 0.5, 0.5, 0.5, 0.5, 6.5])
_MOVING_P = np.array([30, 22, 15, 10, 12, 3, 2, 1, 1, 3, 0.2, 0.2, 0.2, 0.2, 0.2])
# lookup tables (a gap per 1/1000 of probability) draw gaps faster than rng.choice(p=...)
_REST_TABLE = np.repeat(_GAPS, np.round(_REST_P / _REST_P.sum() * 1000).astype(np.int64))
_MOVING_TABLE = np.repeat(_GAPS, np.round(_MOVING_P / _MOVING_P.sum() * 1000).astype(np.int64))


def _sample_mask(rng: np.random.Generator, table: np.ndarray) -> np.ndarray:
    gaps = table[rng.integers(0, len(table), int(SECONDS_PER_DAY / table.mean() * 1.1) + 16)]
    times = np.cumsum(gaps) - int(rng.integers(0, 15))
    mask = np.zeros(SECONDS_PER_DAY, bool)
    mask[times[(times >= 0) & (times < SECONDS_PER_DAY)]] = True
    return mask


def _meals(person: Person, plan: DayPlan, rng: np.random.Generator, m_all: np.ndarray) -> np.ndarray:
    """Post-prandial heart-rate rise: breakfast after waking, lunch, dinner."""
    wake = max(plan.night_in.wake_minute, 0)
    times = [wake + rng.uniform(20, 70), rng.normal(12.75 * 60, 40), rng.normal(19.0 * 60, 50)]
    out = np.zeros(MINUTES_PER_DAY)
    for t in times:
        after = m_all - t
        size = MEAL_BPM * rng.uniform(0.5, 1.3)
        out += np.where(after >= 0, size * (1 - np.exp(-after / 15.0)) * np.exp(-after / 90.0), 0.0)
    return out


def _heart(
    person: Person,
    plan: DayPlan,
    rng: np.random.Generator,
    mets: np.ndarray,
    steps: np.ndarray,
    sleep: np.ndarray,
    worn: np.ndarray,
    posture_bpm: np.ndarray,
    kind: np.ndarray,
) -> np.ndarray:
    m_all = np.arange(MINUTES_PER_DAY)
    rhr = plan.resting_hr
    max_hr = person.max_heart_rate(plan.day)
    ceiling = HR_SATURATION * max_hr
    nadir = person.sleep_midpoint_min + 60.0
    circ = -CIRCADIAN_BPM * np.cos(2 * np.pi * (m_all - nadir) / MINUTES_PER_DAY)
    asleep = sleep != SLEEP_AWAKE
    # stress / arousal: a slow AR(1) while awake, skewed upwards
    z = rng.normal(0.0, 1.0, MINUTES_PER_DAY)
    stress = np.empty(MINUTES_PER_DAY)
    s = 0.0
    for m, e in enumerate(z.tolist()):
        s = 0.96 * s + 0.28 * e
        stress[m] = s
    stress = STRESS_SD * (np.exp(0.5 * stress) - 1.0)
    everyday = posture_bpm + np.maximum(stress, -2.0) + _meals(person, plan, rng, m_all)
    # share of the heart-rate reserve ~ share of the MET reserve (Swain & Leutholtz 1997), linear
    frac = np.clip((mets - 1.0) / (person.vo2max_mets - 1.0), 0.0, 1.0)
    # posture, stress and meals move the heart at rest; under load the work sets it (the larger plus a quarter of the smaller)
    work = frac * (ceiling - rhr)
    if plan.exercise and plan.exercise.kind == "strength":
        # lifting raises heart rate above what its oxygen cost predicts (the pressor response)
        work = np.where(kind == _KIND_EXERCISE, work + STRENGTH_PRESSOR_BPM, work)
    target = rhr + circ + np.maximum(everyday, work) + 0.25 * np.minimum(np.maximum(everyday, 0.0), work)
    dip = np.zeros(MINUTES_PER_DAY)
    for code, share in SLEEP_DIP.items():
        dip[sleep == code] = share
    target = np.where(asleep, rhr * (1.0 - dip) + circ, target)
    # soft saturation towards HR_SATURATION * max HR instead of a flat clip
    knee = rhr + 0.75 * (ceiling - rhr)
    over = np.maximum(target - knee, 0.0)
    target = np.where(over > 0, knee + (ceiling - knee) * (1.0 - np.exp(-over / (ceiling - knee))), target)
    noise_sd = np.where(asleep, np.where(sleep == SLEEP_REM, 2.5, 1.2), np.where(mets >= 3.0, 3.0, 2.0))
    eps = (rng.normal(0.0, 1.0, MINUTES_PER_DAY) * noise_sd * math.sqrt(1 - 0.7**2)).tolist()

    # first-order kinetics, solved exactly over each minute with that minute's target
    a_on, a_off = math.exp(-60.0 / TAU_ON_S), math.exp(-60.0 / TAU_OFF_S)
    tgt_list = target.tolist()
    start = np.empty(MINUTES_PER_DAY)
    goal = np.empty(MINUTES_PER_DAY)
    rising = np.empty(MINUTES_PER_DAY, bool)
    x = tgt_list[0]
    n = 0.0
    for m in range(MINUTES_PER_DAY):
        n = 0.7 * n + eps[m]
        g = tgt_list[m] + n
        up = g > x
        start[m], goal[m], rising[m] = x, g, up
        x = g + (x - g) * (a_on if up else a_off)

    # sampling: irregular 1-15 s gaps, denser while moving, every second in an exercise session
    moving = (steps > 0) | (mets >= 1.5)
    moving_s = np.repeat(moving, 60)
    mask = np.where(moving_s, _sample_mask(rng, _MOVING_TABLE), _sample_mask(rng, _REST_TABLE))
    mask |= np.repeat(kind == _KIND_EXERCISE, 60)
    mask &= np.repeat(worn, 60)
    idx = np.flatnonzero(mask)
    minute, sec = idx // 60, idx % 60
    decay = np.where(rising[minute], np.exp(-sec / TAU_ON_S), np.exp(-sec / TAU_OFF_S))
    hr = goal[minute] + (start[minute] - goal[minute]) * decay + rng.normal(0.0, 1.0, len(idx))
    heart = np.zeros(SECONDS_PER_DAY, np.uint8)
    heart[idx] = np.clip(np.round(hr), 30, max_hr - 1).astype(np.uint8)
    return heart


@dataclass(frozen=True)
class SyntheticDay:
    """One generated local day: its latent plan (the nights around it, exercise, wear) and its raw arrays."""

    day: dt.date
    plan: DayPlan
    arrays: DayArrays


def generate(person: Person, start: dt.date, days: int, seed: int) -> Iterator[SyntheticDay]:
    """`days` consecutive days from `start`, each with its plan and arrays; deterministic per date."""
    nights: dict[int, Night] = {}
    states = day_states(person, seed, start, days) if days > 0 else None
    for i in range(days):
        day = start + dt.timedelta(days=i)
        plan = day_plan(person, day, seed, nights=nights, states=states)
        nights.pop(day.toordinal(), None)
        yield SyntheticDay(day, plan, _day_arrays(person, plan, seed))


def generate_days(
    person: Person, start: dt.date, days: int, seed: int
) -> Iterator[tuple[dt.date, DayArrays]]:
    """Yield (local date, DayArrays) for `days` consecutive days from `start`; deterministic per date."""
    for generated in generate(person, start, days, seed):
        yield generated.day, generated.arrays
