"""The heart's rhythm on synthetic days: ECG readings (30 s single-lead traces) and irregular rhythm notifications
with their tachograms (reference §3.12, §4.8). Streams 47-49 (the sleep issue's 40-59)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from fitbit_local.physiology.day import DayArrays
from fitbit_local.physiology.sleep import stamp
from fitbit_local.sources.synthetic.person import Person
from fitbit_local.sources.synthetic.streams import _rng

_S_ECG, _S_IRN, _S_IRN_PERSON = 47, 48, 49
ECG_P = 0.03  # an ECG reading taken on about one day a month
ECG_HZ = 250
ECG_SECONDS = 30
ECG_SCALING = 10922  # the doc example's scalingFactor
IRN_ENROLLED_P = 0.6
IRN_ALERT_P = 0.04  # per day, for a person whose rhythm is irregular at times


def _moment(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minute)


def _awake_minute(rng: np.random.Generator, arrays: DayArrays) -> int | None:
    """A minute the person was up with the tracker on (heart readings, not in bed), or None."""
    heart = arrays.heart.reshape(1440, 60)
    candidates = np.flatnonzero((heart > 0).any(axis=1) & (arrays.sleep == 0))
    candidates = candidates[(candidates > 8 * 60) & (candidates < 22 * 60)]
    return int(rng.choice(candidates)) if len(candidates) else None


def _minute_mean(arrays: DayArrays, minute: int) -> int:
    beats = arrays.heart[minute * 60 : minute * 60 + 60]
    return int(round(float(beats[beats > 0].mean()))) if (beats > 0).any() else 0


def ecg_waveform(rng: np.random.Generator, bpm: float) -> list[int]:
    """30 s of a single-lead ECG at 250 Hz: P, QRS and T waves per beat (Gaussian bumps), a little RR variability,
    baseline wander and noise; in counts of 1/1000 mV [UNVERIFIED scale, decisions.md issue 10]."""
    t = np.arange(ECG_HZ * ECG_SECONDS) / ECG_HZ
    signal = 0.05 * np.sin(2 * np.pi * 0.25 * t + rng.uniform(0, 6.28)) + rng.normal(0.0, 0.015, len(t))
    waves = (
        (0.15, -0.2, 0.025),
        (-0.1, -0.03, 0.01),
        (1.0, 0.0, 0.012),
        (-0.25, 0.035, 0.012),
        (0.3, 0.25, 0.04),
    )
    beat = rng.uniform(0.1, 0.6)
    while beat < ECG_SECONDS + 0.5:
        for height, offset, width in waves:
            signal += height * np.exp(-0.5 * ((t - beat - offset) / width) ** 2)
        beat += 60.0 / bpm * float(rng.normal(1.0, 0.03))
    return [int(v) for v in np.round(signal * 1000).tolist()]


def ecg_readings(person: Person, seed: int, day: dt.date, arrays: DayArrays) -> list[dict[str, Any]]:
    """The ECG readings the person took on `day` (rarely: ECG_P a day), each with its 30-second waveform."""
    rng = _rng(seed, day.toordinal(), _S_ECG)
    if rng.random() >= ECG_P:
        return []
    minute = _awake_minute(rng, arrays)
    if minute is None:
        return []
    bpm = _minute_mean(arrays, minute) or int(round(person.rhr0 + 8))
    if bpm > 120:
        result = "Inconclusive: High heart rate"
    elif bpm < 50:
        result = "Inconclusive: Low heart rate"
    else:
        result = "Inconclusive" if rng.random() < 0.1 else "Normal Sinus Rhythm"
    start = _moment(day, minute) + dt.timedelta(
        seconds=int(rng.integers(0, 60)), milliseconds=int(rng.integers(0, 1000))
    )
    samples = ecg_waveform(rng, float(bpm))
    return [
        {
            "startTime": start.strftime("%Y-%m-%dT%H:%M:%S.") + f"{start.microsecond // 1000:03d}",
            "averageHeartRate": bpm,
            "resultClassification": result,
            "waveformSamples": samples,
            "samplingFrequencyHz": str(ECG_HZ),
            "scalingFactor": ECG_SCALING,
            "numberOfWaveformSamples": len(samples),
            "leadNumber": 1,
            "featureVersion": "1.2.1-2.0",
            "deviceName": "Sense",
            "firmwareVersion": "1.2.3",
        }
    ]


def irn_enrolled(person: Person, seed: int) -> tuple[bool, bool]:
    """(enrolled in irregular rhythm notifications, rhythm irregular at times): person-level draws; atrial
    fibrillation grows common with age."""
    rng = _rng(seed, 0, _S_IRN_PERSON)
    enrolled = bool(rng.random() < IRN_ENROLLED_P)
    irregular = bool(rng.random() < 0.03 + 0.006 * max(0, person.age_on(dt.date(2024, 1, 1)) - 50))
    return enrolled, irregular


def irn_alerts(person: Person, seed: int, day: dt.date, arrays: DayArrays) -> list[dict[str, Any]]:
    """The day's irregular rhythm alerts: for an enrolled person whose rhythm is irregular at times, on some days,
    with the tachograms of the analysis windows (heart rate readings of the night's still minutes)."""
    enrolled, irregular = irn_enrolled(person, seed)
    rng = _rng(seed, day.toordinal(), _S_IRN)
    if not (enrolled and irregular) or rng.random() >= IRN_ALERT_P:
        return []
    asleep = np.flatnonzero((arrays.sleep != 0) & (arrays.heart.reshape(1440, 60) > 0).any(axis=1))
    if len(asleep) < 120:
        return []
    first = int(asleep[int(rng.integers(0, len(asleep) - 90))])
    windows = []
    for w in range(int(rng.integers(2, 5))):
        start = first + 30 * w
        window = arrays.heart[start * 60 : start * 60 + 300]
        beats = [(int(second), int(window[second])) for second in np.flatnonzero(window)]
        windows.append(
            {
                "startTime": _moment(day, start).strftime("%Y-%m-%dT%H:%M:%S.000"),
                "endTime": _moment(day, start + 5).strftime("%Y-%m-%dT%H:%M:%S.000"),
                "bpmData": [
                    {"dataTime": stamp(_moment(day, start) + dt.timedelta(seconds=second)), "value": value}
                    for second, value in beats
                ],
            }
        )
    detected = _moment(day, first + 30 * len(windows))
    alert = detected + dt.timedelta(minutes=int(rng.integers(5, 90)))
    return [
        {
            "alertTime": alert.strftime("%Y-%m-%dT%H:%M:%S.000"),
            "detectedTime": detected.strftime("%Y-%m-%dT%H:%M:%S.000"),
            "serviceVersion": "1.2.0",
            "algoVersion": "2.0.1",
            "deviceType": "Sense",
            "windows": windows,
        }
    ]
