"""The Takeout import end to end: archives of every layout written by our writer, imported through the CLI, and
read back through the HTTP API (the in-process app) — served values equal what the archive said."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from fitbit_local.cli import main
from fitbit_local.physiology.day import SLEEP_AWAKE
from fitbit_local.physiology.energy import bmr_mifflin_st_jeor
from fitbit_local.services import Services
from fitbit_local.sources.takeout.archive import Archive
from fitbit_local.sources.takeout.classify import inventory
from tests.factories import bearer, issue_token, make_app, make_user
from tests.takeout.writer import CSV_ONLY_DAY, DAYS, PERTH_DAY, Expected, write_layout, zip_tree

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
    not_stored = report["records_not_stored"]
    assert not_stored["exercises"] == 1 and not_stored["weights"] == 1
    if layout in ("C", "D"):
        assert report["records_not_stored"]["spo2_minutes"] == 2  # the 50.0 sentinel dropped
        assert report["records_not_stored"]["hrv_daily"] == 1 and report["records_not_stored"]["devices"] == 1
    if layout == "D":
        skipped = report["skipped_files"]
        assert skipped["machine-learning data, not a measurement (never read)"] == 2
        assert any("UserSleeps" in f for f in report["unclassified_files"])


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
    last_change = services.store.changes.since(0, limit=100_000)[-1].id or 0
    again = run_import(services, *paths)  # the same export: its finished job is recognised
    assert again["user_id"] == first["user_id"] and again["days_stored"] == 0
    third = run_import(
        services, *paths, user=first["user_id"]
    )  # a fresh job: every day compared, none rewritten
    assert third["days_stored"] == 0 and third["days_unchanged"] == first["days_stored"]
    data_changes = [
        c for c in services.store.changes.since(last_change) if c.collection in ("activities", "sleep")
    ]
    assert data_changes == []


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
