"""A file the import cannot read — truncated JSON, a CSV of garbage, a damaged zip member — is reported with why
and counts as holding nothing: the rest of the export is imported and served."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import httpx

from fitbit_local.services import Services
from tests.takeout.test_import import client_for, run_import, seconds
from tests.takeout.writer import DAYS, write_layout, zip_tree

BROKEN_DAY = date(2017, 9, 30)


def damage_member(archive: Path, suffix: str) -> str:
    """Flip bytes in the middle of a zip member's compressed data; the member's name."""
    with zipfile.ZipFile(archive) as z:
        info = next(i for i in z.infolist() if i.filename.endswith(suffix))
    data = bytearray(archive.read_bytes())
    local_header = 30 + len(info.filename.encode()) + len(info.extra)
    middle = info.header_offset + local_header + info.compress_size // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    archive.write_bytes(bytes(data))
    return info.filename


def test_unreadable_files_are_reported_and_the_rest_is_served(
    services: Services, http: httpx.Client, tmp_path: Path
) -> None:
    tree = tmp_path / "tree"
    expected = write_layout(tree, "B")
    folder = tree / "MyFitbitData" / "Ann" / "Physical Activity"
    heart = folder / f"heart_rate-{BROKEN_DAY}.json"
    heart.write_bytes(heart.read_bytes()[:5000])  # cut off mid-record
    exercises = folder / "exercise-0.json"
    exercises.write_bytes(b"\x00\xff not json at all")
    [archive] = zip_tree(tree, tmp_path / "export.zip")
    damaged = damage_member(archive, "resting_heart_rate-2017-09-28.json")

    report = run_import(services, archive)

    unreadable = report["unreadable_files"]
    assert set(unreadable) == {
        "MyFitbitData/Ann/Physical Activity/" + heart.name,
        "MyFitbitData/Ann/Physical Activity/exercise-0.json",
        damaged,
    }, unreadable
    assert unreadable["MyFitbitData/Ann/Physical Activity/" + heart.name].startswith("JSONDecodeError")
    assert report["records_parsed"]["exercises"] == 0
    get = client_for(services, http, report["user_id"])
    for day in expected.days:
        served = get(f"/1/user/-/activities/heart/date/{day}/1d/1sec.json")["activities-heart-intraday"][
            "dataset"
        ]
        got = {seconds(row["time"]): row["value"] for row in served}
        assert got == ({} if day == BROKEN_DAY else expected.heart[day]), day
    for day in DAYS:  # the broken day's other families are there
        steps = get(f"/1/user/-/activities/steps/date/{day}/1d/1min.json")["activities-steps-intraday"][
            "dataset"
        ]
        assert [int(r["value"]) for r in steps] == expected.steps[day].tolist(), day
    # importing the same export again changes nothing and reports the same files
    again = run_import(services, archive)
    assert again["days_stored"] == 0 and again["unreadable_files"] == unreadable
