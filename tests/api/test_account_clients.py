"""Real clients against a real server on loopback: python-fitbit 0.3.1 and the generated fitbit-web-api 2.0.1
(async) on the activity log, device, alarm, friends, invitation, badges and profile-update endpoints."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.api.conftest import END, World
from tests.factories import issue_token, make_app, make_user

fitbit = pytest.importorskip("fitbit")
web_api = pytest.importorskip("fitbit_web_api")


def test_python_fitbit_account(client, live_world: World) -> None:  # type: ignore[no-untyped-def]
    logged = client.log_activity(
        {
            "activityId": 90009,
            "startTime": "06:30",
            "durationMillis": 1_200_000,
            "date": str(END),
            "distance": 3.0,
        }
    )["activityLog"]
    day = client.activities(date=END)
    assert logged["logId"] in [a["logId"] for a in day["activities"]]
    [device] = client.get_devices()
    assert device["type"] == "TRACKER"
    alarm = client.add_alarm(device["id"], datetime(2024, 3, 10, 7, 0), ["MONDAY"])
    alarms = client.get_alarms(device["id"])["trackerAlarms"]
    assert [a["alarmId"] for a in alarms] == [alarm["trackerAlarm"]["alarmId"]]
    assert client.get_friends() == {"data": []}
    assert "badges" in client.get_badges()
    assert (
        client.user_profile_update({"aboutMe": "From python-fitbit"})["user"]["aboutMe"]
        == "From python-fitbit"
    )
    assert client.activity_stats()["lifetime"]["tracker"]["steps"] > 0
    assert client.activities_list()["categories"]
    assert client.activity_detail(90013)["activity"]["name"] == "Walk"
    assert client.activities_daily_goal(steps=9000)["goals"]["steps"] == 9000


def test_fitbit_web_api_account(live_world: World) -> None:
    async def run() -> dict[str, Any]:
        config = web_api.Configuration(host=str(live_world.http.base_url).rstrip("/"))
        config.access_token = str(live_world.token["access_token"])
        async with web_api.ApiClient(config) as api:
            activity = web_api.ActivityApi(api)
            devices = web_api.DevicesApi(api)
            out: dict[str, Any] = {}
            created = await activity.add_activities_log_without_preload_content(
                activity_id=90013,
                manual_calories=120,
                start_time="11:00",
                duration_millis=600_000,
                var_date=str(END),
                distance=1,
            )
            out["created"] = (created.status, json.loads(await created.read()))
            listed = await activity.get_activities_log_list_without_preload_content(
                sort="desc", offset=0, limit=5, before_date=END + timedelta(days=1)
            )
            out["list"] = json.loads(await listed.read())
            goals = await activity.get_activities_goals_without_preload_content(period="daily")
            out["goals"] = json.loads(await goals.read())
            got = await devices.get_devices_without_preload_content()
            out["devices"] = json.loads(await got.read())
            return out

    out = asyncio.run(run())
    status, created = out["created"]
    assert status == 201 and created["activityLog"]["calories"] == 120
    assert created["activityLog"]["logId"] in [a["logId"] for a in out["list"]["activities"]]
    assert out["goals"]["goals"]["steps"] > 0 and out["devices"][0]["type"] == "TRACKER"


def test_python_fitbit_invitations(client, live_world: World) -> None:  # type: ignore[no-untyped-def]
    """python-fitbit 0.3.1's invite_friend(_by_userid/_by_email), accept_invite and reject_invite (POSTs under /1)."""
    services = live_world.services
    app = make_app(services, "server", name="friends' app")

    def other(name: str) -> Any:
        user = make_user(services, name=name, timezone="America/New_York")
        token = str(issue_token(services, app.client_id, user.id)["access_token"])
        return user, fitbit.Fitbit(
            "client", "secret", access_token=token, refresh_token="r" * 64, expires_at=4_102_444_800
        )

    (dora, as_dora), (eve, as_eve) = other("dora"), other("eve")
    sent = client.invite_friend_by_userid(dora.id)
    assert sent["data"]["relationships"]["to"]["data"]["id"] == dora.id
    assert client.invite_friend({"invitedUserEmail": "eve@example.com"})["data"]["id"] == live_world.user.id
    assert as_dora.accept_invite(live_world.user.id)["data"]["attributes"]["friend"] is True
    assert as_eve.reject_invite(live_world.user.id)["data"]["attributes"]["friend"] is False
    assert dora.id in [p["id"] for p in client.get_friends()["data"]]
    assert eve.id not in [p["id"] for p in client.get_friends()["data"]]
    with pytest.raises(fitbit.exceptions.HTTPNotFound):
        as_eve.respond_to_invite(live_world.user.id, accept=True)  # rejected: nothing left to answer
    with pytest.raises(fitbit.exceptions.HTTPBadRequest):
        client.invite_friend_by_email("nobody@example.com")
