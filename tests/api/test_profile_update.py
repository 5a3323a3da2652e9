"""Profile update: every documented field, and what later reads see."""

from __future__ import annotations

from tests.api.conftest import END, World
from tests.factories import bearer


def update(world: World, **form: str) -> dict:  # type: ignore[type-arg]
    response = world.http.post("/1/user/-/profile.json", data=form, headers=bearer(world.token))
    assert response.status_code == 200, response.text
    return response.json()["user"]  # type: ignore[no-any-return]


def test_fields_and_strides(world: World) -> None:
    user = update(
        world,
        aboutMe="Hi",
        city="Boston",
        state="MA",
        country="US",
        strideLengthWalking="72",
        weightUnit="en_GB",
        heightUnit="en_US",
        startDayOfWeek="MONDAY",
        foodsLocale="fr_FR",
        fullname="Ann Other",
    )
    assert user["aboutMe"] == "Hi" and user["fullName"] == "Ann Other" and user["weightUnit"] == "en_GB"
    assert user["strideLengthWalking"] == 72 and user["strideLengthWalkingType"] == "manual"
    assert (
        user["distanceUnit"] == "en_US"
        and user["startDayOfWeek"] == "MONDAY"
        and user["foodsLocale"] == "fr_FR"
    )
    assert user["city"] == "Boston"  # the token has the location scope
    # the stride is used for logged steps: 1 km at 72 cm
    log = world.http.post(
        "/1/user/-/activities.json",
        headers=bearer(world.token),
        data={
            "activityId": "90013",
            "startTime": "05:00",
            "durationMillis": "600000",
            "date": str(END),
            "distance": "1",
            "distanceUnit": "Kilometer",
        },
    ).json()
    assert log["activityLog"]["steps"] == round(100_000 / 72)
    assert (
        world.http.post(
            "/1/user/-/profile.json", data={"weightUnit": "stone"}, headers=bearer(world.token)
        ).status_code
        == 400
    )


def test_time_zone_change_is_history(world: World) -> None:
    before = world.ok(f"/1/user/-/activities/steps/date/{END}/7d.json")
    user = update(world, timezone="Europe/Paris")
    assert user["timezone"] == "Europe/Paris"
    zones = world.services.store.users.get(world.user.id).timezones  # type: ignore[union-attr]
    assert zones[0][1] == "America/New_York" and zones[-1][1] == "Europe/Paris"
    assert world.ok(f"/1/user/-/activities/steps/date/{END}/7d.json") == before  # past days keep their zone
    assert update(world, localeLang="de", localeCountry="DE")["locale"] == "de_DE"
