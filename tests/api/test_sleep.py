"""The sleep family through HTTP: real clients on a real server (python-fitbit 0.3.1 on the v1 forms, the generated
fitbit-web-api 2.0.1 client on v1.2), the list's pagination, and created and deleted logs flowing into the day's
summary, the sleep time series and the activity summary's sedentary minutes."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest

from fitbit_local.sources.load import store_synthetic_days
from tests.api.conftest import END, FIRST, SEED, World
from tests.factories import bearer

fitbit = pytest.importorskip("fitbit")


def _stage_totals(logs: list[dict[str, Any]]) -> dict[str, int]:
    totals = {"deep": 0, "light": 0, "rem": 0, "wake": 0}
    for log in logs:
        if log["type"] == "stages":
            for name, level in log["levels"]["summary"].items():
                totals[name] += level["minutes"]
    return totals


def test_python_fitbit_reads_logs_and_deletes_sleep(client, live_world: World) -> None:  # type: ignore[no-untyped-def]
    day = client.sleep(date=END)  # GET /1/user/-/sleep/date/2024-03-10.json: the v1 form
    assert day["sleep"], "the synthetic night ending on END"
    main = next(log for log in day["sleep"] if log["isMainSleep"])
    assert len(main["minuteData"]) == main["timeInBed"]
    assert {p["value"] for p in main["minuteData"]} <= {"1", "2", "3"}
    asleep = sum(1 for p in main["minuteData"] if p["value"] == "1")
    assert asleep == main["minutesAsleep"]
    assert day["summary"]["totalTimeInBed"] == sum(log["timeInBed"] for log in day["sleep"])
    assert client.get_sleep(END) == day  # unpadded date (2024-3-10)

    series = client.time_series("sleep/minutesAsleep", base_date=END, period="7d")["sleep-minutesAsleep"]
    assert len(series) == 7 and series[-1] == {
        "dateTime": str(END),
        "value": str(day["summary"]["totalMinutesAsleep"]),
    }
    start = client.time_series("sleep/startTime", base_date=FIRST, end_date=END)["sleep-startTime"]
    assert start[-1]["value"] == main["startTime"][11:16]

    created = client.log_sleep(datetime(2024, 3, 10, 13, 30), 45 * 60_000)["sleep"]
    assert created["minutesAsleep"] == 45 and created["isMainSleep"] is False
    after = client.sleep(date=END)
    assert after["summary"]["totalTimeInBed"] == day["summary"]["totalTimeInBed"] + 45
    client.delete_sleep(created["logId"])
    assert client.sleep(date=END) == day


def test_fitbit_web_api_reads_and_writes_sleep(live_world: World) -> None:
    web = pytest.importorskip("fitbit_web_api")

    async def body(response: Any) -> Any:
        return orjson.loads(await response.read())

    async def run() -> None:
        config = web.Configuration(host=str(live_world.http.base_url).rstrip("/"))
        config.access_token = str(live_world.token["access_token"])
        async with web.ApiClient(config) as api_client:
            api = web.SleepApi(api_client)
            by_date = await body(await api.get_sleep_by_date_without_preload_content(var_date=END))
            stages = by_date["summary"]["stages"]
            assert stages == _stage_totals(by_date["sleep"])
            by_range = await body(
                await api.get_sleep_by_date_range_without_preload_content(base_date=FIRST, end_date=END)
            )
            assert [log["logId"] for log in by_range["sleep"] if log["dateOfSleep"] == str(END)] == [
                log["logId"] for log in by_date["sleep"]
            ]
            listed = await body(
                await api.get_sleep_list_without_preload_content(
                    sort="desc", offset=0, limit=2, before_date=END + timedelta(days=1)
                )
            )
            assert listed["sleep"][0]["startTime"] >= listed["sleep"][-1]["startTime"]
            assert listed["pagination"]["limit"] == 2

            await api.add_sleep(start_time="14:00", duration=30 * 60_000, var_date=END)
            with_nap = await body(await api.get_sleep_by_date_without_preload_content(var_date=END))
            nap = next(log for log in with_nap["sleep"] if log["logType"] == "manual")
            assert nap["type"] == "classic" and nap["timeInBed"] == 30
            await api.delete_sleep(log_id=str(nap["logId"]))
            again = await body(await api.get_sleep_by_date_without_preload_content(var_date=END))
            assert again == by_date

            await api.update_sleep_goal(min_duration="450")
            goal = await body(await api.get_sleep_goal_without_preload_content())
            assert goal["goal"]["minDuration"] == 450

            # the client's own models parse what the server sends
            parsed = await api.get_sleep_by_date(var_date=END)
            assert parsed.summary.total_time_in_bed == by_date["summary"]["totalTimeInBed"]
            assert [log.log_id for log in parsed.sleep] == [log["logId"] for log in by_date["sleep"]]
            staged = next(log for log in parsed.sleep if log.type == "stages")
            assert staged.levels.summary["deep"].thirty_day_avg_minutes is not None
            assert staged.levels.data[0].date_time.isoformat().startswith(staged.start_time[:16])
            paged = await api.get_sleep_list(
                sort="desc", offset=0, limit=2, before_date=END + timedelta(days=1)
            )
            assert paged.pagination.limit == 2 and len(paged.sleep) == 2
            assert (await api.get_sleep_goal()).goal.min_duration == 450
            ranged = await api.get_sleep_by_date_range(base_date=FIRST, end_date=END)
            assert len(ranged.sleep) == len(by_range["sleep"])

    asyncio.run(run())


def test_the_list_pages_through_every_log(world: World) -> None:
    everything = world.ok(f"/1.2/user/-/sleep/date/{FIRST}/{END}.json")["sleep"]
    path: str | None = (
        f"/1.2/user/-/sleep/list.json?beforeDate={END + timedelta(days=1)}&sort=desc&limit=1&offset=0"
    )
    seen = []
    previous = []
    while path:
        body = world.ok(path)
        seen += [log["logId"] for log in body["sleep"]]
        previous.append(body["pagination"]["previous"])
        next_link = body["pagination"]["next"]
        path = httpx.URL(next_link).raw_path.decode() if next_link else None
    assert previous[0] == "" and all(previous[1:])
    in_range = [log["logId"] for log in sorted(everything, key=lambda log: log["startTime"], reverse=True)]
    assert seen[: len(in_range)] == in_range

    ascending = world.ok(f"/1.2/user/-/sleep/list.json?afterDate={FIRST}&sort=asc&limit=100&offset=0")
    assert [log["startTime"] for log in ascending["sleep"]] == sorted(
        log["startTime"] for log in ascending["sleep"]
    )
    assert ascending["pagination"]["afterDate"] == str(FIRST) and ascending["pagination"]["next"] == ""


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=desc&limit=10&offset=0", "beforeDate"),
        ("beforeDate=2024-03-10&afterDate=2024-03-01&sort=desc&limit=10&offset=0", "beforeDate"),
        ("beforeDate=2024-03-10&sort=asc&limit=10&offset=0", "sort"),
        ("afterDate=2024-03-01&sort=desc&limit=10&offset=0", "sort"),
        ("beforeDate=2024-03-10&sort=desc&limit=101&offset=0", "limit"),
        ("beforeDate=2024-03-10&sort=desc&limit=10&offset=-1", "offset"),
        ("beforeDate=2024-13-10&sort=desc&limit=10&offset=0", "beforeDate"),
    ],
)
def test_the_list_refuses_what_fitbit_refused(world: World, query: str, field: str) -> None:
    error = world.error(f"/1.2/user/-/sleep/list.json?{query}")
    assert error["errorType"] == "validation" and error["fieldName"] == field


def test_create_and_delete_flow_into_the_day(fresh_world: World) -> None:
    w = fresh_world
    headers = bearer(w.token)
    before = w.ok(f"/1.2/user/-/sleep/date/{FIRST}.json")["summary"]
    activity = w.ok(f"/1/user/-/activities/date/{FIRST}.json")["summary"]
    series = w.ok(f"/1/user/-/sleep/timeInBed/date/{FIRST}/1d.json")["sleep-timeInBed"][0]["value"]
    created = w.http.post(
        "/1.2/user/-/sleep.json",
        data={"startTime": "12:00", "duration": 90 * 60_000, "date": str(FIRST)},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    (log,) = created.json()["sleep"]
    after = w.ok(f"/1.2/user/-/sleep/date/{FIRST}.json")["summary"]
    assert after["totalTimeInBed"] == before["totalTimeInBed"] + 90
    assert after["totalSleepRecords"] == before["totalSleepRecords"] + 1
    assert w.ok(f"/1/user/-/sleep/timeInBed/date/{FIRST}/1d.json")["sleep-timeInBed"][0]["value"] == str(
        int(series) + 90
    )
    moved = w.ok(f"/1/user/-/activities/date/{FIRST}.json")["summary"]
    awake_before = sum(
        activity[k]
        for k in ("sedentaryMinutes", "lightlyActiveMinutes", "fairlyActiveMinutes", "veryActiveMinutes")
    )
    awake_after = sum(
        moved[k]
        for k in ("sedentaryMinutes", "lightlyActiveMinutes", "fairlyActiveMinutes", "veryActiveMinutes")
    )
    assert awake_after == awake_before - 90  # the logged minutes are in bed now
    assert moved["sedentaryMinutes"] < activity["sedentaryMinutes"]

    deleted = w.http.delete(f"/1.2/user/-/sleep/{log['logId']}.json", headers=headers)
    assert deleted.status_code == 204 and deleted.content == b""
    assert w.ok(f"/1.2/user/-/sleep/date/{FIRST}.json")["summary"] == before
    assert w.ok(f"/1/user/-/activities/date/{FIRST}.json")["summary"] == activity
    again = w.http.delete(f"/1.2/user/-/sleep/{log['logId']}.json", headers=headers)
    assert again.status_code == 404 and again.json()["errors"][0]["errorType"] == "not_found"


def test_created_sleep_records_sleep_changes(fresh_world: World) -> None:
    w = fresh_world
    last = w.services.store.changes.since(0, limit=100_000)[-1].id or 0
    response = w.http.post(
        "/1.2/user/-/sleep.json",
        data={"startTime": "23:30", "duration": 7 * 3_600_000, "date": str(FIRST)},
        headers=bearer(w.token),
    )
    assert response.status_code == 201
    changes = w.services.store.changes.since(last)
    assert ("sleep", "created", FIRST + timedelta(days=1)) in {(c.collection, c.kind, c.day) for c in changes}
    assert response.json()["sleep"][0]["dateOfSleep"] == str(
        FIRST + timedelta(days=1)
    )  # the date it ended on


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"startTime": "25:00", "duration": "60000", "date": "2024-03-08"}, "startTime"),
        ({"startTime": "10:00", "duration": "abc", "date": "2024-03-08"}, "duration"),
        ({"startTime": "10:00", "duration": str(25 * 3_600_000), "date": "2024-03-08"}, "duration"),
        ({"startTime": "10:00", "duration": "60000", "date": "2024-02-30"}, "date"),
        ({"startTime": "10:00", "duration": "60000"}, "date"),
    ],
)
def test_create_refuses_bad_input(world: World, form: dict[str, str], field: str) -> None:
    response = world.http.post("/1.2/user/-/sleep.json", data=form, headers=bearer(world.token))
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["fieldName"] == field


def test_stages_levels_overlay_their_summary(world: World) -> None:
    """data with shortData laid over it reproduces the summary's minutes (takeout-and-data §1.6 item 10)."""
    for log in world.ok(f"/1.2/user/-/sleep/date/{FIRST}/{END}.json")["sleep"]:
        minutes: dict[str, int] = {}
        for entry in log["levels"]["data"]:
            minutes[entry["level"]] = minutes.get(entry["level"], 0) + entry["seconds"] // 60
        for entry in log["levels"].get("shortData", []):
            minutes["wake"] = minutes.get("wake", 0) + entry["seconds"] // 60
            covered = next(
                d
                for d in log["levels"]["data"]
                if d["dateTime"] <= entry["dateTime"]
                and _plus(d["dateTime"], d["seconds"]) >= _plus(entry["dateTime"], entry["seconds"])
            )
            minutes[covered["level"]] -= entry["seconds"] // 60
        assert {k: v["minutes"] for k, v in log["levels"]["summary"].items() if v["minutes"]} == {
            k: v for k, v in minutes.items() if v
        }
        assert sum(v["minutes"] for v in log["levels"]["summary"].values()) == log["timeInBed"]
        assert log["duration"] == log["timeInBed"] * 60_000


