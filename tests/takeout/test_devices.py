"""Paired devices from the export's rows (sources/takeout/stores.py `device`, `store_devices`)."""

from __future__ import annotations

import pytest

from fitbit_local.services import Services
from fitbit_local.sources.takeout.records import DeviceRecord
from fitbit_local.sources.takeout.stores import device, store_devices
from fitbit_local.sources.takeout.zones import LocalClock
from fitbit_local.store.devices import DeviceRepository
from tests.factories import make_user

CLOCK = LocalClock("Europe/Paris")


@pytest.mark.parametrize(
    ("written", "battery", "level"),
    [
        ("HIGH", "High", 75),
        ("full", "High", 100),
        ("Medium", "Medium", 50),
        ("LOW", "Low", 20),
        ("EMPTY", "Empty", 0),
        ("82", "High", 82),
        ("40.4", "Medium", 40),
        ("3", "Empty", 3),
        ("250", "High", 100),
        ("nan", None, None),
        ("inf", None, None),
        ("charging", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_the_battery_as_a_word_and_a_level(
    written: str | None, battery: str | None, level: int | None
) -> None:
    row = device("U1", DeviceRecord("1", "TRACKER", "Charge 5", None, written), CLOCK)
    assert (row.battery, row.battery_level) == (battery, level)


def test_a_row_becomes_a_device() -> None:
    tracker = device("U1", DeviceRecord("9", "TRACKER", "Charge 5", "2024-07-01T10:00:00Z", "HIGH"), CLOCK)
    assert tracker.type == "TRACKER" and tracker.device_version == "Charge 5"
    assert tracker.last_sync_time == "2024-07-01T12:00:00.000"  # Paris in summer, UTC+2
    assert (
        len(tracker.mac) == 12
        and tracker.mac == device("U1", DeviceRecord("9", None, None, None, None), CLOCK).mac
    )
    scale = device("U1", DeviceRecord("7", None, None, "garbage", None, listed_in="Scales"), CLOCK)
    assert (scale.type, scale.device_version, scale.last_sync_time) == ("SCALE", "Aria", None)
    assert (
        device("U1", DeviceRecord("8", "Aria 2", None, None, None, listed_in="Devices"), CLOCK).type
        == "SCALE"
    )


def test_devices_csv_only_when_there_is_no_other_list(services: Services) -> None:
    user = make_user(services)
    listed = [
        DeviceRecord("123", "TRACKER", "Charge 2", None, "HIGH"),
        DeviceRecord(
            "ABCDEF", "Charge 2", None, None, None, listed_in="Devices"
        ),  # the same tracker, another id
    ]
    assert store_devices(services.store, user.id, listed, CLOCK) == 1
    assert [d.device_id for d in DeviceRepository(services.store.engine).devices(user.id)] == ["123"]
    assert (
        store_devices(services.store, user.id, listed[1:], CLOCK) == 1
    )  # a later export with Devices.csv only
    assert [d.device_id for d in DeviceRepository(services.store.engine).devices(user.id)] == ["ABCDEF"]
