"""Devices and tracker alarms through HTTP: the tracker derived from the data, alarms created, updated, deleted."""

from __future__ import annotations

from fitbit_local.store.devices import Device, DeviceRepository
from tests.api.conftest import World
from tests.factories import bearer


def test_the_tracker_and_its_alarms(world: World) -> None:
    [device] = world.ok("/1/user/-/devices.json")
    assert device["type"] == "TRACKER" and 0 < device["batteryLevel"] <= 100
    assert world.ok("/1/user/-/devices.json") == [device]  # stable id and MAC
    alarms = f"/1/user/-/devices/tracker/{device['id']}/alarms"
    form = {"time": "07:15-05:00", "enabled": "true", "recurring": "true", "weekDays": "TUESDAY,MONDAY"}
    created = world.http.post(alarms + ".json", data=form, headers=bearer(world.token))
    assert created.status_code == 201, created.text
    alarm = created.json()["trackerAlarm"]
    assert alarm["weekDays"] == ["MONDAY", "TUESDAY"] and alarm["snoozeLength"] == 9
    assert world.ok(alarms + ".json")["trackerAlarms"] == [alarm]
    update = {**form, "enabled": "false", "snoozeLength": "5", "snoozeCount": "2", "label": "Run"}
    changed = world.http.post(f"{alarms}/{alarm['alarmId']}.json", data=update, headers=bearer(world.token))
    assert changed.status_code == 200 and changed.json()["trackerAlarm"]["enabled"] is False
    assert world.ok(alarms + ".json")["trackerAlarms"][0]["label"] == "Run"
    bad = world.http.post(alarms + ".json", data={**form, "weekDays": "FUNDAY"}, headers=bearer(world.token))
    assert bad.status_code == 400
    other = world.get("/1/user/-/devices/tracker/1/alarms.json")
    assert other.status_code == 404
    gone = world.http.delete(f"{alarms}/{alarm['alarmId']}.json", headers=bearer(world.token))
    assert gone.status_code == 204 and world.ok(alarms + ".json")["trackerAlarms"] == []


def test_stored_devices_replace_the_derived_tracker(world: World) -> None:
    """A user whose import found paired devices has exactly those; alarms go to a stored tracker, not a scale."""
    derived = world.ok("/1/user/-/devices.json")[0]["id"]
    found = [
        Device("816713257", "TRACKER", "Charge 2", "2019-11-07T12:00:58.000", "Medium", 60, "16ADD56D54GD"),
        Device("77", "SCALE", "Aria", None, None, None, "0A0B0C0D0E0F"),
    ]
    repository = DeviceRepository(world.services.store.engine)
    assert repository.replace(world.user.id, found) == 2
    assert repository.replace(world.user.id, found) == 0  # held as it is: nothing written
    served = world.ok("/1/user/-/devices.json")
    assert served[1] == {  # Fitbit's own example [DOC get-devices]
        "battery": "Medium",
        "batteryLevel": 60,
        "deviceVersion": "Charge 2",
        "features": [],
        "id": "816713257",
        "lastSyncTime": "2019-11-07T12:00:58.000",
        "mac": "16ADD56D54GD",
        "type": "TRACKER",
    }
    assert served[0]["type"] == "SCALE" and "lastSyncTime" not in served[0]
    assert world.ok("/1/user/-/devices/tracker/816713257/alarms.json") == {"trackerAlarms": []}
    assert world.get("/1/user/-/devices/tracker/77/alarms.json").status_code == 404  # a scale has no alarms
    assert world.get(f"/1/user/-/devices/tracker/{derived}/alarms.json").status_code == 404
    # a later list without the scale: it is no longer paired
    assert repository.replace(world.user.id, found[:1]) == 1
    assert [d["id"] for d in world.ok("/1/user/-/devices.json")] == ["816713257"]
