"""The Takeout import end to end: archives of every layout written by our writer, imported through the CLI, and
read back through the HTTP API (the in-process app) — served values equal what the archive said."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from fitbit_local.cli import main
from fitbit_local.physiology.day import SLEEP_AWAKE
from fitbit_local.physiology.energy import bmr_mifflin_st_jeor
from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.sources.takeout.archive import Archive
from fitbit_local.sources.takeout.classify import inventory
from fitbit_local.sources.takeout.parsers import MILE_KM, POUND_KG
from fitbit_local.store.body import log_id_for
from tests.factories import bearer, issue_token, make_app, make_user
from tests.takeout.writer import (
    BREATHING,
    CSV_ONLY_DAY,
    DAYS,
    HRV,
    PERTH_DAY,
    SKIN,
    SPO2,
    SPO2_MINUTES,
    Expected,
    write_layout,
    zip_tree,
)

LAYOUTS = ["A", "B", "C", "D"]


def run_import(services: Services, *paths: Path, user: str | None = None) -> dict[str, Any]:
    args = [
        "import",
        "takeout",
        *map(str, paths),
        "--database-url",
        str(services.settings.database_url),
        "--json",
    ]
    if user:
        args += ["--user", user]
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0, out.getvalue()
    return json.loads(out.getvalue())


def archive_paths(tmp_path: Path, layout: str) -> tuple[list[Path], Expected]:
    tree = tmp_path / f"tree-{layout}"
    expected = write_layout(tree, layout)
    if layout == "C":
        return zip_tree(tree, tmp_path / "takeout-20171005T000000Z.zip", parts=2), expected
    if layout == "D":
        return zip_tree(tree, tmp_path / "takeout-20171005T000000Z.zip"), expected
    return [tree], expected


def import_layout(services: Services, paths: list[Path], layout: str) -> dict[str, Any]:
    """Layouts B–D carry a profile, so the import creates the user; layout A has none: its user is made first, in
    the zone the data was lived in, and the import goes into it."""
    if layout != "A":
        report = run_import(services, *paths)
        assert report["created_user"] is True and len(report["password"]) >= 12
        return report
    user = make_user(services, "ann", timezone="Australia/Sydney")
    report = run_import(services, *paths, user=user.id)
    assert report["created_user"] is False and report["user_id"] == user.id
    return report


def client_for(services: Services, http: httpx.Client, user_id: str) -> Any:
    app = make_app(services, "personal", owner=user_id)
    token = issue_token(services, app.client_id, user_id)

    def get(path: str) -> Any:
        response = http.get(path, headers=bearer(token))
        assert response.status_code == 200, response.text
        return response.json()

    return get


def seconds(clock: str) -> int:
    h, m, s = (int(x) for x in clock.split(":"))
    return h * 3600 + m * 60 + s


@pytest.mark.parametrize("layout", LAYOUTS)
def test_round_trip_through_the_api(
    services: Services, http: httpx.Client, tmp_path: Path, layout: str
) -> None:
    paths, expected = archive_paths(tmp_path, layout)
    report = import_layout(services, paths, layout)
    assert report["layouts"].keys() == {layout}
    get = client_for(services, http, report["user_id"])
    profile = get("/1/user/-/profile.json")["user"]
    if layout != "A":  # layout A has no Profile.csv
        assert profile["fullName"] == "Ann Example" and profile["timezone"] == "Australia/Sydney"
        assert profile["dateOfBirth"] == "1985-05-05" and profile["gender"] == "FEMALE"
        assert profile["height"] == 165.0
    for day in expected.days:
        served = get(f"/1/user/-/activities/heart/date/{day}/1d/1sec.json")["activities-heart-intraday"][
            "dataset"
        ]
        got = {seconds(row["time"]): row["value"] for row in served}
        assert got == expected.heart[day], day
    for day in DAYS:
        steps = get(f"/1/user/-/activities/steps/date/{day}/1d/1min.json")["activities-steps-intraday"][
            "dataset"
        ]
        assert [int(r["value"]) for r in steps] == expected.steps[day].tolist(), day
        summary = get(f"/1/user/-/activities/date/{day}.json")["summary"]
        assert summary["steps"] == int(expected.steps[day].sum())
        assert summary["sedentaryMinutes"] == expected.sedentary[day]
        assert summary["lightlyActiveMinutes"] == expected.lightly[day]
        assert summary["fairlyActiveMinutes"] == expected.fairly[day]
        assert summary["veryActiveMinutes"] == expected.very[day]
        assert summary["floors"] == int(expected.floors[day].sum())
        assert summary["caloriesOut"] == round(float(expected.calories[day].sum()))
        total = next(d for d in summary["distances"] if d["activity"] == "total")["distance"]
        assert total == pytest.approx(expected.distance_cm[day].sum() / 100_000, abs=0.01)
        if day in expected.resting:
            assert summary["restingHeartRate"] == round(expected.resting[day])
        else:
            assert "restingHeartRate" not in summary or summary["restingHeartRate"] != 0
    series = get(f"/1/user/-/activities/heart/date/{DAYS[0]}/{DAYS[-1]}.json")["activities-heart"]
    rest = {date.fromisoformat(r["dateTime"]): r["value"].get("restingHeartRate") for r in series}
    assert {d: v for d, v in rest.items() if d in expected.resting} == {
        d: round(v) for d, v in expected.resting.items()
    }
    # sleep: the duplicated boundary night counted once, the codes in the day arrays
    assert report["duplicate_sleep_logs"] == 1 and report["conflicting_sleep_logs"] == 0
    assert report["records_parsed"]["sleep_logs"] == 3
    for day, minutes in expected.sleep_minutes.items():
        arrays = services.store.series.get_day(report["user_id"], day)
        assert arrays is not None and int(np.count_nonzero(arrays.sleep != SLEEP_AWAKE)) == minutes
    # placeholders and the 12/31/99 row are not data
    padded = 24 - (CSV_ONLY_DAY in expected.days)  # the CSV-only day has heart rate: not a placeholder
    assert report["placeholder_days"] == padded and report["rows_outside_account"] == 1
    assert services.store.series.day_range(report["user_id"]) == (DAYS[0], expected.days[-1])
    assert report["offset_corrected_days"] == 1  # the day in Perth
    # ... which the zone history now says, and only that day
    zones = services.store.users.get(report["user_id"]).timezones
    assert zones[-2:] == (
        (PERTH_DAY.isoformat(), "Etc/GMT-8"),
        ((PERTH_DAY + timedelta(days=1)).isoformat(), "Australia/Sydney"),
    )
    assert [z for _, z in zones[:-2]] == ["Australia/Sydney"]
    served_records_equal_the_archive(get, expected, layout)
    not_stored = report["records_not_stored"]
    assert "sleep_logs" not in not_stored and "weights" not in not_stored and "exercises" not in not_stored
    if layout != "A":  # the NaN-baseline night has no relative temperature
        assert "devices" not in not_stored and not_stored["skin_temperature"] == 1
        # Trackers.csv: 123, Charge 2, HIGH, synced 2017-10-04T08:00Z
        [tracker] = get("/1/user/-/devices.json")
        assert re.fullmatch(r"[0-9A-F]{12}", tracker.pop("mac"))
        assert tracker == {
            "battery": "High",
            "batteryLevel": 75,
            "deviceVersion": "Charge 2",
            "features": [],
            "id": "123",
            "lastSyncTime": "2017-10-04T19:00:00.000",  # AEDT (+11) since 2017-10-01
            "type": "TRACKER",
        }
        assert get("/1/user/-/devices/tracker/123/alarms.json") == {"trackerAlarms": []}
        assert report["records_parsed"]["spo2_minutes"] == 2  # the 50.0 sentinel dropped
    if layout == "D":
        skipped = report["skipped_files"]
        assert skipped["machine-learning data, not a measurement (never read)"] == 2
        assert any("UserSleeps" in f for f in report["unclassified_files"])


def level_minutes(log: dict[str, Any]) -> dict[str, int]:
    """The archive's minutes per level: ``data`` less the ``shortData`` wakes laid over it, plus those wakes
    (every log here but the nap is on whole minutes)."""
    minutes: dict[str, int] = {}
    for stage in log["levels"]["data"]:
        minutes[stage["level"]] = minutes.get(stage["level"], 0) + stage["seconds"] // 60
    for short in log["levels"].get("shortData", []):
        start = datetime.fromisoformat(short["dateTime"])
        under = next(
            s["level"]
            for s in log["levels"]["data"]
            if datetime.fromisoformat(s["dateTime"])
            <= start
            < datetime.fromisoformat(s["dateTime"]) + timedelta(seconds=s["seconds"])
        )
        minutes[under] -= short["seconds"] // 60
        minutes[short["level"]] = minutes.get(short["level"], 0) + short["seconds"] // 60
    return minutes


def served_records_equal_the_archive(get: Any, expected: Expected, layout: str) -> None:
    """Sleep logs, weight and fat, exercises and the nightly metrics, read through the API."""
    # sleep: by date and the list, each log once with the export's id, start, main flag and level minutes
    listed = get("/1.2/user/-/sleep/list.json?afterDate=2017-09-01&sort=asc&offset=0&limit=20")["sleep"]
    assert [s["logId"] for s in listed] == [30_001, 30_003, 30_002]  # by start time; no synthetic night
    for log_id, log in expected.sleep_logs.items():
        by_date = get(f"/1.2/user/-/sleep/date/{log['dateOfSleep']}.json")["sleep"]
        [served] = [s for s in by_date if s["logId"] == log_id]
        assert served == next(s for s in listed if s["logId"] == log_id)
        for key in ("dateOfSleep", "startTime", "endTime", "duration", "timeInBed", "type"):
            assert served[key] == log[key], key
        assert served["isMainSleep"] == log["mainSleep"]
        minutes = {level: v["minutes"] for level, v in served["levels"]["summary"].items()}
        if (
            log_id == 30_003
        ):  # the nap's 5.5 awake minutes: each minute is its first 30 s (decisions, issue 14)
            assert minutes == {"asleep": 39, "awake": 6, "restless": 0}
        else:
            assert minutes == level_minutes(log)
    # weight (pounds in the JSON, grams in the GoogleData CSV) and fat, served in kg
    weights = get("/1/user/-/body/log/weight/date/2017-09-28/2017-10-02.json")["weight"]
    want = [(1506638109000, "2017-09-28", "22:35:09", round(143.3 * POUND_KG, 2), "Aria")]
    if layout in ("C", "D"):  # 2017-09-30T21:00:00Z is 08:00 in Sydney on the first day of daylight saving
        want.append((log_id_for(date(2017, 10, 1), "08:00:00"), "2017-10-01", "08:00:00", 65.4, "Aria"))
    assert [(w["logId"], w["date"], w["time"], w["weight"], w["source"]) for w in weights] == want
    assert weights[0]["bmi"] == 23.87 and weights[0]["fat"] == 24.5
    fats = get("/1/user/-/body/log/fat/date/2017-09-28/2017-10-02.json")["fat"]
    assert [(f["logId"], f["fat"]) for f in fats] == [(1506638109000, 24.5)]  # the GoogleData twin not added
    series = get("/1/user/-/body/weight/date/2017-09-28/2017-10-02.json")["body-weight"]
    last = 65.4 if layout in ("C", "D") else round(143.3 * POUND_KG, 2)
    assert [float(v["value"]) for v in series] == [65.0, 65.0, 65.0, last, last]
    # the exercise: its UTC start at the local time, duration, calories, distance (miles -> km), steps
    [walk] = get("/1/user/-/activities/list.json?afterDate=2017-09-01&sort=asc&offset=0&limit=20")[
        "activities"
    ]
    assert walk["startTime"] == "2017-09-29T07:00:00.000+10:00" and walk["activityName"] == "Walk"
    assert (walk["duration"], walk["calories"], walk["steps"], walk["logType"]) == (
        3_600_000,
        241,
        6000,
        "auto_detected",
    )
    assert walk["distance"] == pytest.approx(2.5 * MILE_KM) and walk["activityTypeId"] == 90013
    if layout == "A":  # no nightly health files before 2020
        assert get("/1/user/-/spo2/date/2017-09-30.json") == {}
        return
    for day, value in SPO2.items():
        assert get(f"/1/user/-/spo2/date/{day}.json") == {"dateTime": str(day), "value": value}
        minutes = get(f"/1/user/-/spo2/date/{day}/all.json")["minutes"]
        assert [(m["minute"], m["value"]) for m in minutes] == SPO2_MINUTES[
            day
        ]  # the 50.0 sentinel not served
    assert get("/1/user/-/spo2/date/2017-10-01.json") == {}  # its daily row was the sentinel
    hrv = get("/1/user/-/hrv/date/2017-09-28/2017-10-02.json")["hrv"]
    assert {h["dateTime"]: h["value"]["dailyRmssd"] for h in hrv} == {str(d): v for d, v in HRV.items()}
    br = get("/1/user/-/br/date/2017-09-28/2017-10-02.json")["br"]
    want_br = {str(d): v for d, v in BREATHING.items()}
    if layout == "D":  # the GoogleData CSV fills the day the legacy file lacks
        want_br["2017-10-01"] = 14.9
    assert {b["dateTime"]: b["value"]["breathingRate"] for b in br} == want_br
    skin = get("/1/user/-/temp/skin/date/2017-09-28/2017-10-02.json")["tempSkin"]
    assert {t["dateTime"]: t["value"]["nightlyRelative"] for t in skin} == {
        str(d): v for d, v in SKIN.items()
    }


def test_csv_only_day_takes_one_source_never_a_sum(services: Services, tmp_path: Path) -> None:
    paths, expected = archive_paths(tmp_path, "C")
    report = run_import(services, *paths)
    heart = services.store.series.get_series(report["user_id"], "heart", CSV_ONLY_DAY)
    assert heart is not None
    assert {int(s): int(heart[s]) for s in np.flatnonzero(heart)} == expected.heart[CSV_ONLY_DAY]
    # the CSV's calories leave minutes out: each of those burnt the BMR (Mifflin-St Jeor, the profile's 65 kg,
    # 165 cm, a woman of 32), never nothing
    calories = services.store.series.get_series(report["user_id"], "calories", CSV_ONLY_DAY)
    assert calories is not None
    per_minute = np.float32(bmr_mifflin_st_jeor("FEMALE", 65.0, 165.0, 32) / 1440)
    assert calories[360:370].tolist() == [2.5] * 10
    assert np.all(calories[:360] == per_minute) and np.all(calories[370:] == per_minute)
    # JSON days keep the band's stream: the phone twin (bpm + 1 on every 50th sample) is not mixed in
    day = DAYS[0]
    heart = services.store.series.get_series(report["user_id"], "heart", day)
    assert heart is not None
    assert {int(s): int(heart[s]) for s in np.flatnonzero(heart)} == expected.heart[day]


def test_dst_and_travel_days_follow_the_file_boundary(services: Services, tmp_path: Path) -> None:
    paths, expected = archive_paths(tmp_path, "A")
    report = import_layout(services, paths, "A")
    uid = report["user_id"]
    dst_day = date(2017, 10, 1)
    heart = services.store.series.get_series(uid, "heart", dst_day)
    assert heart is not None and not heart[2 * 3600 : 3 * 3600].any()  # the skipped hour
    assert {int(s): int(heart[s]) for s in np.flatnonzero(heart)} == expected.heart[dst_day]
    perth = services.store.series.get_series(uid, "heart", PERTH_DAY)
    assert (
        perth is not None
        and {int(s): int(perth[s]) for s in np.flatnonzero(perth)} == expected.heart[PERTH_DAY]
    )


def test_importing_again_changes_nothing(services: Services, tmp_path: Path) -> None:
    paths, _ = archive_paths(tmp_path, "B")
    first = run_import(services, *paths)
    recorded = services.store.changes.since(0, limit=100_000)
    # the first import is seen by subscriptions and caches: days, sleep logs and nightly metrics, body logs
    assert {c.collection for c in recorded} >= {"activities", "sleep", "body"}
    last_change = recorded[-1].id or 0
    again = run_import(services, *paths)  # the same export: its finished job is recognised
    assert again["user_id"] == first["user_id"] and again["days_stored"] == 0
    third = run_import(
        services, *paths, user=first["user_id"]
    )  # a fresh job: every day compared, none rewritten
    assert third["days_stored"] == 0 and third["days_unchanged"] == first["days_stored"]
    data_changes = [
        c
        for c in services.store.changes.since(last_change)
        if c.collection in ("activities", "sleep", "body")
    ]
    assert data_changes == []
    assert services.store.sleep.count(first["user_id"]) == 3  # nothing doubled


def test_imported_days_have_the_exports_nights_only(
    services: Services, http: httpx.Client, tmp_path: Path
) -> None:
    """Into a user with synthetic history: the imported days' synthetic sleep logs and nightly metrics go, the
    export's take their place; synthetic days the export does not have keep theirs."""
    user = make_user(services, "ann", timezone="Australia/Sydney")
    store_synthetic_days(services.store, user, days=14, end=date(2017, 10, 5), seed=3)
    synthetic = services.store.sleep.by_dates(user.id, date(2017, 9, 20), date(2017, 10, 5))
    assert synthetic and all(log.source == "synthetic" for log in synthetic)
    paths, expected = archive_paths(tmp_path, "B")
    run_import(services, *paths, user=user.id)
    logs = services.store.sleep.by_dates(user.id, date(2017, 9, 20), date(2017, 10, 5))
    imported_days = {d.isoformat() for d in expected.days}
    for log in logs:
        if log.date_of_sleep in imported_days:
            assert log.source == "takeout", log
    assert {log.log_id for log in logs if log.source == "takeout"} == expected.sleep_log_ids
    assert any(log.source == "synthetic" for log in logs)  # 09-22 .. 09-27 are not in the export
    get = client_for(services, http, user.id)
    hrv = get("/1/user/-/hrv/date/2017-09-28/2017-10-03.json")["hrv"]
    assert {h["dateTime"]: h["value"]["dailyRmssd"] for h in hrv} == {str(d): v for d, v in HRV.items()}
    # synthetic history generated again over the range adds no night to a day that has the export's
    store_synthetic_days(services.store, user, days=14, end=date(2017, 10, 5), seed=3)
    again = services.store.sleep.by_dates(user.id, date(2017, 9, 20), date(2017, 10, 5))
    on_imported = {log.date_of_sleep for log in again if log.source == "takeout"}
    assert not [log for log in again if log.source == "synthetic" and log.date_of_sleep in on_imported]
    assert {log.log_id for log in again if log.source == "takeout"} == expected.sleep_log_ids
    hrv = get("/1/user/-/hrv/date/2017-09-30.json")["hrv"]
    assert hrv[0]["value"]["dailyRmssd"] == HRV[date(2017, 9, 30)]


def test_unclassified_and_skipped_files_are_never_read(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    write_layout(tree, "D")
    [zipped] = zip_tree(tree, tmp_path / "x.zip")
    with Archive([zipped]) as archive:
        found = inventory(archive.entries)
    assert set(found.files) >= {
        "heart_rate",
        "steps",
        "sleep",
        "profile",
        "gd_heart_rate",
        "gd_steps",
        "spo2_minute",
    }
    assert not any(
        "UserActivityProbabilities" in c.entry.path for files in found.files.values() for c in files
    )
    assert found.skipped["documentation"] == 1
    assert {f.split("/")[-1] for f in found.unclassified} >= {
        "UserSleeps_2017-09-01.csv",
        "Glucose 201709.csv",
    }
