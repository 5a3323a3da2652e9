"""What a synthetic night leaves behind besides its minute codes: the sleep logs (dateOfSleep = the wake day) and the
health metrics Fitbit derived from the main sleep and the sensors (reference §3.7-3.11, takeout-and-data §4.2).

- Logs: each sleep of the night (`nights.sessions`) becomes a log; the main sleep and split parts of at least
  STAGES_MIN_MINUTES are ``stages`` when the band sat well, everything else (naps, short parts, loose-band nights)
  ``classic`` from the same hypnogram.
- Metrics exist exactly for nights with a *qualifying* main sleep: a stages main sleep (3 hours or more with heart
  data). HRV comes from the heart readings during it (lower when the sleeping heart rate is higher), breathing rate
  per stage (deep lowest, REM highest), SpO2 per minute, skin temperature around the personal baseline.
- Cardio fitness is daily, from the person's aerobic capacity: a range when estimated from resting heart rate, a
  single number on days with a run (Fitbit's GPS-based estimate). ECG readings and IRN alerts: rhythm.py.

Every value about night D comes from (seed, D) through streams 40-59, so any sub-range regenerates identically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM, DayArrays
from fitbit_local.physiology.sleep import CLASSIC, STAGES, STAGES_MIN_MINUTES, SleepLog, classic_levels
from fitbit_local.sources.synthetic.nights import Night, sessions
from fitbit_local.sources.synthetic.person import Person
from fitbit_local.sources.synthetic.rhythm import ecg_readings, irn_alerts, irn_enrolled
from fitbit_local.sources.synthetic.streams import _hash_normal, _rng
from fitbit_local.store.changes import WriteTransaction
from fitbit_local.store.sleep import days_under_other_logs, rederive_in_bed, replace_records

_S_HRV, _S_SPO2, _S_BR, _S_TEMP, _S_CARDIO, _S_TEMP_AR = 41, 42, 43, 44, 45, 46
HRV_WINDOW_MINUTES = 5


def night_logs(n: Night) -> list[SleepLog]:
    """The night's sleep logs, oldest first (ids are the store's)."""
    midnight = dt.datetime.combine(n.wake_day, dt.time(0))
    logs = []
    for start, stages, main in sessions(n):
        staged = n.stages_capable and main and len(stages) >= STAGES_MIN_MINUTES
        logs.append(
            SleepLog(
                log_id=0,
                date_of_sleep=n.wake_day.isoformat(),
                start=midnight + dt.timedelta(minutes=start),
                kind=STAGES if staged else CLASSIC,
                log_type="auto_detected",
                is_main_sleep=main,
                levels=stages.copy() if staged else classic_levels(stages),
            )
        )
    return sorted(logs, key=lambda log: log.start)


def qualifying_main_sleep(logs: list[SleepLog]) -> SleepLog | None:
    """The main sleep the nightly metrics come from: a stages log (3 hours or more, with heart data)."""
    return next((log for log in logs if log.is_main_sleep and log.kind == STAGES), None)


def _minute_heart(heart_by_day: dict[dt.date, DayArrays], moment: dt.datetime) -> np.ndarray:
    arrays = heart_by_day.get(moment.date())
    if arrays is None:
        return np.zeros(60, np.uint8)
    second = moment.hour * 3600 + moment.minute * 60
    return arrays.heart[second : second + 60]


def _round(value: float, places: int) -> float:
    return float(round(value, places))


def night_metrics(
    person: Person, seed: int, log: SleepLog, arrays: dict[dt.date, DayArrays], *, ill: bool = False
) -> list[tuple[str, dict[str, Any]]]:
    """(metric, record) of the nightly metrics of a qualifying main sleep; `arrays` holds the local days it spans.
    An illness (the generator's plan) leaves its fingerprint [takeout-and-data §4.3]: HRV down 20-40 % (besides the
    faster sleeping heart), breathing 1-2 breaths a minute faster, skin 0.5-1 °C warmer."""
    day = dt.date.fromisoformat(log.date_of_sleep)
    o = day.toordinal()
    minutes = [log.start + dt.timedelta(minutes=i) for i in range(log.time_in_bed)]
    beats = [_minute_heart(arrays, m) for m in minutes]
    minute_hr = np.array([b[b > 0].mean() if (b > 0).any() else 0.0 for b in beats])
    sleeping_hr = float(minute_hr[minute_hr > 0].mean()) if (minute_hr > 0).any() else person.rhr0
    stages = log.levels

    # HRV: the night's RMSSD around the baseline, lower when the sleeping heart beats faster [Natarajan 2020]
    hrv_rng = _rng(seed, o, _S_HRV)
    nightly = (
        person.hrv0
        * float(np.exp(hrv_rng.normal(0.0, 0.12)))
        * (1.0 - 0.025 * (sleeping_hr - 0.9 * person.rhr0))
    )
    if ill:
        nightly *= float(hrv_rng.uniform(0.6, 0.8))
    nightly = max(8.0, nightly)
    samples = []
    deep_values = []
    for w in range(0, log.time_in_bed - HRV_WINDOW_MINUTES + 1, HRV_WINDOW_MINUTES):
        window = stages[w : w + HRV_WINDOW_MINUTES]
        seconds = sum(int(np.count_nonzero(b)) for b in beats[w : w + HRV_WINDOW_MINUTES])
        coverage = min(1.0, seconds / (HRV_WINDOW_MINUTES * 12.0) * float(hrv_rng.uniform(0.85, 1.0)))
        if coverage < 0.5:  # too few beats to compute the window
            continue
        deep_share = float(np.mean(window == SLEEP_DEEP))
        rmssd = nightly * (1.0 + 0.15 * deep_share) * float(np.exp(hrv_rng.normal(0.0, 0.18)))
        hf = rmssd**2 * float(hrv_rng.uniform(0.25, 0.45))
        lf = hf * float(np.exp(hrv_rng.normal(np.log(1.6), 0.4)))
        if deep_share > 0.5:
            deep_values.append(rmssd)
        samples.append(
            {
                "minute": minutes[w].strftime("%Y-%m-%dT%H:%M:%S.000"),
                "value": {
                    "rmssd": _round(rmssd, 3),
                    "coverage": _round(coverage, 3),
                    "hf": _round(hf, 3),
                    "lf": _round(lf, 3),
                },
            }
        )
    daily = float(np.mean([s["value"]["rmssd"] for s in samples])) if samples else nightly  # type: ignore[index]
    deep = float(np.mean(deep_values)) if deep_values else daily * 1.08
    hrv = {"dailyRmssd": _round(daily, 3), "deepRmssd": _round(deep, 3), "minutes": samples}

    # Breathing rate per stage: deep lowest and steadiest, REM highest
    br_rng = _rng(seed, o, _S_BR)
    base = float(np.clip(15.0 + 0.08 * (person.rhr0 - 65.0) + br_rng.normal(0.0, 0.5), 11.0, 20.0))
    if ill:
        base += float(br_rng.uniform(1.0, 2.0))
    by_stage = {
        "deepSleepSummary": base - 1.0 + br_rng.normal(0.0, 0.2),
        "lightSleepSummary": base - 0.2 + br_rng.normal(0.0, 0.2),
        "remSleepSummary": base + 0.8 + br_rng.normal(0.0, 0.3),
    }
    asleep = stages[stages != 1]
    weights = {
        "deepSleepSummary": np.count_nonzero(asleep == SLEEP_DEEP),
        "lightSleepSummary": np.count_nonzero(asleep == SLEEP_LIGHT),
        "remSleepSummary": np.count_nonzero(asleep == SLEEP_REM),
    }
    full = sum(by_stage[k] * weights[k] for k in by_stage) / max(1, sum(weights.values()))
    br = {k: _round(v, 1) for k, v in by_stage.items()} | {"fullSleepSummary": _round(full, 1)}

    # SpO2: per minute asleep with a reading, around a nightly level of 95-98 %
    spo2_rng = _rng(seed, o, _S_SPO2)
    level = float(np.clip(spo2_rng.normal(96.3, 0.8), 93.5, 98.5))
    values = np.clip(level + np.cumsum(spo2_rng.normal(0.0, 0.25, len(minutes))) * 0.3, 88.0, 100.0)
    spo2_minutes = [
        {"value": _round(v, 1), "minute": m.strftime("%Y-%m-%dT%H:%M:%S")}
        for m, v, s, hr in zip(minutes, values.tolist(), stages.tolist(), minute_hr.tolist(), strict=True)
        if s != 1 and hr > 0
    ]
    kept = np.array([p["value"] for p in spo2_minutes]) if spo2_minutes else np.array([level])
    spo2 = {
        "avg": _round(float(kept.mean()), 1),
        "min": _round(float(kept.min()), 1),
        "max": _round(float(kept.max()), 1),
        "minutes": spo2_minutes,
    }

    # Skin temperature: nightly deviation from the personal baseline, AR(1), SD ~0.3 °C [GoogleData README]
    eps = _hash_normal(seed, _S_TEMP_AR, np.arange(o, o - 20, -1))
    relative = float(np.dot(0.6 ** np.arange(20), eps)) * 0.3 * float(np.sqrt(1 - 0.36))
    if ill:
        relative += 0.5 + 0.5 * float(_rng(seed, o, _S_TEMP).random())
    skin = {"nightlyRelative": _round(relative, 2)}
    # when the tracker could sync the night (its end): a record is not served before (api/metric_rows.py)
    synced = {"synced": log.end.isoformat(timespec="seconds")}
    return [("hrv", hrv | synced), ("br", br | synced), ("spo2", spo2 | synced), ("skin_temp", skin | synced)]


def cardio_score(person: Person, seed: int, day: dt.date, ran: bool) -> dict[str, Any]:
    """The day's VO2 max in mL/kg/min: ``"44-48"`` estimated from resting heart rate, ``"46"`` with a GPS run."""
    vo2 = person.vo2max_mets * 3.5 + float(_hash_normal(seed, _S_CARDIO, np.array([day.toordinal() // 7]))[0])
    if ran:
        return {"vo2Max": str(int(round(vo2)))}
    low = int(np.floor(vo2 - 2))
    return {"vo2Max": f"{low}-{low + 4}"}


class SleepRecorder:
    """Turns the generator's days into the store's sleep logs and metric records, one loader batch at a time, inside
    the batch's own transaction (`SeriesRepository.put_days(also=...)`): a batch's days, logs and metrics are
    committed together or not at all. Keeps the last day's arrays for a night that began the evening before."""

    def __init__(self, user_id: str, person: Person, seed: int) -> None:
        self.user_id = user_id
        self.person = person
        self.seed = seed
        self._previous: tuple[dt.date, DayArrays] | None = None

    def records(self, days: list[Any]) -> tuple[list[SleepLog], list[tuple[str, dt.date, dict[str, Any]]]]:
        """(logs, metrics) of `days` (the generator's SyntheticDay values, consecutive)."""
        logs: list[SleepLog] = []
        metrics: list[tuple[str, dt.date, dict[str, Any]]] = []
        for generated in days:
            arrays = {generated.day: generated.arrays}
            if self._previous is not None and self._previous[0] == generated.day - dt.timedelta(days=1):
                arrays[self._previous[0]] = self._previous[1]
            self._previous = (generated.day, generated.arrays)
            night = generated.plan.night_in
            day_logs = night_logs(night)
            logs += day_logs
            main = qualifying_main_sleep(day_logs)
            if main is not None:
                metrics += [
                    (m, generated.day, r)
                    for m, r in night_metrics(self.person, self.seed, main, arrays, ill=generated.plan.ill)
                ]
            if generated.plan.worn:
                readings = ecg_readings(self.person, self.seed, generated.day, generated.arrays)
                if readings:
                    metrics.append(("ecg", generated.day, {"readings": readings}))
                alerts = irn_alerts(self.person, self.seed, generated.day, generated.arrays)
                if alerts:
                    metrics.append(("irn", generated.day, {"alerts": alerts}))
                exercise = generated.plan.exercise
                ran = exercise is not None and exercise.kind == "run"
                metrics.append(
                    ("cardio", generated.day, cardio_score(self.person, self.seed, generated.day, ran))
                )
        enrolled, _ = irn_enrolled(self.person, self.seed)
        worn = [d for d in days if d.plan.worn and d.arrays.heart.any()]
        if enrolled and worn:
            last = worn[-1]
            second = int(np.flatnonzero(last.arrays.heart)[-1])
            synced = dt.datetime.combine(last.day, dt.time(0)) + dt.timedelta(seconds=second)
            profile = {
                "onboarded": True,
                "enrolled": True,
                "lastUpdated": synced.strftime("%Y-%m-%dT%H:%M:%S.000"),
            }
            metrics.append(("irn_profile", last.day, profile))
        return logs, metrics

    def writer(self, days: list[Any]) -> Callable[[WriteTransaction], None]:
        """The `also` callback storing `days`' logs and metrics in the loader's transaction. A day under a log of
        another source (a manual one) has its summary re-derived with that log's minutes in bed."""
        logs, metrics = self.records(days)
        arrays = {d.day: d.arrays for d in days}

        def write(tx: WriteTransaction) -> None:
            replace_records(tx, self.user_id, list(arrays), logs, metrics, source="synthetic")
            for day in sorted(days_under_other_logs(tx.conn, self.user_id, list(arrays))):
                rederive_in_bed(
                    tx,
                    self.user_id,
                    day,
                    arrays[day],
                    age=self.person.age_on(day),
                    resting_hr_fallback=None,
                    bmr_kcal_per_day=self.person.bmr_kcal_per_day(day),
                )

        return write
