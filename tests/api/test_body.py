"""Body family through HTTP: every write row read back, in each unit system; deletes; goals; the profile's weight;
errors; the legacy measurements; and two real clients (python-fitbit 0.3.1, fitbit-web-api 2.0.1) on a live server."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from fitbit_local.api.units import KG_PER_POUND, KG_PER_STONE
from tests.api.conftest import World
from tests.factories import bearer, issue_token, make_app, make_user

UNITS = [  # (Accept-Language, kilograms per unit)
    ({}, 1.0),
    ({"Accept-Language": "en_US"}, KG_PER_POUND),
    ({"Accept-Language": "en_GB"}, KG_PER_STONE),
]
DAY = "2024-03-12"  # after the synthetic days (newest: the profile follows it), none of their weigh-ins


def post(world: World, path: str, data: dict[str, str], status: int = 201, **headers: str) -> Any:
    response = world.http.post(path, data=data, headers={**bearer(world.token), **headers})
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def delete(world: World, path: str, status: int = 204) -> Any:
    response = world.http.delete(path, headers=bearer(world.token))
    assert response.status_code == status, response.text
    return response.json() if response.content else None


@pytest.mark.parametrize(("headers", "kg_per_unit"), UNITS, ids=["metric", "en_US", "en_GB"])
def test_weight_log_round_trip_in_each_unit_system(fresh_world: World, headers, kg_per_unit) -> None:
    w = fresh_world
    entered = 150.0 if kg_per_unit == KG_PER_POUND else 11.5 if kg_per_unit == KG_PER_STONE else 68.2
    made = post(
        w, "/1/user/-/body/log/weight.json", {"weight": str(entered), "date": DAY, "time": "07:15"}, **headers
    )
    log = made["weightLog"]
    assert (
        log["weight"] == pytest.approx(entered, abs=0.01)
        and log["time"] == "07:15:00"
        and log["source"] == "API"
    )
    kg = entered * kg_per_unit
    assert log["bmi"] == pytest.approx(kg / (w.user.height_cm / 100) ** 2, abs=0.01)
    # stored in kilograms: a metric read sees the same weight
    metric = w.ok(f"/1/user/-/body/log/weight/date/{DAY}.json")["weight"]
    assert [e["logId"] for e in metric] == [log["logId"]]
    assert metric[0]["weight"] == pytest.approx(kg, abs=0.01)
    same_units = w.ok(f"/1/user/-/body/log/weight/date/{DAY}/1d.json", **headers)["weight"]
    assert same_units[0]["weight"] == pytest.approx(entered, abs=0.01)
    series = w.ok(f"/1/user/-/body/weight/date/{DAY}/1d.json", **headers)["body-weight"]
    assert float(series[0]["value"]) == pytest.approx(entered, abs=0.01)
    # the profile's weight is the newest log's, in the request's units
    profile = w.ok("/1/user/-/profile.json", **headers)["user"]
    assert profile["weight"] == pytest.approx(entered, abs=0.01)
    delete(w, f"/1/user/-/body/log/weight/{log['logId']}.json")
    assert w.ok(f"/1/user/-/body/log/weight/date/{DAY}.json")["weight"] == []


def test_weight_log_without_time_is_the_last_second_and_same_second_replaces(fresh_world: World) -> None:
    w = fresh_world
    first = post(w, "/1/user/-/body/log/weight.json", {"weight": "70", "date": DAY})["weightLog"]
    assert first["time"] == "23:59:59"
    again = post(w, "/1/user/-/body/log/weight.json", {"weight": "71", "date": DAY})["weightLog"]
    assert again["logId"] == first["logId"]
    logs = w.ok(f"/1/user/-/body/log/weight/date/{DAY}.json")["weight"]
    assert [e["weight"] for e in logs] == [71]


def test_fat_log_round_trip_and_weight_entry_carries_fat(fresh_world: World) -> None:
    w = fresh_world
    fat = post(w, "/1/user/-/body/log/fat.json", {"fat": "21.5", "date": DAY, "time": "07:00:00"})["fatLog"]
    assert fat["fat"] == 21.5 and fat["source"] == "API"
    post(w, "/1/user/-/body/log/weight.json", {"weight": "70", "date": DAY, "time": "07:00:00"})
    assert w.ok(f"/1/user/-/body/log/fat/date/{DAY}.json")["fat"] == [fat]
    assert w.ok(f"/1/user/-/body/log/weight/date/{DAY}.json")["weight"][0]["fat"] == 21.5
    series = w.ok(f"/1/user/-/body/fat/date/{DAY}/1d.json")["body-fat"]
    assert series == [{"dateTime": DAY, "value": "21.5"}]
    delete(w, f"/1/user/-/body/log/fat/{fat['logId']}.json")
    assert w.ok(f"/1/user/-/body/log/fat/date/{DAY}.json")["fat"] == []


def test_body_series_carries_the_last_weigh_in_forward(fresh_world: World) -> None:
    w = fresh_world
    post(w, "/1/user/-/body/log/weight.json", {"weight": "80", "date": "2024-03-02", "time": "08:00"})
    post(w, "/1/user/-/body/log/weight.json", {"weight": "79.5", "date": "2024-03-04", "time": "08:00"})
    series = w.ok("/1/user/-/body/weight/date/2024-03-01/2024-03-05.json")["body-weight"]
    values = [e["value"] for e in series]
    assert values[1:] == ["80", "80", "79.5", "79.5"]
    bmi = w.ok("/1/user/-/body/bmi/date/2024-03-05/1d.json")["body-bmi"]
    assert float(bmi[0]["value"]) == pytest.approx(79.5 / (w.user.height_cm / 100) ** 2, abs=0.01)


def test_delete_unknown_or_someone_elses_log_is_not_found(fresh_world: World) -> None:
    w = fresh_world
    made = post(w, "/1/user/-/body/log/weight.json", {"weight": "70", "date": DAY})["weightLog"]
    expected = {
        "errors": [
            {
                "errorType": "not_found",
                "message": "Requested entity was not found",
            }
        ],
        "success": False,
    }
    body = delete(w, "/1/user/-/body/log/weight/123456.json", status=404)
    assert {k: v for k, v in body["errors"][0].items() if k != "fieldName"} == expected["errors"][0]
    other = make_user(w.services, name="bob")
    app = make_app(w.services, "server", name="other app")
    token = issue_token(w.services, app.client_id, other.id)
    response = w.http.delete(f"/1/user/-/body/log/weight/{made['logId']}.json", headers=bearer(token))
    assert (
        response.status_code == 404
        and response.json()["errors"][0]["message"] == "Requested entity was not found"
    )
    assert len(w.ok(f"/1/user/-/body/log/weight/date/{DAY}.json")["weight"]) == 1
    delete(w, "/1/user/-/body/log/fat/abc.json", status=404)


def test_validation_names_the_field(fresh_world: World) -> None:
    w = fresh_world
    missing = post(w, "/1/user/-/body/log/weight.json", {"date": DAY}, status=400)
    assert missing["errors"][0] == {
        "errorType": "validation",
        "fieldName": "weight",
        "message": "Weight is required",
    }
    bad = post(w, "/1/user/-/body/log/fat.json", {"fat": "120", "date": DAY}, status=400)
    assert bad["errors"][0]["fieldName"] == "fat"
    bad_date = post(w, "/1/user/-/body/log/weight.json", {"weight": "70", "date": "2024-13-01"}, status=400)
    assert bad_date["errors"][0]["fieldName"] == "date"
    tiny = post(w, "/1/user/-/body/log/weight.json", {"weight": "0.1", "date": DAY}, status=400)
    assert tiny["errors"][0]["fieldName"] == "weight"


def test_read_only_app_cannot_log(fresh_world: World) -> None:
    w = fresh_world
    app = make_app(w.services, "server", name="reader", read_only=True)
    token = issue_token(w.services, app.client_id, w.user.id)
    response = w.http.post(
        "/1/user/-/body/log/weight.json", data={"weight": "70", "date": DAY}, headers=bearer(token)
    )
    assert response.status_code == 403
    assert (
        response.json()["errors"][0]["message"]
        == "Read-only API client is not authorized to update resources"
    )


@pytest.mark.parametrize(("headers", "kg_per_unit"), UNITS, ids=["metric", "en_US", "en_GB"])
def test_goals_round_trip(fresh_world: World, headers, kg_per_unit) -> None:
    w = fresh_world
    start, target = (
        (200.0, 180.0)
        if kg_per_unit == KG_PER_POUND
        else (14.0, 12.5)
        if kg_per_unit == KG_PER_STONE
        else (90.0, 80.0)
    )
    goal = post(
        w,
        "/1/user/-/body/log/weight/goal.json",
        {"startDate": "2024-01-01", "startWeight": str(start), "weight": str(target)},
        status=200,
        **headers,
    )["goal"]
    assert goal["goalType"] == "LOSE" and goal["startDate"] == "2024-01-01"
    read = w.ok("/1/user/-/body/log/weight/goal.json")["goal"]
    assert read["startWeight"] == pytest.approx(start * kg_per_unit, abs=0.01)
    assert read["weight"] == pytest.approx(target * kg_per_unit, abs=0.01)
    assert w.ok("/1/user/-/body/log/weight/goal.json", **headers)["goal"]["weight"] == pytest.approx(
        target, abs=0.01
    )
    assert post(w, "/1/user/-/body/log/fat/goal.json", {"fat": "18"}, status=200) == {"goal": {"fat": 18}}
    assert w.ok("/1/user/-/body/log/fat/goal.json") == {"goal": {"fat": 18}}


def test_legacy_body_measurements(fresh_world: World) -> None:
    w = fresh_world
    made = post(
        w, "/1/user/-/body.json", {"weight": "150", "fat": "20", "date": DAY}, **{"Accept-Language": "en_US"}
    )
    assert made["body"]["weight"] == pytest.approx(150, abs=0.01) and made["body"]["fat"] == 20
    read = w.ok(f"/1/user/-/body/date/{DAY}.json")
    assert read["body"]["weight"] == pytest.approx(150 * KG_PER_POUND, abs=0.01)
    assert set(read) == {"body", "goals"}


def test_synthetic_users_have_weigh_ins(world: World) -> None:
    logs = world.ok("/1/user/-/body/log/weight/date/2024-03-10/30d.json")["weight"]
    assert logs, "seed 7 weighs in on some of these days"
    assert all(e["source"] in ("Aria", "Web") for e in logs)
    series = world.ok("/1/user/-/body/weight/date/2024-03-10/7d.json")["body-weight"]
    assert len(series) == 7 and all(float(e["value"]) > 0 for e in series)


# --- real clients ---------------------------------------------------------------------------------------------------

fitbit = pytest.importorskip("fitbit")


def test_python_fitbit_logs_reads_and_deletes_weight(client, live_world: World) -> None:  # type: ignore[no-untyped-def]
    day = date(2024, 2, 20)
    logged = client.body(date=day, data={"weight": 160})
    assert logged["body"]["weight"] == pytest.approx(160, abs=0.01)
    assert client.body(date=day)["body"]["weight"] == pytest.approx(160, abs=0.01)
    weights = client.get_bodyweight(base_date=day)["weight"]
    assert [round(e["weight"]) for e in weights] == [160]
    assert client.get_bodyweight(base_date=day, period="7d")["weight"] == weights
    assert client.get_bodyweight(base_date=date(2024, 2, 1), end_date=day)["weight"] == weights
    assert client.get_bodyfat(base_date=day)["fat"] == []
    client.make_request(
        f"{client.API_ENDPOINT}/1/user/-/body/log/weight/{weights[0]['logId']}.json", method="DELETE"
    )
    assert client.get_bodyweight(base_date=day)["weight"] == []
    series = client.time_series("body/weight", base_date=day, period="7d")[
        "body-weight"
    ]  # Home Assistant's read
    assert len(series) == 7 and series[-1]["dateTime"] == str(day)
    goal = client.body_weight_goal(start_date="2024-01-01", start_weight=170, weight=160)
    assert goal["goal"]["goalType"] == "LOSE"
    assert client.body_fat_goal(fat=19)["goal"] == {"fat": 19}


def test_fitbit_web_api_logs_reads_and_deletes_weight(live_world: World) -> None:
    web = pytest.importorskip("fitbit_web_api")
    import orjson

    async def run() -> None:
        config = web.Configuration(host=str(live_world.http.base_url).rstrip("/"))
        config.access_token = str(live_world.token["access_token"])
        async with web.ApiClient(config) as api_client:
            body = web.BodyApi(api_client)
            day = date(2024, 2, 21)
            await body.add_weight_log(weight=72, var_date=day, time="06:30:00")
            raw = await body.get_weight_by_date_without_preload_content(var_date=day)
            logs = orjson.loads(await raw.read())["weight"]
            assert [e["weight"] for e in logs] == [72] and logs[0]["time"] == "06:30:00"
            await body.delete_weight_log(body_weight_log_id=logs[0]["logId"])
            raw = await body.get_weight_by_date_without_preload_content(var_date=day)
            assert orjson.loads(await raw.read())["weight"] == []

    asyncio.run(run())


def test_a_weight_log_records_a_body_change_on_its_day(fresh_world: World) -> None:
    w = fresh_world
    last = w.services.store.changes.since(0, limit=100_000)[-1].id or 0
    made = post(w, "/1/user/-/body/log/weight.json", {"weight": "70", "date": DAY})["weightLog"]
    delete(w, f"/1/user/-/body/log/weight/{made['logId']}.json")
    changes = [(c.collection, c.kind, c.user_id, str(c.day)) for c in w.services.store.changes.since(last)]
    assert changes == [("body", "created", w.user.id, DAY), ("body", "deleted", w.user.id, DAY)]
