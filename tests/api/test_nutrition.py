"""Nutrition through HTTP: the food database, food logs (by id, by name; edit; delete) with the day's summary and the
caloriesIn series, water in each unit system, goals, custom and favorite foods, recent and frequent foods, errors,
and two real clients (python-fitbit 0.3.1, fitbit-web-api 2.0.1) writing, reading and deleting on a live server."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from fitbit_local.api.units import ML_PER_CUP, ML_PER_FL_OZ
from tests.api.conftest import World
from tests.factories import bearer, issue_token, make_app, make_user

DAY = "2024-03-12"  # after the synthetic days: only what the test logs is there
APPLE = 80001  # data/foods.json: one medium apple, 95 kcal, 182 g
NOT_FOUND = "Requested entity was not found"


def post(world: World, path: str, data: dict[str, str], status: int = 201, **headers: str) -> Any:
    response = world.http.post(path, data=data, headers={**bearer(world.token), **headers})
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def delete(world: World, path: str, status: int = 204) -> Any:
    response = world.http.delete(path, headers=bearer(world.token))
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def test_food_database(world: World) -> None:
    found = world.ok("/1/foods/search.json?query=apple")["foods"]
    assert found[0]["name"] == "Apple" and found[0]["foodId"] == APPLE
    assert all("apple" in f["name"].lower() for f in found)
    assert world.ok("/1/foods/search.json?query=chicken%20curry")["foods"][0]["name"] == "Chicken curry"
    assert world.ok("/1/foods/search.json?query=zzzz")["foods"] == []
    food = world.ok(f"/1/foods/{APPLE}.json")["food"]
    assert food["calories"] == 95 and food["defaultUnit"]["name"] == "medium"
    assert food["nutritionalValues"]["carbs"] == 25.1
    assert [s["unitId"] for s in food["servings"]] == food["units"]
    units = {u["id"]: u for u in world.ok("/1/foods/units.json")}
    assert set(food["units"]) <= set(units) and units[147]["name"] == "gram"
    assert {"barcode", "imageUpload", "label", "value"} == set(world.ok("/1/foods/locales.json")[0])
    assert world.error("/1/foods/99999999.json", 404)["message"] == NOT_FOUND


def test_food_log_round_trip(fresh_world: World) -> None:
    w = fresh_world
    made = post(
        w,
        "/1/user/-/foods/log.json",
        {"foodId": str(APPLE), "mealTypeId": "1", "unitId": "147", "amount": "364", "date": DAY},
    )
    log = made["foodLog"]
    assert (
        log["loggedFood"]["calories"] == 190 and log["nutritionalValues"]["calories"] == 190
    )  # two apples by weight
    assert made["foodDay"] == {"date": DAY, "summary": {**log["nutritionalValues"], "water": 0}}
    day = w.ok(f"/1/user/-/foods/log/date/{DAY}.json")
    assert [f["logId"] for f in day["foods"]] == [log["logId"]] and day["summary"]["calories"] == 190
    assert day["goals"]["calories"] > 1000
    series = w.ok(f"/1/user/-/foods/log/caloriesIn/date/{DAY}/1d.json")
    assert series == {"foods-log-caloriesIn": [{"dateTime": DAY, "value": "190"}]}
    edited = post(
        w,
        f"/1/user/-/foods/log/{log['logId']}.json",
        {"mealTypeId": "3", "unitId": "204", "amount": "1"},
        status=200,
    )
    assert (
        edited["foodLog"]["loggedFood"]["mealTypeId"] == 3
        and edited["foodLog"]["nutritionalValues"]["calories"] == 95
    )
    assert w.ok(f"/1/user/-/foods/log/date/{DAY}.json")["summary"]["calories"] == 95
    recent = w.ok("/1/user/-/foods/log/recent.json")
    assert recent[0]["foodId"] == APPLE and recent[0]["dateLastEaten"] == DAY
    assert APPLE in [f["foodId"] for f in w.ok("/1/user/-/foods/log/frequent.json")]
    delete(w, f"/1/user/-/foods/log/{log['logId']}.json")
    assert w.ok(f"/1/user/-/foods/log/date/{DAY}.json")["foods"] == []
    assert (
        w.ok(f"/1/user/-/foods/log/caloriesIn/date/{DAY}/1d.json")["foods-log-caloriesIn"][0]["value"] == "0"
    )


def test_food_log_by_name_and_calories(fresh_world: World) -> None:
    w = fresh_world
    made = post(
        w,
        "/1/user/-/foods/log.json",
        {
            "foodName": "Soup",
            "calories": "240",
            "mealTypeId": "7",
            "unitId": "304",
            "amount": "1",
            "date": DAY,
        },
    )["foodLog"]
    assert made["loggedFood"]["foodId"] == 0 and made["loggedFood"]["name"] == "Soup"
    assert w.ok(f"/1/user/-/foods/log/date/{DAY}.json")["summary"]["calories"] == 240
    refused = post(
        w, f"/1/user/-/foods/log/{made['logId']}.json", {"mealTypeId": "7", "amount": "2"}, status=400
    )
    assert refused["errors"][0]["message"] == "Food log entry without food could not be updated"
    changed = post(
        w, f"/1/user/-/foods/log/{made['logId']}.json", {"mealTypeId": "5", "calories": "300"}, status=200
    )
    assert changed["foodLog"]["nutritionalValues"]["calories"] == 300
    missing = post(
        w,
        "/1/user/-/foods/log.json",
        {"foodName": "Soup", "mealTypeId": "7", "unitId": "304", "amount": "1", "date": DAY},
        status=400,
    )
    assert missing["errors"][0]["fieldName"] == "calories"
    neither = post(
        w,
        "/1/user/-/foods/log.json",
        {"mealTypeId": "7", "unitId": "304", "amount": "1", "date": DAY},
        status=400,
    )
    assert neither["errors"][0]["fieldName"] == "foodId"
    bad_unit = post(
        w,
        "/1/user/-/foods/log.json",
        {"foodId": str(APPLE), "mealTypeId": "1", "unitId": "43", "amount": "1", "date": DAY},
        status=400,
    )
    assert bad_unit["errors"][0]["fieldName"] == "unitId"
    bad_meal = post(
        w,
        "/1/user/-/foods/log.json",
        {"foodId": str(APPLE), "mealTypeId": "9", "unitId": "147", "amount": "1", "date": DAY},
        status=400,
    )
    assert bad_meal["errors"][0]["fieldName"] == "mealTypeId"


@pytest.mark.parametrize(
    ("headers", "ml_per_unit"),
    [({}, 1.0), ({"Accept-Language": "en_US"}, ML_PER_FL_OZ), ({"Accept-Language": "en_GB"}, 1.0)],
    ids=["metric", "en_US", "en_GB"],
)
def test_water_round_trip_in_each_unit_system(fresh_world: World, headers, ml_per_unit) -> None:
    w = fresh_world
    made = post(w, "/1/user/-/foods/log/water.json", {"amount": "16", "date": DAY}, **headers)["waterLog"]
    assert made["amount"] == 16
    cup = post(w, "/1/user/-/foods/log/water.json", {"amount": "1", "date": DAY, "unit": "cup"}, **headers)[
        "waterLog"
    ]
    assert cup["amount"] == pytest.approx(ML_PER_CUP / ml_per_unit, abs=0.01)
    metric = w.ok(f"/1/user/-/foods/log/water/date/{DAY}.json")
    assert metric["summary"]["water"] == pytest.approx(16 * ml_per_unit + ML_PER_CUP, abs=0.01)
    same = w.ok(f"/1/user/-/foods/log/water/date/{DAY}.json", **headers)
    assert [e["logId"] for e in same["water"]] == [made["logId"], cup["logId"]]
    series = w.ok(f"/1/user/-/foods/log/water/date/{DAY}/1d.json", **headers)["foods-log-water"]
    assert float(series[0]["value"]) == pytest.approx(same["summary"]["water"], abs=0.1)
    assert (
        w.ok(f"/1/user/-/foods/log/date/{DAY}.json", **headers)["summary"]["water"]
        == same["summary"]["water"]
    )
    updated = post(
        w,
        f"/1/user/-/foods/log/water/{made['logId']}.json",
        {"amount": "500", "unit": "ml"},
        status=200,
        **headers,
    )
    assert updated["waterLog"]["amount"] == pytest.approx(500 / ml_per_unit, abs=0.01)
    delete(w, f"/1/user/-/foods/log/water/{made['logId']}.json")
    delete(w, f"/1/user/-/foods/log/water/{made['logId']}.json", status=404)
    assert [e["logId"] for e in w.ok(f"/1/user/-/foods/log/water/date/{DAY}.json")["water"]] == [cup["logId"]]
    goal = post(w, "/1/user/-/foods/log/water/goal.json", {"target": "64"}, status=200, **headers)["goal"]
    assert goal["goal"] == 64
    assert w.ok("/1/user/-/foods/log/water/goal.json")["goal"]["goal"] == pytest.approx(
        64 * ml_per_unit, abs=0.1
    )


def test_food_goals(fresh_world: World) -> None:
    w = fresh_world
    assert post(w, "/1/user/-/foods/log/goal.json", {"calories": "1900"}, status=200) == {
        "goals": {"calories": 1900}
    }
    assert w.ok(f"/1/user/-/foods/log/date/{DAY}.json")["goals"] == {"calories": 1900}
    plan = post(
        w, "/1/user/-/foods/log/goal.json", {"intensity": "MEDIUM", "personalized": "true"}, status=200
    )
    assert plan["foodPlan"]["intensity"] == "MEDIUM" and plan["foodPlan"]["personalized"] is True
    maintenance = post(w, "/1/user/-/foods/log/goal.json", {"intensity": "MAINTENANCE"}, status=200)
    assert maintenance["goals"]["calories"] == plan["goals"]["calories"] + 500
    assert w.ok("/1/user/-/foods/log/goal.json") == maintenance
    missing = post(w, "/1/user/-/foods/log/goal.json", {"personalized": "true"}, status=400)
    assert missing["errors"][0]["fieldName"] == "calories"


def test_custom_and_favorite_foods(fresh_world: World) -> None:
    w = fresh_world
    made = post(
        w,
        "/1/user/-/foods.json",
        {
            "name": "Power bowl",
            "defaultFoodMeasurementUnitId": "27",
            "defaultServingSize": "1",
            "calories": "610",
            "protein": "35",
        },
    )["food"]
    food_id = made["foodId"]
    assert made["accessLevel"] == "PRIVATE" and made["calories"] == 610
    assert w.ok(f"/1/foods/{food_id}.json")["food"]["nutritionalValues"]["protein"] == 35
    post(
        w,
        "/1/user/-/foods/log.json",
        {
            "foodId": str(food_id),
            "mealTypeId": "3",
            "unitId": "27",
            "amount": "1",
            "date": DAY,
            "favorite": "true",
        },
    )
    assert [f["foodId"] for f in w.ok("/1/user/-/foods/log/favorite.json")] == [food_id]
    assert post(w, f"/1/user/-/foods/log/favorite/{APPLE}.json", {}) == {}
    assert {f["foodId"] for f in w.ok("/1/user/-/foods/log/favorite.json")} == {food_id, APPLE}
    assert w.ok(f"/1/user/-/foods/log/date/{DAY}.json")["foods"][0]["isFavorite"] is True
    delete(w, f"/1/user/-/foods/log/favorite/{APPLE}.json")
    # another user sees neither the food nor can delete it
    other = make_user(w.services, name="bob")
    app = make_app(w.services, "server", name="other app")
    token = issue_token(w.services, app.client_id, other.id)
    assert w.http.get(f"/1/foods/{food_id}.json", headers=bearer(token)).status_code == 404
    assert w.http.delete(f"/1/user/-/foods/{food_id}.json", headers=bearer(token)).status_code == 404
    delete(w, f"/1/user/-/foods/{food_id}.json")
    assert w.get(f"/1/foods/{food_id}.json").status_code == 404
    assert w.ok("/1/user/-/foods/log/favorite.json") == []


def test_someone_elses_or_unknown_log_is_not_found(fresh_world: World) -> None:
    w = fresh_world
    made = post(w, "/1/user/-/foods/log/water.json", {"amount": "250", "date": DAY})["waterLog"]
    other = make_user(w.services, name="carol")
    app = make_app(w.services, "server", name="other app")
    token = issue_token(w.services, app.client_id, other.id)
    response = w.http.delete(f"/1/user/-/foods/log/water/{made['logId']}.json", headers=bearer(token))
    assert response.status_code == 404 and response.json()["errors"][0]["message"] == NOT_FOUND
    assert delete(w, "/1/user/-/foods/log/987654.json", status=404)["errors"][0]["message"] == NOT_FOUND
    edit = post(w, "/1/user/-/foods/log/987654.json", {"mealTypeId": "1"}, status=404)
    assert edit["errors"][0]["message"] == NOT_FOUND


def test_read_only_app_cannot_log_food(fresh_world: World) -> None:
    w = fresh_world
    app = make_app(w.services, "server", name="reader", read_only=True)
    token = issue_token(w.services, app.client_id, w.user.id)
    response = w.http.post(
        "/1/user/-/foods/log/water.json", data={"amount": "250", "date": DAY}, headers=bearer(token)
    )
    assert response.status_code == 403
    assert (
        response.json()["errors"][0]["message"]
        == "Read-only API client is not authorized to update resources"
    )


def test_synthetic_food_follows_energy_expenditure(world: World) -> None:
    calories_in = world.ok("/1/user/-/foods/log/caloriesIn/date/2024-03-08/2024-03-10.json")[
        "foods-log-caloriesIn"
    ]
    calories_out = world.ok("/1/user/-/activities/calories/date/2024-03-08/2024-03-10.json")[
        "activities-calories"
    ]
    logged = [
        (int(i["value"]), int(o["value"]))
        for i, o in zip(calories_in, calories_out, strict=True)
        if i["value"] != "0"
    ]
    assert logged, "seed 7 logs food on some of these days"
    assert all(0.8 * out <= eaten <= 1.15 * out for eaten, out in logged)
    water = world.ok("/1/user/-/foods/log/water/date/2024-03-10/30d.json")["foods-log-water"]
    assert len(water) == 30


# --- real clients ---------------------------------------------------------------------------------------------------

fitbit = pytest.importorskip("fitbit")


def test_python_fitbit_logs_reads_and_deletes_food_and_water(client, live_world: World) -> None:  # type: ignore[no-untyped-def]
    day = date(2024, 2, 25)
    units = client.food_units()
    assert any(u["name"] == "gram" for u in units)
    apple = client.search_foods("apple")["foods"][0]
    made = client.foods_log(
        date=day,
        data={"foodId": apple["foodId"], "mealTypeId": 1, "unitId": apple["defaultUnit"]["id"], "amount": 1},
    )
    log_id = made["foodLog"]["logId"]
    logged = client.foods_log(date=day)
    assert [f["logId"] for f in logged["foods"]] == [log_id] and logged["summary"]["calories"] == apple[
        "calories"
    ]
    assert client.recent_foods()[0]["foodId"] == apple["foodId"]  # the latest logged first
    water = client.foods_log_water(date=day, data={"amount": 8})
    assert water["waterLog"]["amount"] == 8
    assert client.foods_log_water(date=day)["summary"]["water"] == 8
    water_series = client.time_series("foods/log/water", base_date=day, period="1d")["foods-log-water"]
    assert water_series == [{"dateTime": str(day), "value": "8.0"}]
    client.delete_foods_log(log_id)
    client.delete_foods_log_water(water["waterLog"]["logId"])
    assert client.foods_log(date=day)["foods"] == []
    assert client.foods_log_water(date=day)["water"] == []
    assert client.add_favorite_food(apple["foodId"]) == {}
    assert [f["foodId"] for f in client.favorite_foods()] == [apple["foodId"]]
    assert client.delete_favorite_food(apple["foodId"]) is True
    assert client.favorite_foods() == []
    assert client.food_goal(calories=2100)["goals"]["calories"] == 2100
    assert client.water_goal(target=70)["goal"]["goal"] == 70


def test_fitbit_web_api_logs_reads_and_deletes_food_and_water(live_world: World) -> None:
    web = pytest.importorskip("fitbit_web_api")
    import orjson

    async def run() -> None:
        config = web.Configuration(host=str(live_world.http.base_url).rstrip("/"))
        config.access_token = str(live_world.token["access_token"])
        async with web.ApiClient(config) as api_client:
            api = web.NutritionApi(api_client)
            day = date(2024, 2, 26)
            await api.add_foods_log(
                food_id=str(APPLE), meal_type_id="1", unit_id="147", amount="182", var_date=day
            )
            raw = await api.get_foods_by_date_without_preload_content(var_date=day)
            foods = orjson.loads(await raw.read())["foods"]
            assert [f["loggedFood"]["foodId"] for f in foods] == [APPLE]
            await api.delete_foods_log(food_log_id=str(foods[0]["logId"]))
            await api.add_water_log(var_date=day, amount=300, unit="ml")
            raw = await api.get_water_by_date_without_preload_content(var_date=day)
            water = orjson.loads(await raw.read())["water"]
            assert [e["amount"] for e in water] == [300]
            await api.delete_water_log(water_log_id=str(water[0]["logId"]))
            raw = await api.get_foods_by_date_without_preload_content(var_date=day)
            assert orjson.loads(await raw.read())["foods"] == []
            raw = await api.get_water_by_date_without_preload_content(var_date=day)
            assert orjson.loads(await raw.read())["water"] == []

    asyncio.run(run())


def test_meals_crud_with_a_json_body_and_with_form_fields(fresh_world: World) -> None:
    w = fresh_world
    body = {
        "name": "Usual breakfast",
        "description": "weekdays",
        "mealFoods": [{"foodId": APPLE, "amount": 2, "unitId": 204}],
    }
    response = w.http.post("/1/user/-/meals.json", json=body, headers=bearer(w.token))
    assert response.status_code == 201, response.text
    meal = response.json()["meal"]
    assert meal["name"] == "Usual breakfast" and meal["mealFoods"][0]["calories"] == 190
    assert w.ok(f"/1/user/-/meals/{meal['id']}.json") == {"meal": meal}
    form = post(
        w,
        "/1/user/-/meals.json",
        {"name": "Snack", "mealFoods": '[{"foodId": 80002, "amount": 1, "unitId": 204}]'},
    )
    assert [m["id"] for m in w.ok("/1/user/-/meals.json")["meals"]] == [meal["id"], form["meal"]["id"]]
    updated = post(
        w,
        f"/1/user/-/meals/{meal['id']}.json",
        {"name": "Big breakfast", "mealFoods": f'[{{"foodId": {APPLE}, "amount": 3, "unitId": 204}}]'},
        status=200,
    )["meal"]
    assert updated["name"] == "Big breakfast" and updated["mealFoods"][0]["amount"] == 3
    bad = post(
        w,
        "/1/user/-/meals.json",
        {"name": "x", "mealFoods": '[{"foodId": 80001, "amount": 1, "unitId": 43}]'},
        status=400,
    )
    assert bad["errors"][0]["fieldName"] == "mealFoods"
    other = make_user(w.services, name="dave")
    app = make_app(w.services, "server", name="other app")
    token = issue_token(w.services, app.client_id, other.id)
    assert w.http.get(f"/1/user/-/meals/{meal['id']}.json", headers=bearer(token)).status_code == 404
    delete(w, f"/1/user/-/meals/{meal['id']}.json")
    assert w.get(f"/1/user/-/meals/{meal['id']}.json").status_code == 404
    assert [m["id"] for m in w.ok("/1/user/-/meals.json")["meals"]] == [form["meal"]["id"]]


def test_food_and_water_logs_record_foods_changes_on_their_day(fresh_world: World) -> None:
    w = fresh_world
    last = w.services.store.changes.since(0, limit=100_000)[-1].id or 0
    post(w, "/1/user/-/foods/log/water.json", {"amount": "250", "date": DAY})
    post(
        w,
        "/1/user/-/foods/log.json",
        {"foodId": str(APPLE), "mealTypeId": "1", "unitId": "204", "amount": "1", "date": DAY},
    )
    changes = [(c.collection, c.kind, c.user_id, str(c.day)) for c in w.services.store.changes.since(last)]
    assert changes == [("foods", "created", w.user.id, DAY)] * 2
