"""Heart-rate family: time series and intraday (1sec/1min/5min/15min)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import orjson
import pytest

from fitbit_local.api.heart import dataset_json
from fitbit_local.physiology.zones import minute_heart_rate
from tests.api.conftest import END, FIRST, World

TS = "/1/user/-/activities/heart/date/{}/{}.json"


def _stored_heart(world: World, day=END) -> np.ndarray:  # type: ignore[no-untyped-def]
    heart = world.services.store.series.get_series(world.user.id, "heart", day)
    assert heart is not None
    return heart


@pytest.mark.parametrize(("period", "days"), [("1d", 1), ("7d", 7), ("30d", 30), ("1w", 7), ("1m", 29)])
def test_time_series_periods(world: World, period: str, days: int) -> None:
    rows = world.ok(TS.format(END, period))["activities-heart"]
    assert len(rows) == days and rows[-1]["dateTime"] == str(END)
    value = rows[-1]["value"]
    assert value["customHeartRateZones"] == [] and isinstance(value["restingHeartRate"], int)
    assert [z["name"] for z in value["heartRateZones"]] == ["Out of Range", "Fat Burn", "Cardio", "Peak"]
    zones = value["heartRateZones"]
    assert zones[0]["min"] == 30 and zones[3]["max"] == 220
    assert all(zones[i]["max"] == zones[i + 1]["min"] for i in range(3))
    if days > 3:
        assert "restingHeartRate" not in rows[0]["value"]  # no data that day
        assert [z["minutes"] for z in rows[0]["value"]["heartRateZones"]] == [0, 0, 0, 0]


@pytest.mark.parametrize("period", ["3m", "6m", "1y", "max", "2d"])
def test_other_periods_are_refused(world: World, period: str) -> None:
    assert world.error(TS.format(END, period)) == {
        "errorType": "validation",
        "fieldName": "period",
        "message": f"Invalid time series period: {period}",
    }


def test_range(world: World) -> None:
    rows = world.ok(TS.format(FIRST, END))["activities-heart"]
    assert [r["dateTime"] for r in rows] == [str(FIRST + timedelta(days=i)) for i in range(3)]
    assert len(world.ok(TS.format(END - timedelta(days=365), END))["activities-heart"]) == 366
    assert world.error(TS.format(END - timedelta(days=366), END)) == {
        "errorType": "validation",
        "fieldName": "date range",
        "message": "The number of days between time series start and end dates cannot exceed 366",
    }


def test_activity_summary_zones_match_heart_series(world: World) -> None:
    summary = world.ok(f"/1/user/-/activities/date/{END}.json")["summary"]
    heart = world.ok(TS.format(END, "1d"))["activities-heart"][0]["value"]
    assert summary["heartRateZones"] == heart["heartRateZones"]
    assert summary["restingHeartRate"] == heart["restingHeartRate"]


def test_one_second_day(world: World) -> None:
    response = world.get(f"/1/user/-/activities/heart/date/{END}/1d/1sec.json")
    assert (
        response.status_code == 200 and response.headers["content-type"] == "application/json;charset=utf-8"
    )
    body = response.json()
    intraday = body["activities-heart-intraday"]
    assert intraday["datasetInterval"] == 1 and intraday["datasetType"] == "second"
    heart = _stored_heart(world)
    seconds = np.flatnonzero(heart)
    assert len(intraday["dataset"]) == len(seconds)
    assert intraday["dataset"] == [
        {"time": f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}", "value": int(heart[s])} for s in seconds
    ]
    assert response.content == orjson.dumps(body)  # compact, as Fitbit sent it
    assert body["activities-heart"] == world.ok(TS.format(END, "1d"))["activities-heart"]


@pytest.mark.parametrize("seed", range(4))
def test_second_dataset_bytes_are_orjsons(seed: int) -> None:
    """The byte-matrix renderer gives exactly orjson's text, for every value width and sparse or dense seconds."""
    rng = np.random.default_rng(seed)
    seconds = np.flatnonzero(rng.random(86_400) < rng.random())
    values = rng.integers(1, 256, len(seconds)).astype(np.uint8)
    values[: min(6, len(values))] = [1, 9, 10, 99, 100, 255][: min(6, len(values))]
    expected = [
        {"time": f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}", "value": int(v)}
        for s, v in zip(seconds, values, strict=True)
    ]
    assert dataset_json(seconds, values) == orjson.dumps(expected)
    assert dataset_json(np.empty(0, np.intp), np.empty(0, np.uint8)) == b"[]"
    # an interval across midnight holds more than a day's seconds
    both = np.concatenate((np.arange(86_400), np.arange(4_000)))
    text = dataset_json(both, np.full(len(both), 7, np.uint8))
    assert orjson.loads(text)[-1] == {"time": "01:06:39", "value": 7} and len(orjson.loads(text)) == 90_400


