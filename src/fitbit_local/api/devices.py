"""Devices and tracker alarms [DOC devices/get-devices, get-alarms, add-alarm, update-alarm, delete-alarm;
reference §3.16, §4.11].

A user whose import found their paired devices (Takeout `Paired Devices/`) has those, as the export last saw
them. Any other user with data has one tracker: its id and MAC are derived from the user's id (stable, so clients
can keep them); it last synced at the latest stored minute by the sandbox clock (today's minutes so far, or the end
of the last day with data); its battery runs down over the week and is charged every seventh day.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import entity_id_parser
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.errors import FitbitError
from fitbit_local.store.devices import (
    Alarm,
    AlarmRepository,
    AlarmSettings,
    Device,
    DeviceRepository,
    battery_word,
)

TRACKER_MODEL = "Charge 6"
WEEK_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def tracker_id(user_id: str) -> str:
    digest = hashlib.sha256(f"tracker:{user_id}".encode()).digest()
    return str(100_000_000 + int.from_bytes(digest[:4], "big") % 900_000_000)


def _mac(user_id: str) -> str:
    return hashlib.sha256(f"mac:{user_id}".encode()).hexdigest()[:12].upper()


def last_sync(ctx: RequestContext) -> datetime | None:
    """The latest stored minute by the sandbox clock, as the user's local wall-clock time."""
    known = ctx.services.cached(
        ("day range", ctx.user.id), lambda: ctx.services.store.series.day_range(ctx.user.id)
    )
    if known is None:
        return None
    last_day = min(known[1], ctx.today)
    if last_day == ctx.today:
        local_now = datetime.fromtimestamp(ctx.now, ZoneInfo(ctx.user.current_timezone))
        minute = max(0, local_now.hour * 60 + local_now.minute - 1)  # the last completed minute
        return datetime.combine(last_day, time(0)) + timedelta(minutes=minute)
    return datetime.combine(last_day, time(23, 59))


def battery_level(day: date) -> int:
    """Full on the day of the charge, 14 points less each following day."""
    return 100 - 14 * (day.toordinal() % 7)


def stored_devices(ctx: RequestContext) -> list[Device]:
    return ctx.services.cached(
        ("devices", ctx.user.id), lambda: DeviceRepository(ctx.services.store.engine).devices(ctx.user.id)
    )


def device_json(device: Device) -> dict[str, Any]:
    out: dict[str, Any] = {
        "battery": device.battery or "Empty",
        "batteryLevel": device.battery_level if device.battery_level is not None else 0,
        "deviceVersion": device.device_version,
        "features": [],
        "id": device.device_id,
        "mac": device.mac,
        "type": device.type,
    }
    if device.last_sync_time is not None:
        out["lastSyncTime"] = device.last_sync_time
    return dict(sorted(out.items()))


def get_devices(ctx: RequestContext) -> list[dict[str, Any]]:
    stored = stored_devices(ctx)
    if stored:
        return [device_json(d) for d in stored]
    synced = last_sync(ctx)
    if synced is None:  # no data, no tracker
        return []
    level = battery_level(synced.date())
    return [
        {
            "battery": battery_word(level),
            "batteryLevel": level,
            "deviceVersion": TRACKER_MODEL,
            "features": [],
            "id": tracker_id(ctx.user.id),
            "lastSyncTime": synced.strftime("%Y-%m-%dT%H:%M:%S.000"),
            "mac": _mac(ctx.user.id),
            "type": "TRACKER",
        }
    ]


# --- alarms ----------------------------------------------------------------------------------------------------


def _tracker(ctx: RequestContext) -> str:
    """The path's tracker: one of the user's own, else 404."""
    wanted = str(ctx.args["tracker_id"])
    stored = stored_devices(ctx)
    if stored:
        if not any(d.device_id == wanted and d.type == "TRACKER" for d in stored):
            raise FitbitError("entity_not_found")
    elif wanted != tracker_id(ctx.user.id) or last_sync(ctx) is None:
        raise FitbitError("entity_not_found")
    return wanted


