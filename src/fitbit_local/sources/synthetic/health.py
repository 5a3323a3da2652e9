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

from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM, SLEEP_WAKE, DayArrays
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


def night_heart(log: SleepLog, arrays: dict[dt.date, DayArrays]) -> np.ndarray:
    """The heart readings of the log's minutes as a (minutes, 60) matrix (0 = no reading); `arrays` holds the
    local days the log spans (a day missing from it reads as no readings)."""
    first = log.start.date()
    days = [arrays.get(first + dt.timedelta(days=i)) for i in range(2)]
    heart = np.concatenate([a.heart if a is not None else np.zeros(86_400, np.uint8) for a in days])
    offset = log.start.hour * 3600 + log.start.minute * 60
    return heart[offset : offset + log.time_in_bed * 60].reshape(-1, 60)


def minute_stamps(log: SleepLog) -> list[str]:
    """``yyyy-MM-ddTHH:mm`` of each minute of the log."""
    first = np.datetime64(log.start.replace(second=0, microsecond=0), "m")
    return (first + np.arange(log.time_in_bed)).astype(str).tolist()


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
    stamps = minute_stamps(log)
    beats = night_heart(log, arrays)
    counts = np.count_nonzero(beats, axis=1)
    minute_hr = np.where(counts > 0, beats.sum(axis=1, dtype=np.float64) / np.maximum(counts, 1), 0.0)
    sleeping_hr = float(minute_hr[counts > 0].mean()) if counts.any() else person.rhr0
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
    windows = log.time_in_bed // HRV_WINDOW_MINUTES
    cut = windows * HRV_WINDOW_MINUTES
    seconds = counts[:cut].reshape(windows, HRV_WINDOW_MINUTES).sum(axis=1)
    coverage = np.minimum(1.0, seconds / (HRV_WINDOW_MINUTES * 12.0) * hrv_rng.uniform(0.85, 1.0, windows))
    deep_share = (stages[:cut] == SLEEP_DEEP).reshape(windows, HRV_WINDOW_MINUTES).mean(axis=1)
    rmssd = nightly * (1.0 + 0.15 * deep_share) * np.exp(hrv_rng.normal(0.0, 0.18, windows))
    hf = rmssd**2 * hrv_rng.uniform(0.25, 0.45, windows)
    lf = hf * np.exp(hrv_rng.normal(np.log(1.6), 0.4, windows))
    kept_windows = np.flatnonzero(coverage >= 0.5)  # too few beats: the window is not computed
    samples = [
        {
            "minute": stamps[w * HRV_WINDOW_MINUTES] + ":00.000",
            "value": {"rmssd": r, "coverage": c, "hf": h, "lf": low},
        }
        for w, r, c, h, low in zip(
            kept_windows.tolist(),
            np.round(rmssd[kept_windows], 3).tolist(),
            np.round(coverage[kept_windows], 3).tolist(),
            np.round(hf[kept_windows], 3).tolist(),
            np.round(lf[kept_windows], 3).tolist(),
            strict=True,
        )
    ]
    deep_windows = kept_windows[deep_share[kept_windows] > 0.5]
    daily = float(np.mean([sample["value"]["rmssd"] for sample in samples])) if samples else nightly  # type: ignore[index]
    deep = float(rmssd[deep_windows].mean()) if len(deep_windows) else daily * 1.08
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
    asleep = stages[stages != SLEEP_WAKE]
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
    values = np.clip(level + np.cumsum(spo2_rng.normal(0.0, 0.25, log.time_in_bed)) * 0.3, 88.0, 100.0)
    measured = np.flatnonzero((stages != SLEEP_WAKE) & (counts > 0))  # asleep, with a reading
    spo2_minutes = [
        {"value": v, "minute": stamps[i] + ":00"}
        for i, v in zip(measured.tolist(), np.round(values[measured], 1).tolist(), strict=True)
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
