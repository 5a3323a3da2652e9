"""A real client: orcasgit python-fitbit 0.3.1 (what Home Assistant uses) pointed at a real server."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import END, World

fitbit = pytest.importorskip("fitbit")


def test_python_fitbit_reads_everything(client, live_world: World) -> None:  # type: ignore[no-untyped-def]
    summary = client.activities(date=END)
    assert summary["summary"]["steps"] > 0
    assert all(a["name"] in ("Walk", "Run", "Bike") for a in summary["activities"])  # detected exercises

    steps = client.time_series("activities/steps", base_date=END, period="7d")["activities-steps"]
    assert len(steps) == 7 and steps[-1]["dateTime"] == str(END)
    assert client.time_series("activities/steps", period="7d")["activities-steps"]  # base date "today"

    heart = client.time_series("activities/heart", base_date=date(2024, 3, 8), end_date=END)[
        "activities-heart"
    ]
    assert len(heart) == 3 and "restingHeartRate" in heart[-1]["value"]

    hr = client.intraday_time_series("activities/heart", base_date=END, detail_level="1min")
    assert (
        hr["activities-heart-intraday"]["datasetType"] == "minute"
        and hr["activities-heart-intraday"]["dataset"]
    )
    sec = client.intraday_time_series(
        "activities/heart", base_date=END, detail_level="1sec", start_time="08:00", end_time="08:05"
    )
    assert sec["activities-heart-intraday"]["datasetType"] == "second"
    assert all("08:00:00" <= p["time"] <= "08:05:59" for p in sec["activities-heart-intraday"]["dataset"])

    st = client.intraday_time_series("activities/steps", base_date=END, detail_level="15min")
    assert sum(p["value"] for p in st["activities-steps-intraday"]["dataset"]) == summary["summary"]["steps"]

    base = f"{client.API_ENDPOINT}/1/user/-/activities/active-zone-minutes/date"
    daily = client.make_request(f"{base}/{END}/1d.json")["activities-active-zone-minutes"]
    intraday = client.make_request(f"{base}/{END}/{END}/15min.json")[
        "activities-active-zone-minutes-intraday"
    ]
    assert (
        sum(m["value"]["activeZoneMinutes"] for m in intraday[0]["minutes"])
        == daily[0]["value"]["activeZoneMinutes"]
    )