def alarm_json(alarm: Alarm) -> dict[str, Any]:
    s = alarm.settings
    out: dict[str, Any] = {
        "alarmId": alarm.alarm_id,
        "deleted": False,
        "enabled": s.enabled,
        "recurring": s.recurring,
        "snoozeCount": s.snooze_count,
        "snoozeLength": s.snooze_length,
        "syncedToDevice": False,
        "time": s.time,
        "vibe": s.vibe,
        "weekDays": s.week_days.split(",") if s.week_days else [],
    }
    if s.label is not None:
        out["label"] = s.label
    return out


def repository(ctx: RequestContext) -> AlarmRepository:
    return AlarmRepository(ctx.services.store.engine)


def get_alarms(ctx: RequestContext) -> dict[str, Any]:
    return {"trackerAlarms": [alarm_json(a) for a in repository(ctx).alarms(ctx.user.id, _tracker(ctx))]}


def _settings(ctx: RequestContext) -> AlarmSettings:
    args = ctx.args
    return AlarmSettings(
        time=args["time"],
        enabled=args["enabled"],
        recurring=args["recurring"],
        week_days=args["weekDays"],
        snooze_length=args.get("snoozeLength", 9),
        snooze_count=args.get("snoozeCount", 3),
        label=args.get("label"),
        vibe=args.get("vibe", "DEFAULT"),
    )


def add_alarm(ctx: RequestContext) -> dict[str, Any]:
    return {"trackerAlarm": alarm_json(repository(ctx).create(ctx.user.id, _tracker(ctx), _settings(ctx)))}


def update_alarm(ctx: RequestContext) -> dict[str, Any]:
    alarm = repository(ctx).update(ctx.user.id, _tracker(ctx), ctx.args["alarm_id"], _settings(ctx))
    if alarm is None:
        raise FitbitError("entity_not_found")
    return {"trackerAlarm": alarm_json(alarm)}


def delete_alarm(ctx: RequestContext) -> None:
    if not repository(ctx).delete(ctx.user.id, _tracker(ctx), ctx.args["alarm_id"]):
        raise FitbitError("entity_not_found")


# --- parameters ------------------------------------------------------------------------------------------------


def _invalid(field: str, value: str) -> FitbitError:
    return FitbitError("validation_value", field_name=field, field=field, value=value[:40])


def _id(raw: str, scope: ParseScope) -> str:
    """A tracker id: digits as Fitbit's, or an imported device's id (letters and digits)."""
    if not re.fullmatch(r"[0-9A-Za-z]{1,32}", raw):
        raise FitbitError("entity_not_found")
    return raw


_alarm_id = entity_id_parser()


_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d([+-](0\d|1[0-4]):[0-5]\d)?$")


def _time(raw: str, scope: ParseScope) -> str:
    """``07:15-08:00``: the time of day with its UTC offset [DOC add-alarm]; python-fitbit 0.3.1 sends a naive
    time without one (``strftime("%H:%M%z")`` of a naive datetime), which is kept as sent."""
    if not _TIME.match(raw):
        raise _invalid("time", raw)
    return raw


def _boolean(field: str) -> Any:
    def parse(raw: str, scope: ParseScope) -> bool:
        if raw.lower() not in ("true", "false"):
            raise _invalid(field, raw)
        return raw.lower() == "true"

    return parse


def _week_days(raw: str, scope: ParseScope) -> str:
    days = [d.strip().upper() for d in raw.split(",") if d.strip()]
    if not days or any(d not in WEEK_DAYS for d in days):
        raise _invalid("weekDays", raw)
    return ",".join(sorted(set(days), key=WEEK_DAYS.index))


def _small(field: str, high: int) -> Any:
    def parse(raw: str, scope: ParseScope) -> int:
        if not raw.isdigit() or not 0 <= int(raw) <= high:
            raise _invalid(field, raw)
        return int(raw)

    return parse


def _label(raw: str, scope: ParseScope) -> str:
    if any(ord(c) < 32 for c in raw):
        raise _invalid("label", raw.encode("unicode_escape").decode())
    return raw[:200]


def _vibe(raw: str, scope: ParseScope) -> str:
    if raw != "DEFAULT":
        raise _invalid("vibe", raw)
    return raw


