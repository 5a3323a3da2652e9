"""Activity logs, goals and the daily summary built from them: write → read round trips through HTTP, on a world
of this module's own (in-process app, SQLite)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from tests.api.conftest import END, SEED, World
from tests.factories import bearer, issue_token, make_app, make_user


def post(world: World, path: str, data: dict[str, str], status: int = 201) -> Any:
    response = world.http.post(path, data=data, headers=bearer(world.token))
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _distances(summary: dict[str, Any]) -> dict[str, float]:
    return {d["activity"]: d["distance"] for d in summary["summary"]["distances"]}


def test_a_logged_run_appears_in_the_day_and_its_series(world: World) -> None:
    before = world.ok(f"/1/user/-/activities/date/{END}.json")
    created = post(
        world,
        "/1/user/-/activities.json",
        {
            "activityId": "90009",
            "startTime": "07:00",
            "durationMillis": "1800000",
            "date": str(END),
            "distance": "5",
            "distanceUnit": "Kilometer",
            "manualCalories": "400",
        },
    )["activityLog"]
    assert created["activityParentName"] == "Run" and created["calories"] == 400 and created["steps"] > 0
    after = world.ok(f"/1/user/-/activities/date/{END}.json")
    assert [a["logId"] for a in after["activities"]] == sorted(
        [a["logId"] for a in before["activities"]] + [created["logId"]],
        key=lambda i: next(a["startTime"] for a in after["activities"] if a["logId"] == i),
    )
    dist = _distances(after)
    assert dist["loggedActivities"] == 5 and dist["tracker"] == _distances(before)["tracker"]
    # the log replaced the tracker's calories and distance over its half hour
    steps_window = world.ok(f"/1/user/-/activities/calories/date/{END}/1d/1min/time/07:00/07:29.json")
    tracked = float(steps_window["activities-calories"][0]["value"])
    assert after["summary"]["caloriesOut"] == pytest.approx(
        before["summary"]["caloriesOut"] - tracked + 400, abs=1
    )
    series = world.ok(f"/1/user/-/activities/calories/date/{END}/1d.json")["activities-calories"]
    assert int(series[0]["value"]) == after["summary"]["caloriesOut"]
    tracker = world.ok(f"/1/user/-/activities/tracker/calories/date/{END}/1d.json")[
        "activities-tracker-calories"
    ]
    assert int(tracker[0]["value"]) == before["summary"]["caloriesOut"]

    listed = world.ok(f"/1/user/-/activities/list.json?beforeDate={END}T23:59:59&sort=desc&limit=10&offset=0")
    [item] = [a for a in listed["activities"] if a["logId"] == created["logId"]]
    assert item["logType"] == "manual"
    assert sum(level["minutes"] for level in item["activityLevel"]) == 30

    recent = world.ok("/1/user/-/activities/recent.json")
    assert 90009 in [r["activityId"] for r in recent]
    tcx = world.get(f"/1/user/-/activities/{created['logId']}.tcx?includePartialTCX=true")
    assert tcx.status_code == 200 and tcx.headers["content-type"].startswith("application/vnd.garmin.tcx+xml")
    assert tcx.text.count("<Trackpoint>") == 30

    gone = world.http.delete(f"/1/user/-/activities/{created['logId']}.json", headers=bearer(world.token))
    assert gone.status_code == 204
    assert world.ok(f"/1/user/-/activities/date/{END}.json") == before
    again = world.http.delete(f"/1/user/-/activities/{created['logId']}.json", headers=bearer(world.token))
    assert again.status_code == 404


def test_calories_from_mets_weight_and_duration(world: World) -> None:
    log = post(
        world,
        "/1/user/-/activities.json",
        {"activityId": "90013", "startTime": "18:00", "durationMillis": "3600000", "date": str(END)},
    )
    # Walk's middle level is 3.5 mph, 4.3 METs; the user weighs 62 kg: 4.3 x 62 x 1 h
    assert log["activityLog"]["calories"] == round(4.3 * 62.0)
    custom = world.http.post(
        "/1/user/-/activities.json",
        headers=bearer(world.token),
        data={"activityName": "Gardening", "startTime": "10:00", "durationMillis": "60000", "date": str(END)},
    )
    assert custom.status_code == 400 and custom.json()["errors"][0]["fieldName"] == "manualCalories"


def test_pagination_links_walk_the_list(world: World) -> None:
    for hour in ("06", "08", "09"):
        post(
            world,
            "/1/user/-/activities.json",
            {"activityId": "1015", "startTime": f"{hour}:00", "durationMillis": "600000", "date": str(END)},
        )
    first = world.ok(f"/1/user/-/activities/list.json?afterDate={END}&sort=asc&limit=2&offset=0")
    assert len(first["activities"]) == 2 and first["pagination"]["previous"] == ""
    nxt = first["pagination"]["next"]
    second = world.ok(nxt.split(str(world.http.base_url).rstrip("/"), 1)[1])
    assert second["pagination"]["offset"] == 2
    starts = [a["startTime"] for a in first["activities"] + second["activities"]]
    assert starts == sorted(starts)
    wrong = world.get(f"/1/user/-/activities/list.json?afterDate={END}&sort=desc&limit=2&offset=0")
    assert wrong.status_code == 400


def test_goals_round_trip_into_the_summary(world: World) -> None:
    goals = post(world, "/1/user/-/activities/goals/daily.json", {"type": "steps", "value": "12345"}, 200)
    assert goals["goals"]["steps"] == 12345
    assert world.ok("/1/user/-/activities/goals/daily.json")["goals"]["steps"] == 12345
    assert world.ok(f"/1/user/-/activities/date/{END}.json")["goals"]["steps"] == 12345
    weekly = post(world, "/1/user/-/activities/goals/weekly.json", {"floors": "77", "caloriesOut": "9"}, 200)
    assert weekly["goals"]["floors"] == 77 and "caloriesOut" not in weekly["goals"]
    refused = world.http.post(
        "/1/user/-/activities/goals/weekly.json",
        headers=bearer(world.token),
        data={"type": "caloriesOut", "value": "3000"},
    )
    assert refused.status_code == 400


def test_favorites(world: World) -> None:
    assert (
        world.http.post("/1/user/-/activities/favorite/90009.json", headers=bearer(world.token)).status_code
        == 201
    )
    assert [f["activityId"] for f in world.ok("/1/user/-/activities/favorite.json")] == [90009]
    assert (
        world.http.delete("/1/user/-/activities/favorite/90009.json", headers=bearer(world.token)).status_code
        == 204
    )
    assert world.ok("/1/user/-/activities/favorite.json") == []
    assert world.get("/1/activities/424242.json").status_code == 404
    assert world.ok("/1/activities/17190.json")["activity"]["name"] == "Walk"


def test_detected_exercises_agree_with_the_intraday_series(services: Services, http: httpx.Client) -> None:
    """Every auto-detected log of three synthetic weeks is in its day's activities[], and its steps and
    activity-level minutes are those of the intraday minutes it covers."""
    user = make_user(
        services, name="mover", timezone="Europe/Berlin", sex="MALE", birth_date=date(1990, 6, 1)
    )
    assert store_synthetic_days(services.store, user, days=21, end=END, seed=SEED) == 21
    app = make_app(services, "personal", owner=user.id)
    world = World(services, http, user, issue_token(services, app.client_id, user.id))
    first = END - timedelta(days=20)
    listed = world.ok(f"/1/user/-/activities/list.json?afterDate={first}&sort=asc&limit=100&offset=0")
    detected = [a for a in listed["activities"] if a["logType"] == "auto_detected"]
    assert len(detected) >= 3, "three weeks hold walks, runs or rides"
    for log in detected:
        day = log["startTime"][:10]
        assert log["logId"] in [
            a["logId"] for a in world.ok(f"/1/user/-/activities/date/{day}.json")["activities"]
        ]
        start = log["startTime"][11:16]
        minutes = log["duration"] // 60_000
        end_minute = int(start[:2]) * 60 + int(start[3:]) + minutes - 1
        end = f"{end_minute // 60:02d}:{end_minute % 60:02d}"
        steps = world.ok(f"/1/user/-/activities/steps/date/{day}/1d/1min/time/{start}/{end}.json")
        assert log["steps"] == int(steps["activities-steps"][0]["value"])
        assert sum(level["minutes"] for level in log["activityLevel"]) == minutes


def test_lifetime_totals_add_up_the_days(world: World) -> None:
    lifetime = world.ok("/1/user/-/activities.json")["lifetime"]["tracker"]
    days = world.ok(f"/1/user/-/activities/tracker/steps/date/{END}/7d.json")["activities-tracker-steps"]
    assert lifetime["steps"] == sum(int(d["value"]) for d in days)
