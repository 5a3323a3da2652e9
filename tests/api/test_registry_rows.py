"""The family rows: names, scopes and the intraday flag the pipeline gates on."""

from __future__ import annotations

from fitbit_local.app import endpoint_rows

EXPECTED = {
    "getActivitiesByDate": ("activity", False),
    "getActivitiesResourceByDatePeriod": ("activity", False),
    "getActivitiesResourceByDateRange": ("activity", False),
    "getActivitiesTrackerResourceByDatePeriod": ("activity", False),
    "getActivitiesTrackerResourceByDateRange": ("activity", False),
    "getActivitiesResourceByDateIntraday": ("activity", True),
    "getActivitiesResourceByIntervalIntraday": ("activity", True),
    "getAzmByDatePeriod": ("activity", False),
    "getAzmByDateRange": ("activity", False),
    "getAzmByDateIntraday": ("activity", True),
    "getAzmByIntervalIntraday": ("activity", True),
    "getHeartByDatePeriod": ("heartrate", False),
    "getHeartByDateRange": ("heartrate", False),
    "getHeartByDateIntraday": ("heartrate", True),
    "getHeartByIntervalIntraday": ("heartrate", True),
}


def test_rows() -> None:
    rows = {row.name: row for row in endpoint_rows()}
    for name, (scope, intraday) in EXPECTED.items():
        assert (rows[name].scope, rows[name].intraday) == (scope, intraday), name
        assert all(
            p.startswith("/user/{user_id}/activities/") and p.endswith(".json") for p in rows[name].paths
        )
