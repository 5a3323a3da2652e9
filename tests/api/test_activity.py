"""Activity family: daily summary, time series (all resources, tracker variants) and intraday."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fitbit_local.api.activity_resources import INTRADAY_RESOURCES, RESOURCES
from fitbit_local.api.params import local_today
from tests.api.conftest import END, FIRST, World

DAY = "/1/user/-/activities/date/{}.json"
SUMMARY_FIELDS = {
    "activeScore",
    "activityCalories",
    "calorieEstimationMu",  # the doc example has it; typed clients require it
    "caloriesBMR",
    "caloriesOut",
    "caloriesOutUnestimated",
    "distances",
    "elevation",
    "fairlyActiveMinutes",
    "floors",
    "heartRateZones",
    "lightlyActiveMinutes",
    "marginalCalories",
    "restingHeartRate",
    "sedentaryMinutes",
    "steps",
    "useEstimation",
    "veryActiveMinutes",
}


def test_daily_summary_shape(world: World) -> None:
    body = world.ok(DAY.format(END))
    assert {a["activityParentName"] for a in body["activities"]} <= {
        "Walk",
        "Run",
        "Bike",
    }  # detected (issue 12)
    assert set(body["goals"]) == {"activeMinutes", "caloriesOut", "distance", "floors", "steps"}
    s = body["summary"]
    assert set(s) == SUMMARY_FIELDS
    assert s["activeScore"] == -1 and s["useEstimation"] is True
    names = [d["activity"] for d in s["distances"]]
    assert names == [
        "total",
        "tracker",
        "loggedActivities",
        "veryActive",
        "moderatelyActive",
        "lightlyActive",
        "sedentaryActive",
    ]
    total = s["distances"][0]["distance"]
    assert total > 0 and abs(sum(d["distance"] for d in s["distances"][3:]) - total) < 0.03
    assert [z["name"] for z in s["heartRateZones"]] == ["Out of Range", "Fat Burn", "Cardio", "Peak"]
    assert all(set(z) == {"caloriesOut", "max", "min", "minutes", "name"} for z in s["heartRateZones"])
    minutes = (
        s["sedentaryMinutes"] + s["lightlyActiveMinutes"] + s["fairlyActiveMinutes"] + s["veryActiveMinutes"]
    )
    assert minutes <= 1440 and s["steps"] > 0 and s["caloriesOut"] >= s["activityCalories"]
    steps = world.ok(f"/1/user/-/activities/steps/date/{END}/1d.json")["activities-steps"][0]["value"]
    assert steps == str(s["steps"])


def test_day_without_data_is_zeros(world: World) -> None:
    s = world.ok(DAY.format(FIRST - timedelta(days=5)))["summary"]
    assert s["steps"] == 0 and s["caloriesOut"] == 0 and s["sedentaryMinutes"] == 1440
    assert "restingHeartRate" not in s
    assert all(d["distance"] == 0 for d in s["distances"])
    assert [z["minutes"] for z in s["heartRateZones"]] == [0, 0, 0, 0]


@pytest.mark.parametrize("tracker", [False, True])
@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_every_resource_by_period_and_range(world: World, resource: str, tracker: bool) -> None:
    sub = f"tracker/{resource}" if tracker else resource
    key = f"activities-tracker-{resource}" if tracker else f"activities-{resource}"
    rows = world.ok(f"/1/user/-/activities/{sub}/date/{END}/7d.json")[key]
    assert [r["dateTime"] for r in rows] == [(END - timedelta(days=6 - i)).isoformat() for i in range(7)]
    assert all(isinstance(r["value"], str) for r in rows)
    empty = "1440" if resource == "minutesSedentary" else None  # unworn days are sedentary [reference §5.4]
    assert all(float(r["value"]) == float(empty or 0) for r in rows[:4])  # zero-filled before the data starts
    ranged = world.ok(f"/1/user/-/activities/{sub}/date/{END - timedelta(days=6)}/{END}.json")[key]
    assert ranged == rows


@pytest.mark.parametrize(
    ("period", "days"),
    [("1d", 1), ("7d", 7), ("30d", 30), ("1w", 7), ("1m", 29), ("3m", 91), ("6m", 182), ("1y", 366)],
)
def test_period_math(world: World, period: str, days: int) -> None:
    rows = world.ok(f"/1/user/-/activities/steps/date/{END}/{period}.json")["activities-steps"]
    assert len(rows) == days and rows[-1]["dateTime"] == END.isoformat()


def test_max_period_starts_at_first_day_of_data(world: World) -> None:
    rows = world.ok(f"/1/user/-/activities/steps/date/{END}/max.json")["activities-steps"]
    assert [r["dateTime"] for r in rows] == [str(FIRST), str(FIRST + timedelta(days=1)), str(END)]


def test_path_variants(world: World) -> None:
    expected = world.ok(f"/1/user/-/activities/steps/date/{END}/7d.json")
    for version in ("1", "1.1", "1.2"):
        for user in ("-", world.user.id):
            assert world.ok(f"/{version}/user/{user}/activities/steps/date/2024-3-10/7d.json") == expected
    today = local_today(world.user.current_timezone, world.services.clock.now())
    rows = world.ok("/1/user/-/activities/steps/date/today/1d.json")["activities-steps"]
    assert rows[0]["dateTime"] == today.isoformat()


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        (
            "/1/user/-/activities/foo/date/2024-03-10/7d.json",
            "resource path",
            "Invalid time series resource path: /activities/foo",
        ),
        (
            "/1/user/-/activities/tracker/foo/date/2024-03-10/7d.json",
            "resource path",
            "Invalid time series resource path: /activities/tracker/foo",
        ),
        ("/1/user/-/activities/steps/date/2024-03-10/2d.json", "period", "Invalid time series period: 2d"),
        ("/1/user/-/activities/steps/date/2024-13-10/7d.json", "date", "Invalid date: 2024-13-10"),
        ("/1/user/-/activities/steps/date/2024-03-10/2024-02-30.json", "date", "Invalid date: 2024-02-30"),
        (
            "/1/user/-/activities/steps/date/2020-01-01/2024-03-10.json",
            "date range",
            "The number of days between time series start and end dates cannot exceed 1095",
        ),
        ("/1/user/-/activities/date/yesterday.json", "date", "Invalid date: yesterday"),
        (
            "/1/user/-/activities/steps/date/2024-03-10/1d/2min.json",
            "resource path",
            "Invalid time series resource path: /activities/steps",
        ),
        (
            "/1/user/-/activities/steps/date/2024-03-10/1d/1sec.json",
            "resource path",
            "Invalid time series resource path: /activities/steps",
        ),
        (
            "/1/user/-/activities/minutesSedentary/date/2024-03-10/1d/1min.json",
            "resource path",
            "Invalid time series resource path: /activities/minutesSedentary",
        ),
        (
            "/1/user/-/activities/steps/date/2024-03-10/7d/1min.json",
            "period",
            "Invalid time series period: 7d",
        ),
        (
            "/1/user/-/activities/steps/date/2024-03-10/1d/1min/time/25:00/26:00.json",
            "start-time",
            "Invalid date: 25:00",
        ),
    ],
)
def test_validation_errors(world: World, path: str, field: str, message: str) -> None:
    assert world.error(path) == {"errorType": "validation", "fieldName": field, "message": message}


def test_an_intraday_interval_over_24_hours_is_fitbits_time_range_error(world: World) -> None:
    """Recorded (teramonagi/fitbitr#31): 400 request / n/a "Time range should not be bigger than 24 hours."."""
    assert world.error("/1/user/-/activities/steps/date/2024-03-08/2024-03-10/1min.json") == {
        "errorType": "request",
        "fieldName": "n/a",
        "message": "Time range should not be bigger than 24 hours.",
    }


def test_range_limit_is_inclusive(world: World) -> None:
    start = END - timedelta(days=1094)
    assert len(world.ok(f"/1/user/-/activities/steps/date/{start}/{END}.json")["activities-steps"]) == 1095


def test_units_by_accept_language(world: World) -> None:
    path = f"/1/user/-/activities/distance/date/{END}/1d.json"
    metric = float(world.ok(path)["activities-distance"][0]["value"])
    us = float(world.ok(path, **{"Accept-Language": "en_US"})["activities-distance"][0]["value"])
    gb = float(world.ok(path, **{"Accept-Language": "en_GB"})["activities-distance"][0]["value"])
    assert gb == metric and abs(us - metric / 1.609344) < 0.01
    elevation = f"/1/user/-/activities/elevation/date/{END}/1d.json"
    m = float(world.ok(elevation)["activities-elevation"][0]["value"])
    ft = float(world.ok(elevation, **{"Accept-Language": "en_US"})["activities-elevation"][0]["value"])
    assert abs(ft - m / 0.3048) < 0.05
    goals = world.ok(DAY.format(END), **{"Accept-Language": "en_US"})["goals"]
    assert goals["distance"] == 5.0


# --- intraday ---------------------------------------------------------------------------------------------------


def _daily(world: World, resource: str, **headers: str) -> float:
    return float(
        world.ok(f"/1/user/-/activities/{resource}/date/{END}/1d.json", **headers)[f"activities-{resource}"][
            0
        ]["value"]
    )


@pytest.mark.parametrize("resource", sorted(INTRADAY_RESOURCES))
@pytest.mark.parametrize("detail", ["1min", "5min", "15min"])
def test_intraday_sums_to_daily(world: World, resource: str, detail: str) -> None:
    body = world.ok(f"/1/user/-/activities/{resource}/date/{END}/1d/{detail}.json")
    intraday = body[f"activities-{resource}-intraday"]
    n = int(detail.removesuffix("min"))
    assert intraday["datasetInterval"] == n and intraday["datasetType"] == "minute"
    dataset = intraday["dataset"]
    assert len(dataset) == 1440 // n and dataset[0]["time"] == "00:00:00"
    total = sum(p["value"] for p in dataset)
    daily = _daily(world, resource)
    assert body[f"activities-{resource}"] == [
        {
            "dateTime": str(END),
            "value": world.ok(f"/1/user/-/activities/{resource}/date/{END}/1d.json")[
                f"activities-{resource}"
            ][0]["value"],
        }
    ]
    if resource in ("steps", "floors", "swimming-strokes"):
        assert all(isinstance(p["value"], int) for p in dataset)
        assert total == daily
    else:
        assert all(isinstance(p["value"], float) for p in dataset)
        assert abs(total - daily) <= (1 if resource == "calories" else 0.01)


def test_calories_points_carry_level_and_mets(world: World) -> None:
    dataset = world.ok(f"/1/user/-/activities/calories/date/{END}/1d/1min.json")[
        "activities-calories-intraday"
    ]["dataset"]
    assert all(set(p) == {"level", "mets", "time", "value"} for p in dataset)
    assert {p["level"] for p in dataset} <= {0, 1, 2, 3} and all(isinstance(p["mets"], int) for p in dataset)
    assert max(p["level"] for p in dataset) >= 1


def test_intraday_distance_in_us_units(world: World) -> None:
    us = {"Accept-Language": "en_US"}
    dataset = world.ok(f"/1/user/-/activities/distance/date/{END}/1d/1min.json", **us)[
        "activities-distance-intraday"
    ]["dataset"]
    assert abs(sum(p["value"] for p in dataset) - _daily(world, "distance", **us)) < 0.01


def test_intraday_time_windows_and_legacy_forms(world: World) -> None:
    base = f"/1/user/-/activities/steps/date/{END}"
    full = world.ok(f"{base}/1d/1min.json")["activities-steps-intraday"]["dataset"]
    window = world.ok(f"{base}/1d/1min/time/08:00/09:30.json")
    points = window["activities-steps-intraday"]["dataset"]
    assert [p["time"] for p in points] == [p["time"] for p in full[480:571]]
    assert window["activities-steps"][0]["value"] == str(sum(p["value"] for p in points))
    assert world.ok(f"{base}/1d/1min/time/08:00:00/09:30:00.json") == window
    assert world.ok(f"{base}/1d/time/08:00/09:30.json") == window  # Fitbit.NET: no detail level → 1min
    assert world.ok(f"/1/user/-/activities/steps/date/{END}/{END}/1min/time/08:00/09:30.json") == window
    assert (
        world.ok(f"/1/user/-/activities/steps/date/{END}/{END}/1min.json")["activities-steps-intraday"][
            "dataset"
        ]
        == full
    )
    quarter = world.ok(f"{base}/1d/15min/time/08:10/08:40.json")["activities-steps-intraday"]["dataset"]
    assert [p["time"] for p in quarter] == ["08:00:00", "08:15:00", "08:30:00"]
    assert sum(p["value"] for p in quarter) == sum(p["value"] for p in full[490:521])


def test_intraday_interval_across_midnight(world: World) -> None:
    prev = END - timedelta(days=1)
    body = world.ok(f"/1/user/-/activities/steps/date/{prev}/{END}/1min/time/12:00/11:59.json")
    assert [r["dateTime"] for r in body["activities-steps"]] == [str(prev), str(END)]
    dataset = body["activities-steps-intraday"]["dataset"]
    assert len(dataset) == 1440 and dataset[0]["time"] == "12:00:00" and dataset[-1]["time"] == "11:59:00"


def _steps_minutes(world: World, day: date, query: str = "") -> list[int]:
    body = world.ok(f"/1/user/-/activities/steps/date/{day}/1d/1min.json{query}")
    return [p["value"] for p in body["activities-steps-intraday"]["dataset"]]


def test_timezone_utc(world: World) -> None:
    """New York is UTC-5 on 2024-03-09: UTC day D = local D-1 from 19:00 + local D until 19:00."""
    day = END - timedelta(days=1)
    local_prev, local_day = _steps_minutes(world, day - timedelta(days=1)), _steps_minutes(world, day)
    utc = world.ok(f"/1/user/-/activities/steps/date/{day}/1d/1min.json?timezone=UTC")
    utc_points = [p["value"] for p in utc["activities-steps-intraday"]["dataset"]]
    assert utc_points == local_prev[1140:] + local_day[:1140]
    utc_daily = world.ok(f"/1/user/-/activities/steps/date/{day}/1d.json?timezone=UTC")["activities-steps"][
        0
    ]["value"]
    assert utc_daily == utc["activities-steps"][0]["value"] == str(sum(utc_points))
    assert utc_daily != str(sum(local_day))
    summary = world.ok(DAY.format(day) + "?timezone=UTC")["summary"]
    assert str(summary["steps"]) == utc_daily


def test_timezone_utc_on_a_dst_day(world: World) -> None:
    """2024-03-10 02:00 EST jumps to 03:00 EDT: the stitched UTC day follows the offsets minute by minute."""
    prev, end = _steps_minutes(world, END - timedelta(days=1)), _steps_minutes(world, END)
    assert _steps_minutes(world, END, "?timezone=UTC") == prev[1140:] + end[:120] + end[180:1200]


def test_travel_changes_utc_rendering(fresh_world: World) -> None:
    world = fresh_world
    path = f"/1/user/-/activities/steps/date/{END}/1d.json"
    local_before = world.ok(path)
    utc_before = world.ok(path + "?timezone=UTC")
    world.services.store.users.set_timezone(world.user.id, "Asia/Tokyo", END)
    assert world.ok(path) == local_before  # local days are local days
    utc_after = world.ok(path + "?timezone=UTC")
    assert utc_after != utc_before


def test_no_data_day_intraday_is_zero_filled(world: World) -> None:
    day = date(2023, 1, 1)
    body = world.ok(f"/1/user/-/activities/steps/date/{day}/1d/15min.json")
    assert body["activities-steps"] == [{"dateTime": str(day), "value": "0"}]
    assert len(body["activities-steps-intraday"]["dataset"]) == 96


def test_distance_strings_are_unrounded_doubles(world: World) -> None:
    """Recorded time series carry the raw double ("6.4281999999999995") and a zero as "0.0" [DOC], in every unit
    system; counts stay whole numbers."""
    stored = world.services.store.series.get_summaries(world.user.id, END, END)[END.isoformat()]
    km = stored["distance_km"]
    for headers, expected in (({}, km), ({"Accept-Language": "en_US"}, km / 1.609344)):
        rows = world.ok(f"/1/user/-/activities/distance/date/{END}/7d.json", **headers)["activities-distance"]
        assert [r["value"] for r in rows[:4]] == ["0.0"] * 4
        assert rows[-1]["value"] == repr(expected) and float(rows[-1]["value"]) == expected
    steps = world.ok(f"/1/user/-/activities/steps/date/{END}/7d.json")["activities-steps"]
    assert steps[0]["value"] == "0" and "." not in steps[-1]["value"]


def test_daily_summary_zeros_are_integers_and_calorie_estimation_mu_is_sent(world: World) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from fitbit_local.api.activity import DAILY_SUMMARY_SCHEMA

    empty = world.ok(DAY.format(FIRST - timedelta(days=5)))
    s = empty["summary"]
    assert s["calorieEstimationMu"] == s["caloriesOut"] == 0
    assert s["elevation"] == 0 and isinstance(s["elevation"], int)
    assert all(isinstance(d["distance"], int) for d in s["distances"])
    assert all(isinstance(z["caloriesOut"], int) for z in s["heartRateZones"])
    full = world.ok(DAY.format(END))
    assert full["summary"]["calorieEstimationMu"] == full["summary"]["caloriesOut"] > 0
    assert isinstance(full["summary"]["distances"][0]["distance"], float)
    for body in (empty, full):
        jsonschema.validate(body, DAILY_SUMMARY_SCHEMA)
