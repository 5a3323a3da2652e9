"""Day-by-day synthetic wearable data (reference takeout-and-data §4.3).

Determinism: everything about local day D comes from (seed, D) alone, so generating a sub-range gives the same
bytes for its dates as a longer run.
- Slow day states (resting-HR AR(1), illness episodes, wear flags) are functions of the date ordinal through a
  counter-based hash (splitmix64), so day D's AR(1) value is the finite sum over the last AR_WINDOW innovations
  and needs no walk from an epoch.
- The night that ends on the morning of D ("night D", Fitbit's dateOfSleep) has its own RNG stream keyed by D, so
  day D-1 (which holds its pre-midnight minutes) and day D (the rest) place it identically.
- The day's plan (exercise, charging) and its minute/second values have their own streams keyed by D.

Per day: night placement -> minute activity layout in the awake window (sedentary gaps, light and walking bouts,
at most one exercise session) -> METs, steps, distance, floors, calories -> heart rate as a first-order response to
a minute target (asymmetric on/off time constants, solved exactly per minute, evaluated only at sampled seconds).
"""

from __future__ import annotations

import datetime as dt
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
from fitbit_local.sources.synthetic.person import Person
from fitbit_local.sources.synthetic.streams import _hash_normal, _hash_uniform, _rng

# hash / RNG streams
_S_RHR, _S_ILL_START, _S_ILL_LEN, _S_ILL_SIZE, _S_WORN, _S_NIGHT_WORN = 11, 12, 13, 14, 15, 16
_S_PLAN, _S_VALUES = 22, 23  # 21: nights.py

# day state
AR_PHI = 0.8
AR_WINDOW = 40  # 0.8**40 ~ 1e-4: truncation error far below a bpm
RHR_DAY_SD = 1.8  # stationary SD of the day-to-day RHR wobble
SEASONAL_BPM = 1.2  # +-: maximum mid-January, minimum mid-July (Quer et al. 2020)
ILLNESS_START_P = 1 / 150
UNWORN_DAY_P = 0.05
UNWORN_NIGHT_P = 0.03
CHARGING_P = 0.75

# heart-rate model
SIT_OFFSET_BPM = 0.0  # calibrated so the derived resting HR tracks the latent one (see decisions)
CIRCADIAN_BPM = 3.0
SLEEP_DIP = {SLEEP_WAKE: 0.0, SLEEP_LIGHT: 0.08, SLEEP_DEEP: 0.12, SLEEP_REM: 0.04}
TAU_ON_S = 45.0
TAU_OFF_S = 90.0
HR_SATURATION = 0.95  # of max HR
FLOOR_M = 3.048  # Fitbit counts a floor per 10 ft climbed

_KIND_WALK, _KIND_LIGHT, _KIND_SED, _KIND_EXERCISE = 2, 1, 0, 3

# kind -> (METs range, cadence range (spm), stride factor, duration range (min))
EXERCISE_PROFILES: dict[str, tuple[tuple[float, float], tuple[float, float], float, tuple[int, int]]] = {
    "walk": ((4.3, 5.5), (116.0, 130.0), 1.05, (30, 75)),
    "run": ((8.0, 11.0), (155.0, 178.0), 1.35, (25, 60)),
    "bike": ((6.0, 9.0), (0.0, 0.0), 0.0, (30, 90)),
    "strength": ((3.5, 5.5), (4.0, 12.0), 0.8, (30, 60)),
}


def is_worn(seed: int, ordinal: int) -> bool:
    return bool(_hash_uniform(seed, _S_WORN, np.array([ordinal]))[0] >= UNWORN_DAY_P)


def illness_bump(seed: int, ordinal: int) -> float:
    """RHR increase from an illness episode covering the day (3-7 days, +5-10 bpm), else 0."""
    back = np.arange(ordinal - 7, ordinal + 1)
    starts = _hash_uniform(seed, _S_ILL_START, back) < ILLNESS_START_P
    lengths = 3 + np.floor(_hash_uniform(seed, _S_ILL_LEN, back) * 5)
    covering = starts & (ordinal - back < lengths)
    if not covering.any():
        return 0.0
    return float(5.0 + 5.0 * _hash_uniform(seed, _S_ILL_SIZE, back[covering][-1:])[0])