def _plus(stamp: str, seconds: int) -> str:
    return (datetime.fromisoformat(stamp) + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")


def test_a_day_without_sleep(world: World) -> None:
    empty = date(2020, 1, 1)
    assert world.ok(f"/1.2/user/-/sleep/date/{empty}.json") == {
        "sleep": [],
        "summary": {"totalMinutesAsleep": 0, "totalSleepRecords": 0, "totalTimeInBed": 0},
    }
    assert world.ok(f"/1/user/-/sleep/efficiency/date/{empty}/1d.json") == {
        "sleep-efficiency": [{"dateTime": str(empty), "value": "0"}]
    }
    assert world.ok(f"/1/user/-/sleep/startTime/date/{empty}/1d.json")["sleep-startTime"][0]["value"] == ""


def test_regenerated_days_keep_manual_logs_and_their_minutes_in_bed(fresh_world: World) -> None:
    w = fresh_world
    created = w.http.post(
        "/1.2/user/-/sleep.json",
        data={"startTime": "12:00", "duration": 60 * 60_000, "date": str(FIRST)},
        headers=bearer(w.token),
    )
    assert created.status_code == 201
    activity = w.ok(f"/1/user/-/activities/date/{FIRST}.json")["summary"]
    sleep = w.ok(f"/1.2/user/-/sleep/date/{FIRST}.json")
    assert store_synthetic_days(w.services.store, w.user, days=3, end=END, seed=SEED) == 3
    assert w.ok(f"/1/user/-/activities/date/{FIRST}.json")["summary"] == activity
    assert w.ok(f"/1.2/user/-/sleep/date/{FIRST}.json")["summary"] == sleep["summary"]


def test_the_longest_log_of_a_date_is_its_main_sleep(fresh_world: World) -> None:
    w = fresh_world
    night = next(log for log in w.ok(f"/1.2/user/-/sleep/date/{END}.json")["sleep"] if log["isMainSleep"])
    longer = w.http.post(
        "/1.2/user/-/sleep.json",
        data={
            "startTime": "20:00",
            "duration": (night["timeInBed"] + 60) * 60_000,
            "date": str(END - timedelta(days=1)),
        },
        headers=bearer(w.token),
    )
    assert longer.status_code == 201 and longer.json()["sleep"][0]["isMainSleep"] is True
    logs = w.ok(f"/1.2/user/-/sleep/date/{END}.json")["sleep"]
    assert [log["logId"] for log in logs if log["isMainSleep"]] == [longer.json()["sleep"][0]["logId"]]
    w.http.delete(f"/1.2/user/-/sleep/{longer.json()['sleep'][0]['logId']}.json", headers=bearer(w.token))
    assert [
        log["logId"] for log in w.ok(f"/1.2/user/-/sleep/date/{END}.json")["sleep"] if log["isMainSleep"]
    ] == [night["logId"]]


@pytest.mark.parametrize("log_id", ["9999999999999999999", "99999999999999999999", "abc", "0"])
def test_deleting_what_is_no_log_is_not_found(world: World, log_id: str) -> None:
    response = world.http.delete(f"/1.2/user/-/sleep/{log_id}.json", headers=bearer(world.token))
    assert response.status_code == 404 and response.json()["success"] is False