TRACKER_ID = Param(
    "tracker-id",
    "tracker_id",
    "path",
    _id,
    {"type": "string", "pattern": r"^\d+$"},
    "the tracker's id (GET devices.json)",
    created_by=("getDevices", "/0/id"),
)
ALARM_ID = Param(
    "alarm-id",
    "alarm_id",
    "path",
    _alarm_id,
    {"type": "string", "pattern": r"^\d+$"},
    "the alarm's id",
    created_by=("addAlarms", "/trackerAlarm/alarmId"),
)
_BOOL = schemas.enum("true", "false")
ALARM_FORM = (
    Param(
        "time",
        "time",
        "form",
        _time,
        {"type": "string", "pattern": _TIME.pattern, "examples": ["07:15-08:00"]},
    ),
    Param("enabled", "enabled", "form", _boolean("enabled"), _BOOL),
    Param("recurring", "recurring", "form", _boolean("recurring"), _BOOL),
    Param("weekDays", "weekDays", "form", _week_days, {"type": "string", "examples": ["MONDAY,TUESDAY"]}),
)
UPDATE_FORM = (
    *ALARM_FORM,
    Param(
        "snoozeLength",
        "snoozeLength",
        "form",
        _small("snoozeLength", 60),
        {"type": "string", "examples": ["9"]},
    ),
    Param(
        "snoozeCount", "snoozeCount", "form", _small("snoozeCount", 20), {"type": "string", "examples": ["3"]}
    ),
    Param("label", "label", "form", _label, {"type": "string", "examples": ["Wake up"]}, required=False),
    Param("vibe", "vibe", "form", _vibe, schemas.enum("DEFAULT"), required=False),
)

_DEVICE = schemas.obj(
    {
        "battery": schemas.enum("High", "Medium", "Low", "Empty"),
        "batteryLevel": schemas.INTEGER,
        "deviceVersion": schemas.STRING,
        "features": schemas.array(schemas.STRING),
        "id": schemas.STRING,
        "lastSyncTime": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$"},
        "mac": schemas.STRING,
        "type": schemas.enum("TRACKER", "SCALE"),
    }
)
_ALARM = schemas.obj(
    {
        "alarmId": schemas.INTEGER,
        "deleted": schemas.BOOLEAN,
        "enabled": schemas.BOOLEAN,
        "recurring": schemas.BOOLEAN,
        "snoozeCount": schemas.INTEGER,
        "snoozeLength": schemas.INTEGER,
        "syncedToDevice": schemas.BOOLEAN,
        "time": schemas.STRING,
        "vibe": schemas.STRING,
        "weekDays": schemas.array(schemas.enum(*WEEK_DAYS)),
    },
    {"label": schemas.STRING},
)
ALARMS = "/user/{user_id}/devices/tracker/{tracker_id}/alarms"

ROWS = (
    Endpoint(
        "getDevices",
        "GET",
        ("/user/{user_id}/devices.json",),
        get_devices,
        scope="settings",
        response=schemas.array(_DEVICE),
        summary="Get Devices",
    ),
    Endpoint(
        "getAlarms",
        "GET",
        (ALARMS + ".json",),
        get_alarms,
        scope="settings",
        response=schemas.obj({"trackerAlarms": schemas.array(_ALARM)}),
        summary="Get Alarms",
        path_params=(TRACKER_ID,),
    ),
    Endpoint(
        "addAlarms",
        "POST",
        (ALARMS + ".json",),
        add_alarm,
        scope="settings",
        response=schemas.obj({"trackerAlarm": _ALARM}),
        summary="Create Alarm",
        path_params=(TRACKER_ID,),
        form=ALARM_FORM,
        write=True,
        status=201,
    ),
    Endpoint(
        "updateAlarms",
        "POST",
        (ALARMS + "/{alarm_id}.json",),
        update_alarm,
        scope="settings",
        response=schemas.obj({"trackerAlarm": _ALARM}),
        summary="Update Alarm",
        path_params=(TRACKER_ID, ALARM_ID),
        form=UPDATE_FORM,
        write=True,
    ),
    Endpoint(
        "deleteAlarms",
        "DELETE",
        (ALARMS + "/{alarm_id}.json",),
        delete_alarm,
        scope="settings",
        response=schemas.EMPTY,
        summary="Delete Alarm",
        path_params=(TRACKER_ID, ALARM_ID),
        write=True,
        status=204,
    ),
)