def day_resting_hr(person: Person, seed: int, day: dt.date) -> float:
    """The latent resting HR of the day: baseline + seasonal + AR(1) + illness."""
    o = day.toordinal()
    eps = _hash_normal(seed, _S_RHR, np.arange(o, o - AR_WINDOW, -1))
    ar = float(np.dot(AR_PHI ** np.arange(AR_WINDOW), eps)) * RHR_DAY_SD * math.sqrt(1 - AR_PHI**2)
    doy = day.timetuple().tm_yday
    seasonal = SEASONAL_BPM * math.cos(2 * math.pi * (doy - 15) / 365.25)
    return person.rhr0 + seasonal + ar + illness_bump(seed, o)


@dataclass(frozen=True)
class Exercise:
    kind: str
    start_minute: int
    duration_min: int
    mets: float  # the session's working intensity
    cadence: float


@dataclass(frozen=True)
class DayPlan:
    day: dt.date
    worn: bool
    ill: bool
    resting_hr: float
    steps_target: float
    exercise: Exercise | None
    charging: tuple[int, int] | None  # [start, end) minutes without the tracker
    night_in: Night  # ends this morning
    night_out: Night  # starts this evening (or after midnight), ends tomorrow


def day_plan(person: Person, day: dt.date, seed: int, *, nights: dict[int, Night] | None = None) -> DayPlan:
    """The day's latent plan: wear, illness, resting HR, steps target, exercise session, charging, nights."""
    o = day.toordinal()
    cache = nights if nights is not None else {}
    for n in (o, o + 1):
        if n not in cache:
            worn = (
                is_worn(seed, n)
                and is_worn(seed, n - 1)
                and bool(_hash_uniform(seed, _S_NIGHT_WORN, np.array([n]))[0] >= UNWORN_NIGHT_P)
            )
            cache[n] = night(person, seed, dt.date.fromordinal(n), worn=worn)
    night_in, night_out = cache[o], cache[o + 1]
    rng = _rng(seed, o, _S_PLAN)
    ill = illness_bump(seed, o) > 0
    weekend = day.weekday() >= 5
    target = person.steps_median * (person.weekend_steps_factor if weekend else 1.0)
    target *= float(np.exp(rng.normal(0.0, 0.3))) * (0.55 if ill else 1.0)

    awake_start = max(night_in.wake_minute, 0)
    awake_end = min(MINUTES_PER_DAY + night_out.bed_minute, MINUTES_PER_DAY)
    exercise = None
    if not ill and rng.random() < person.exercise_per_week / 7.0:
        kind = str(rng.choice(person.exercise_kinds))
        mets_range, cadence_range, _, dur_range = EXERCISE_PROFILES[kind]
        duration = int(rng.integers(dur_range[0], dur_range[1] + 1))
        start = int(round(person.exercise_start_min + rng.normal(0.0, 45.0)))
        start = int(np.clip(start, awake_start + 20, awake_end - duration - 20))
        if awake_end - awake_start > duration + 60:
            exercise = Exercise(
                kind=kind,
                start_minute=start,
                duration_min=duration,
                # nobody works above ~85 % of their aerobic capacity for a whole session
                mets=round(min(float(rng.uniform(*mets_range)), 0.85 * person.vo2max_mets), 2),
                cadence=round(float(rng.uniform(*cadence_range)), 1),
            )
    charging = None
    if rng.random() < CHARGING_P:
        length = int(rng.integers(30, 91))
        start = int(rng.integers(awake_start, max(awake_start + 1, awake_end - length)))
        if (
            exercise is not None
            and start < exercise.start_minute + exercise.duration_min
            and (start + length > exercise.start_minute)
        ):
            start = max(awake_start, exercise.start_minute - length)
        charging = (start, min(start + length, awake_end))
    return DayPlan(
        day=day,
        worn=is_worn(seed, o),
        ill=ill,
        resting_hr=day_resting_hr(person, seed, day),
        steps_target=target,
        exercise=exercise,
        charging=charging,
        night_in=night_in,
        night_out=night_out,
    )


def _layout(
    rng: np.random.Generator, length: int, walk_minutes: float, light_minutes: float
) -> tuple[np.ndarray, np.ndarray]:
    """Minute kinds over `length` awake minutes: sedentary gaps between shuffled light and walking bouts.
    Returns (kind per minute, bout id per minute)."""
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