def test_one_second_window(world: World) -> None:
    dataset = world.ok(f"/1/user/-/activities/heart/date/{END}/1d/1sec/time/08:00/08:05.json")[
        "activities-heart-intraday"
    ]["dataset"]
    heart = _stored_heart(world)
    assert len(dataset) == np.count_nonzero(heart[8 * 3600 : 8 * 3600 + 6 * 60])
    assert all("08:00:00" <= p["time"] <= "08:05:59" for p in dataset)
    exact = world.ok(f"/1/user/-/activities/heart/date/{END}/1d/1sec/time/08:00:00/08:05:00.json")
    assert all(p["time"] <= "08:05:00" for p in exact["activities-heart-intraday"]["dataset"])


@pytest.mark.parametrize("detail", ["1min", "5min", "15min"])
def test_minute_buckets_are_rounded_means(world: World, detail: str) -> None:
    n = int(detail.removesuffix("min"))
    intraday = world.ok(f"/1/user/-/activities/heart/date/{END}/1d/{detail}.json")[
        "activities-heart-intraday"
    ]
    assert intraday["datasetInterval"] == n and intraday["datasetType"] == "minute"
    heart = _stored_heart(world).astype(np.int64).reshape(-1, n * 60)
    counts = np.count_nonzero(heart, axis=1)
    expected = [
        {
            "time": f"{b * n // 60:02d}:{b * n % 60:02d}:00",
            "value": int((2 * heart[b].sum() + counts[b]) // (2 * counts[b])),
        }
        for b in np.flatnonzero(counts)
    ]
    assert intraday["dataset"] == expected
    if n == 1:
        per_minute = minute_heart_rate(_stored_heart(world))
        assert [p["value"] for p in intraday["dataset"]] == per_minute[per_minute > 0].tolist()


def test_intraday_path_variants(world: World) -> None:
    base = world.ok(f"/1/user/-/activities/heart/date/{END}/1d/1min/time/08:00/09:00.json")
    assert len(base["activities-heart-intraday"]["dataset"]) <= 61
    for path in (
        f"/1.1/user/-/activities/heart/date/{END}/1d/1min/time/08:00:00/09:00:59.json",
        f"/1.2/user/{world.user.id}/activities/heart/date/2024-3-10/2024-3-10/1min/time/08:00/09:00.json",
        f"/1/user/-/activities/heart/date/{END}/1d/time/08:00/09:00.json",
    ):
        assert world.ok(path) == base


def test_intraday_interval_returns_one_summary_per_day(world: World) -> None:
    body = world.ok(
        f"/1/user/-/activities/heart/date/{END - timedelta(days=1)}/{END}/15min/time/18:00/06:00.json"
    )
    assert [r["dateTime"] for r in body["activities-heart"]] == [str(END - timedelta(days=1)), str(END)]
    times = [p["time"] for p in body["activities-heart-intraday"]["dataset"]]
    assert times[0] >= "18:00:00" and times[-1] <= "06:00:00"


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        (
            f"/1/user/-/activities/heart/date/{END}/1d/2sec.json",
            "resource path",
            "Invalid time series resource path: /activities/heart",
        ),
        (f"/1/user/-/activities/heart/date/{END}/1d/1min/time/8h/9h.json", "start-time", "Invalid date: 8h"),
        ("/1/user/-/activities/heart/date/2024-02-30/1d/1min.json", "date", "Invalid date: 2024-02-30"),
    ],
)
def test_intraday_validation(world: World, path: str, field: str, message: str) -> None:
    assert world.error(path) == {"errorType": "validation", "fieldName": field, "message": message}


def test_an_interval_over_24_hours_is_fitbits_time_range_error(world: World) -> None:
    assert world.error(f"/1/user/-/activities/heart/date/{FIRST}/{END}/1min.json") == {
        "errorType": "request",
        "fieldName": "n/a",
        "message": "Time range should not be bigger than 24 hours.",
    }


