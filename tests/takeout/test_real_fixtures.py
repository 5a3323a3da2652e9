"""The real (trimmed) export files of mrphil007/fitbit-to-sqlite (Apache-2.0, tests/takeout/fixtures/…/LICENSE),
placed under their real names in a Takeout tree, imported, and read back through the API."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from fitbit_local.services import Services
from fitbit_local.sources.takeout.classify import DERIVED, NOT_IMPORTED
from tests.factories import make_user
from tests.takeout.test_import import client_for, run_import

FIXTURES = Path(__file__).parent / "fixtures" / "fitbit-to-sqlite"
REAL_NAMES = {
    "distance.json": "distance-2017-12-31.json",
    "exercise.json": "exercise-0.json",
    "heart_rate_zones.json": "time_in_heart_rate_zones-2018-01-02.json",
    "lightly_active_minutes.json": "lightly_active_minutes-2018-01-01.json",
    "moderately_active_minutes.json": "moderately_active_minutes-2018-01-01.json",
    "very_active_minutes.json": "very_active_minutes-2018-01-01.json",
    "sedentary_minutes.json": "sedentary_minutes-2018-01-01.json",
    "resting_heart_rate.json": "resting_heart_rate-2018-12-30.json",
    "sleep.json": "sleep-2018-02-01.json",
}


def test_real_files_round_trip(services: Services, http: httpx.Client, tmp_path: Path) -> None:
    export = tmp_path / "Takeout" / "Fitbit"
    (export / "Global Export Data").mkdir(parents=True)
    for name, real in REAL_NAMES.items():
        shutil.copyfile(FIXTURES / name, export / "Global Export Data" / real)
    (export / "Sleep Score").mkdir()
    shutil.copyfile(FIXTURES / "sleep_score.csv", export / "Sleep Score" / "sleep_score.csv")
    user = make_user(services, "phil", timezone="Europe/London")  # UTC+0 in winter: UTC stamps = local
    report = run_import(services, tmp_path / "Takeout", user=user.id)
    assert report["layouts"] == {"C": 8}  # the two skipped files are not counted
    assert report["skipped_files"] == {DERIVED: 1, NOT_IMPORTED: 1}
    get = client_for(services, http, user.id)
    rows = get("/1/user/-/activities/distance/date/2017-12-31/1d/1min.json")["activities-distance-intraday"][
        "dataset"
    ]
    by_time = {r["time"]: r["value"] for r in rows if r["value"]}
    assert by_time == {"16:42:00": 0.0411, "16:43:00": 0.0434, "16:44:00": 0.0349, "16:45:00": 0.0085}
    days = {
        "2018-01-01": (600, 266, 22, 33),
        "2018-01-02": (728, 165, 17, 59),
        "2018-01-03": (753, 160, 13, 42),
    }
    for day, (sedentary, lightly, fairly, very) in days.items():
        summary = get(f"/1/user/-/activities/date/{day}.json")["summary"]
        assert (
            summary["sedentaryMinutes"],
            summary["lightlyActiveMinutes"],
            summary["fairlyActiveMinutes"],
            summary["veryActiveMinutes"],
        ) == (sedentary, lightly, fairly, very)
    series = get("/1/user/-/activities/heart/date/2018-12-30/2018-12-31.json")["activities-heart"]
    assert [r["value"]["restingHeartRate"] for r in series] == [59, 58]  # 59.42…, 58.29…
    # the two sleep logs (one stages, one classic, summaries only) are parsed, and lie in the day arrays
    assert report["records_parsed"]["sleep_logs"] == 2 and report["records_parsed"]["exercises"] == 3
    arrays = services.store.series.get_day(user.id, __import__("datetime").date(2018, 2, 2))
    assert arrays is not None and int((arrays.sleep > 0).sum()) == (6 * 60 + 42) + (24 * 60 - (22 * 60 + 27))