def _day_arrays(person: Person, plan: DayPlan, seed: int) -> DayArrays:
    day = plan.day
    bmr_per_min = person.bmr_kcal_per_day(day) / MINUTES_PER_DAY
    if not plan.worn:
        return DayArrays(
            mets=np.ones(MINUTES_PER_DAY, np.float32),
            calories=np.full(MINUTES_PER_DAY, bmr_per_min, np.float32),
        )
    rng = _rng(seed, day.toordinal(), _S_VALUES)
    m_all = np.arange(MINUTES_PER_DAY)

    # sleep codes: the tail of night_in and the head of night_out
    sleep, in_bed = day_sleep(plan.night_in, plan.night_out)
    recorded_bed = sleep != SLEEP_AWAKE
    unrecorded = in_bed & ~recorded_bed

    # awake activity layout
    awake_start = max(plan.night_in.wake_minute, 0)
    awake_end = min(MINUTES_PER_DAY + plan.night_out.bed_minute, MINUTES_PER_DAY)
    kind = np.full(MINUTES_PER_DAY, _KIND_SED, np.int64)
    bout = np.zeros(MINUTES_PER_DAY, np.int64)
    ex = plan.exercise
    walk_share = rng.uniform(0.45, 0.7)
    cadence = float(np.clip(rng.normal(108.0, 6.0), 95.0, 125.0))
    walk_minutes = walk_share * plan.steps_target / cadence
    light_minutes = min((1 - walk_share) * plan.steps_target / 14.0, 420.0)
    ex_len = ex.duration_min if ex else 0
    kinds_awake, bouts_awake = _layout(rng, awake_end - awake_start - ex_len, walk_minutes, light_minutes)
    if ex:
        cut = ex.start_minute - awake_start
        kinds_awake = np.concatenate([kinds_awake[:cut], np.full(ex_len, _KIND_EXERCISE), kinds_awake[cut:]])
        bouts_awake = np.concatenate([bouts_awake[:cut], np.full(ex_len, -1), bouts_awake[cut:]])
    kind[awake_start:awake_end] = kinds_awake
    bout[awake_start:awake_end] = bouts_awake

    # steps and METs per minute
    u = rng.random(MINUTES_PER_DAY)
    noise = rng.normal(0.0, 1.0, MINUTES_PER_DAY)
    steps = np.zeros(MINUTES_PER_DAY, np.float64)
    sed = kind == _KIND_SED
    fidget = sed & (u < 0.05)
    steps[fidget] = 1 + np.floor(u[fidget] * 300)  # 1-15 steps
    light = kind == _KIND_LIGHT
    steps[light] = rng.poisson(14.0, MINUTES_PER_DAY)[light]
    walking = kind == _KIND_WALK
    bout_cadence = cadence + rng.normal(0.0, 6.0, bout.max() + 2)[bout]
    steps[walking] = np.maximum(0.0, bout_cadence[walking] + 4.0 * noise[walking])
    # first and last minute of a walking bout are partial
    edge = walking & ((np.roll(bout, 1) != bout) | (np.roll(bout, -1) != bout))
    steps[edge] *= 0.3 + 0.6 * u[edge]
    mets = np.ones(MINUTES_PER_DAY, np.float64)
    mets[sed] = 1.0 + 0.15 * rng.random(MINUTES_PER_DAY)[sed] + 0.02 * steps[sed]
    light_like = light | (walking & (steps < 80))
    mets[light_like] = np.clip(1.6 + 0.045 * steps[light_like] + 0.15 * noise[light_like], 1.5, 2.95)
    brisk = walking & (steps >= 80)
    mets[brisk] = np.clip(3.3 + 0.055 * (steps[brisk] - 100.0) + 0.1 * noise[brisk], 2.0, 6.5)
    stride = np.full(MINUTES_PER_DAY, person.stride_walk_m)
    ex_mask = kind == _KIND_EXERCISE
    if ex:
        _, _, stride_factor, _ = EXERCISE_PROFILES[ex.kind]
        t = np.arange(ex.duration_min, dtype=np.float64)
        ramp = np.minimum(1.0, np.minimum(0.5 + t / 10.0, 0.6 + (ex.duration_min - 1 - t) / 8.0))
        if ex.kind == "strength":  # sets and rests
            ramp *= np.where((t // 3) % 2 == 0, 1.0, 0.7)
        ex_mets = 1.0 + (ex.mets - 1.0) * ramp + 0.6 * rng.normal(0.0, 1.0, ex.duration_min)
        mets[ex_mask] = np.maximum(1.5, ex_mets)
        if ex.kind == "strength":
            ex_steps = rng.poisson(ex.cadence, ex.duration_min).astype(np.float64)
        else:
            ex_steps = np.maximum(0.0, ex.cadence * ramp + 3.0 * rng.normal(0.0, 1.0, ex.duration_min))
        steps[ex_mask] = ex_steps
        stride[ex_mask] = person.stride_walk_m * stride_factor

    # wear: unrecorded nights and charging take the tracker off
    worn = ~unrecorded
    if plan.charging:
        worn[plan.charging[0] : plan.charging[1]] = False
    steps = np.round(steps)
    steps[~worn | recorded_bed] = 0
    mets[~worn | recorded_bed] = 1.0
    mets = np.round(mets, 1)  # Fitbit's intraday METs come in tenths ("mets": 10 = 1.0)

    floors = np.zeros(MINUTES_PER_DAY, np.uint8)
    climb = (walking & (u > 0.93)) | (light & (u > 0.99))
    climb &= worn
    floors[climb] = 1 + (rng.random(MINUTES_PER_DAY)[climb] < 0.15)

    heart = _heart(person, plan, rng, mets, sleep, worn, m_all)
    return DayArrays(
        heart=heart,
        steps=steps.astype(np.uint16),
        calories=(bmr_per_min * mets).astype(np.float32),
        distance=(steps * stride / 1000.0).astype(np.float32),
        floors=floors,
        elevation=(floors * FLOOR_M).astype(np.float32),
        mets=mets.astype(np.float32),
        sleep=sleep,
    )


def _heart(
    person: Person,
    plan: DayPlan,
    rng: np.random.Generator,
    mets: np.ndarray,
    sleep: np.ndarray,
    worn: np.ndarray,
    m_all: np.ndarray,
) -> np.ndarray:
    rhr = plan.resting_hr
    max_hr = person.max_heart_rate(plan.day)
    ceiling = HR_SATURATION * max_hr
    nadir = person.sleep_midpoint_min + 60.0
    circ = -CIRCADIAN_BPM * np.cos(2 * np.pi * (m_all - nadir) / MINUTES_PER_DAY)
    # share of the heart-rate reserve ~ share of the MET reserve (Swain), slightly concave
    frac = np.clip((mets - 1.0) / (person.vo2max_mets - 1.0), 0.0, 1.0) ** 0.85
    target = rhr + SIT_OFFSET_BPM + circ + frac * (ceiling - rhr - SIT_OFFSET_BPM)
    asleep = sleep != SLEEP_AWAKE
    dip = np.zeros(MINUTES_PER_DAY)
    for code, share in SLEEP_DIP.items():
        dip[sleep == code] = share
    target = np.where(asleep, rhr * (1.0 - dip) + circ, target)
    # soft saturation towards HR_SATURATION * max HR instead of a flat clip
    knee = rhr + 0.7 * (ceiling - rhr)
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

    # sampling: 5/10/15-s gaps at rest, every second during the exercise session
    gaps = rng.choice(np.array([5, 10, 15]), size=SECONDS_PER_DAY // 5 + 1, p=[0.75, 0.17, 0.08])
    times = np.cumsum(gaps) - int(rng.integers(0, 5))
    mask = np.zeros(SECONDS_PER_DAY, bool)
    mask[times[(times >= 0) & (times < SECONDS_PER_DAY)]] = True
    if plan.exercise:
        ex = plan.exercise
        mask[ex.start_minute * 60 : (ex.start_minute + ex.duration_min) * 60] = True
    mask &= np.repeat(worn, 60)
    idx = np.flatnonzero(mask)
    minute, sec = idx // 60, idx % 60
    decay = np.where(rising[minute], np.exp(-sec / TAU_ON_S), np.exp(-sec / TAU_OFF_S))
    hr = goal[minute] + (start[minute] - goal[minute]) * decay + rng.normal(0.0, 1.0, len(idx))
    heart = np.zeros(SECONDS_PER_DAY, np.uint8)
    heart[idx] = np.clip(np.round(hr), 30, max_hr).astype(np.uint8)
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
    for i in range(days):
        day = start + dt.timedelta(days=i)
        plan = day_plan(person, day, seed, nights=nights)
        nights.pop(day.toordinal(), None)
        yield SyntheticDay(day, plan, _day_arrays(person, plan, seed))


def generate_days(
    person: Person, start: dt.date, days: int, seed: int
) -> Iterator[tuple[dt.date, DayArrays]]:
    """Yield (local date, DayArrays) for `days` consecutive days from `start`; deterministic per date."""
    for generated in generate(person, start, days, seed):
        yield generated.day, generated.arrays