def test_timezone_utc_heart(world: World) -> None:
    day = END - timedelta(days=1)
    utc = world.ok(f"/1/user/-/activities/heart/date/{day}/1d/1sec/time/00:00/00:59.json?timezone=UTC")
    heart = _stored_heart(world, day - timedelta(days=1))  # 00:00 UTC = 19:00 EST the day before
    dataset = utc["activities-heart-intraday"]["dataset"]
    window = heart[19 * 3600 : 20 * 3600]
    assert [p["value"] for p in dataset] == window[window > 0].tolist()
    assert dataset[0]["time"] < "01:00:00"


# --- a /time/ window: the flat entry of the doc's windowed example and of Fitbit.NET's recorded response -----------


def _window_minutes(world: World, first: int, last: int) -> np.ndarray:
    minute_hr = minute_heart_rate(_stored_heart(world))
    return minute_hr[first : last + 1]


@pytest.mark.parametrize("detail", ["1sec", "1min", "15min"])
def test_windowed_entry_is_flat_with_the_windows_zones_and_mean(world: World, detail: str) -> None:
    body = world.ok(f"/1/user/-/activities/heart/date/{END}/1d/{detail}/time/08:00/09:59.json")
    (entry,) = body["activities-heart"]
    assert list(entry) == ["customHeartRateZones", "dateTime", "heartRateZones", "value"]
    assert entry["dateTime"] == str(END) and entry["customHeartRateZones"] == []
    points = [p["value"] for p in body["activities-heart-intraday"]["dataset"]]
    assert points and entry["value"] == str(round(sum(points) / len(points), 2))
    zones = entry["heartRateZones"]
    assert [z["name"] for z in zones] == ["Out of Range", "Fat Burn", "Cardio", "Peak"]
    with_reading = int(np.count_nonzero(_window_minutes(world, 480, 599)))
    assert sum(z["minutes"] for z in zones) == with_reading <= 120
    nested = world.ok(TS.format(END, "1d"))["activities-heart"][0]["value"]["heartRateZones"]
    assert [(z["min"], z["max"]) for z in zones] == [(z["min"], z["max"]) for z in nested]


def test_whole_day_window_has_the_days_zones(world: World) -> None:
    """Fitbit.NET's GetHeartRateIntradayV1 always asks for D/D/…/time/00:00:00/23:59:59 and reads `value` as a
    double; the zones are then the day's."""
    body = world.ok(f"/1/user/-/activities/heart/date/{END}/{END}/1min/time/00:00:00/23:59:59.json")
    (entry,) = body["activities-heart"]
    float(entry["value"])
    nested = world.ok(TS.format(END, "1d"))["activities-heart"][0]["value"]
    assert entry["heartRateZones"] == nested["heartRateZones"]


def test_unwindowed_entry_stays_nested(world: World) -> None:
    (entry,) = world.ok(f"/1/user/-/activities/heart/date/{END}/1d/1min.json")["activities-heart"]
    assert set(entry) == {"dateTime", "value"} and "heartRateZones" in entry["value"]


def test_both_shapes_match_the_rows_schema(world: World) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from fitbit_local.api.heart import INTRADAY_SCHEMA

    for path in (
        f"/1/user/-/activities/heart/date/{END}/1d/1min.json",
        f"/1/user/-/activities/heart/date/{END}/1d/1min/time/08:00/09:00.json",
        f"/1/user/-/activities/heart/date/{END - timedelta(days=1)}/{END}/15min/time/18:00/06:00.json",
    ):
        jsonschema.validate(world.ok(path), INTRADAY_SCHEMA)


@pytest.mark.parametrize(
    ("path", "key", "empty"),
    [
        ("heart/date/{}/1d/1min/time/10:00/09:00.json", "activities-heart", None),
        ("steps/date/{}/1d/15min/time/10:07/10:03.json", "activities-steps", "0"),
    ],
)
def test_a_window_ending_before_it_starts_still_has_its_day(
    world: World, path: str, key: str, empty: str | None
) -> None:
    """Clients index `activities-…[0]`; an empty list would crash them. One entry for the day, no points."""
    body = world.ok("/1/user/-/activities/" + path.format(END))
    (entry,) = body[key]
    assert entry["dateTime"] == str(END)
    assert body[key + "-intraday"]["dataset"] == []
    if empty is not None:
        assert entry["value"] == empty
    else:
        assert entry["value"] == "0.0" and all(z["minutes"] == 0 for z in entry["heartRateZones"])
    (azm,) = world.ok(f"/1/user/-/activities/active-zone-minutes/date/{END}/1d/1min/time/10:00/09:00.json")[
        "activities-active-zone-minutes-intraday"
    ]
    assert azm == {"dateTime": str(END), "minutes": []}
