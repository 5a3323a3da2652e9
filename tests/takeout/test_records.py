"""The record families (sleep logs, weight, exercises, SpO2, HRV, breathing, temperature, devices): parsed into typed
records and handed to the `ImportSink`, one function per kind (wired to their stores after the merge)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from fitbit_local.services import Services
from fitbit_local.sources.takeout import ImportSink, import_takeout, parsers
from fitbit_local.sources.takeout.records import (
    BodyFatRecord,
    BreathingRateRecord,
    DeviceRecord,
    ExerciseRecord,
    HrvDailyRecord,
    SkinTemperatureRecord,
    SleepLogRecord,
    SpO2DailyRecord,
    SpO2Reading,
    WeightRecord,
)
from fitbit_local.sources.takeout.sink import RECORD_KINDS
from tests.takeout.writer import write_layout

TODAY = date(2026, 12, 1)


def captured(services: Services, tmp_path: Path, layout: str) -> tuple[dict[str, list[object]], ImportSink]:
    write_layout(tmp_path / "tree", layout)
    got: dict[str, list[object]] = {}

    def keep(kind: str):  # type: ignore[no-untyped-def]
        def store(user_id: str, records: Sequence[object]) -> int:
            got.setdefault(kind, []).extend(records)
            return len(records)

        return store

    sink = ImportSink(handlers={kind: keep(kind) for kind in RECORD_KINDS})
    import_takeout(services.store, [tmp_path / "tree"], today=TODAY, sink=sink)
    return got, sink


@pytest.mark.parametrize("layout", ["B", "D"])
def test_records_of_every_kind(services: Services, tmp_path: Path, layout: str) -> None:
    got, sink = captured(services, tmp_path, layout)
    assert sink.not_stored == {} and sink.stored == sink.parsed
    sleeps = {log.log_id: log for log in got["sleep_logs"] if isinstance(log, SleepLogRecord)}
    assert sorted(sleeps) == [30_001, 30_002, 30_003]  # the boundary night once
    night, nap = sleeps[30_002], sleeps[30_003]
    assert night.start_time == datetime(2017, 10, 1, 22, 30) and night.date_of_sleep == date(2017, 10, 2)
    assert night.type == "stages" and night.is_main_sleep and night.duration_ms == 8 * 3_600_000
    assert len(night.data) == 16 and [s.level for s in night.short_data] == ["wake"]
    assert nap.type == "classic" and not nap.is_main_sleep and nap.data[0].level == "awake"
    weight, *grams = got["weights"]
    assert weight == WeightRecord(1506638109000, datetime(2017, 9, 28, 22, 35, 9), 65.0, 23.87, 24.5, "Aria")
    if layout == "D":  # the GoogleData weight: grams, its UTC stamp kept as the UTC wall time
        assert grams == [WeightRecord(None, datetime(2017, 9, 30, 21, 0), 65.4, None, None, "Aria")]
    [walk] = got["exercises"]
    assert isinstance(walk, ExerciseRecord)
    assert walk.start_utc == datetime(2017, 9, 28, 21, 0, tzinfo=UTC)  # 07:00 in Sydney (UTC+10)
    assert walk.distance_km == pytest.approx(2.5 * 1.609344)
    assert got["spo2_daily"] == [SpO2DailyRecord(date(2017, 9, 30), 94.9, 88.0, 97.1)]  # not the 50.0 row
    [_, skin] = got["skin_temperature"]
    assert isinstance(skin, SkinTemperatureRecord) and skin.baseline_relative == pytest.approx(0.3)
    if layout == "D":
        assert got["spo2_minutes"] == [
            SpO2Reading(datetime(2017, 9, 29, 14, 0, tzinfo=UTC), 95.4),
            SpO2Reading(datetime(2017, 9, 29, 14, 2, tzinfo=UTC), 88.0),  # kept: only the 50.0 sentinel goes
        ]
        # the name says "2017-09-(29)"; the row says 2017-09-30, and the row wins
        assert got["hrv_daily"] == [HrvDailyRecord(date(2017, 9, 30), 29.232, 49.623, 2.472)]
        assert got["devices"] == [DeviceRecord("123", "TRACKER", "Charge 2", "2017-10-04T08:00:00Z", "HIGH")]
        # GoogleData daily label kept as a date; the Health-Connect round trip of the same night is not used
        assert got["breathing_daily"] == [
            BreathingRateRecord(date(2017, 9, 30), 14.8),  # the legacy CSV's
            BreathingRateRecord(date(2017, 9, 30), 14.5),
            BreathingRateRecord(date(2017, 10, 1), 14.9),
        ]
        assert got["body_fat"] == [BodyFatRecord(datetime(2017, 9, 28, 12, tzinfo=UTC), 24.5, "Aria")]


def test_unit_and_placeholder_rules() -> None:
    # weight without a profile unit: the unit whose BMI matches the record's is taken
    raw = b'[{"logId":1,"weight":172.4,"bmi":25.46,"date":"11/02/18","time":"07:15:09","source":"API"}]'
    [lb] = parsers.weight_json(raw, pounds=None, height_cm=174.0)
    assert lb.weight_kg == pytest.approx(172.4 * parsers.POUND_KG, abs=0.001)
    raw = b'[{"logId":2,"weight":78.2,"bmi":25.83,"date":"11/02/18","time":"07:15:09"}]'
    [kg] = parsers.weight_json(raw, pounds=None, height_cm=174.0)
    assert kg.weight_kg == 78.2
    assert parsers.google_weight(
        ["timestamp,weight grams,data source", "2024-01-02T07:00:00.999999Z,70500,Aria"]
    )[0].weight_kg == pytest.approx(70.5)
    # resting HR placeholders, NaN and blank cells are missing, never 0
    raw = (
        b'[{"dateTime":"03/15/23 00:00:00","value":{"date":null,"value":0.0,"error":0.0}},'
        b'{"dateTime":"03/14/23 00:00:00","value":{"date":"03/14/23","value":61.87,"error":6.79}}]'
    )
    assert parsers.resting_json(raw) == {date(2023, 3, 14): 61.87}
    assert parsers.number("NaN") is None and parsers.number("") is None and parsers.number("0") == 0.0
    assert parsers.csv_rows(["no data"]) == [] and parsers.csv_rows(["a,b"]) == []
    # GoogleData daily labels are dates, not instants (never shifted to the previous day west of UTC)
    by_source = parsers.google_daily(
        [
            "timestamp,beats per minute,data source",
            "2026-06-16T00:00:00Z,66.876,Google Fitbit Air",
            "2026-06-17,64.1,Google Fitbit Air",
            "1970-01-01T00:00:00Z,0,Google Fitbit Air",
        ],
        "beats per minute",
    )
    assert by_source == {"Google Fitbit Air": {date(2026, 6, 16): 66.876, date(2026, 6, 17): 64.1}}
    # skin temperature: the night relative to the baseline is the mean sample deviation; NaN baselines are missing
    night, first = parsers.temperature_nightly(
        [
            "type,sleep_start,sleep_end,temperature_samples,nightly_temperature,baseline_relative_sample_sum,"
            "baseline_relative_sample_sum_of_squares,baseline_relative_nightly_standard_deviation,"
            "baseline_relative_sample_standard_deviation",
            "IDT,2026-07-25T23:14:30,2026-07-26T06:11:30,404,34.07,189.768,419.6,NaN,0.956",
            "IDT,2026-07-01T23:00:00,2026-07-02T06:00:00,400,34.0,NaN,NaN,NaN,NaN",
        ]
    )
    assert night.day == date(2026, 7, 26) and night.nightly_celsius == 34.07
    assert night.baseline_relative == pytest.approx(189.768 / 404)
    assert first.day == date(2026, 7, 2) and first.baseline_relative is None
    [rate] = parsers.breathing_daily(["timestamp,daily_respiratory_rate", "2024-07-22T07:00:00,14.8"])
    assert (rate.day, rate.breaths_per_minute) == (date(2024, 7, 22), 14.8)
