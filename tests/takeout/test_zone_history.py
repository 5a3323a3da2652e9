"""The corrected days of an import in the user's zone history: fixed-offset zones for the days the data says were
lived elsewhere, the history's own zone for every other day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fitbit_local.sources.takeout.zones import corrected_history, fixed_zone

D = date(2017, 10, 3)
SYDNEY = [("0000-01-01", "Australia/Sydney")]


@pytest.mark.parametrize(
    ("offset", "name"),
    [(8 * 3600, "Etc/GMT-8"), (-5 * 3600, "Etc/GMT+5"), (0, "Etc/GMT"), (14 * 3600, "Etc/GMT-14")],
)
def test_whole_hours_are_etc_zones(offset: int, name: str) -> None:
    assert fixed_zone(offset, D) == name
    assert datetime(2017, 10, 3, 12, tzinfo=UTC).astimezone(ZoneInfo(name)).utcoffset() == timedelta(
        seconds=offset
    )


@pytest.mark.parametrize(
    "offset", [5 * 3600 + 45 * 60, 5 * 3600 + 30 * 60, -(9 * 3600 + 30 * 60), 9 * 3600 + 30 * 60]
)
def test_other_offsets_are_a_zone_that_keeps_them_all_day(offset: int) -> None:
    zone = ZoneInfo(fixed_zone(offset, D))
    start = datetime(2017, 10, 3, tzinfo=UTC) - timedelta(seconds=offset)
    for hour in range(0, 25, 6):
        assert (start + timedelta(hours=hour)).astimezone(zone).utcoffset() == timedelta(seconds=offset)


def test_a_day_elsewhere_starts_an_entry_and_the_next_day_returns() -> None:
    assert corrected_history(SYDNEY, {D: "Etc/GMT-8"}) == [
        *SYDNEY,
        ("2017-10-03", "Etc/GMT-8"),
        ("2017-10-04", "Australia/Sydney"),
    ]


def test_runs_and_neighbouring_runs() -> None:
    zones = {D: "Etc/GMT-8", D + timedelta(days=1): "Etc/GMT-8", D + timedelta(days=2): "Etc/GMT-9"}
    assert corrected_history(SYDNEY, zones) == [
        *SYDNEY,
        ("2017-10-03", "Etc/GMT-8"),
        ("2017-10-05", "Etc/GMT-9"),
        ("2017-10-06", "Australia/Sydney"),
    ]


def test_the_return_is_to_the_zone_the_history_gave_and_entries_inside_a_run_go() -> None:
    history = [*SYDNEY, ("2017-10-04", "Europe/London"), ("2017-10-20", "Asia/Tokyo")]
    zones = {D + timedelta(days=i): "Etc/GMT-8" for i in range(3)}  # 10-03 .. 10-05
    assert corrected_history(history, zones) == [
        *SYDNEY,
        ("2017-10-03", "Etc/GMT-8"),
        ("2017-10-06", "Europe/London"),
        ("2017-10-20", "Asia/Tokyo"),
    ]


def test_days_already_in_their_zone_change_nothing() -> None:
    history = [*SYDNEY, ("2017-10-03", "Etc/GMT-8"), ("2017-10-04", "Australia/Sydney")]
    assert corrected_history(history, {D: "Etc/GMT-8"}) == history
    assert corrected_history(SYDNEY, {}) == SYDNEY


def test_a_run_cut_by_two_windows_ends_as_one() -> None:
    """The importer corrects the history window by window: a run across the boundary ends as if seen whole."""
    first = corrected_history(SYDNEY, {D: "Etc/GMT-8"})
    second = corrected_history(first, {D + timedelta(days=1): "Etc/GMT-8"})
    assert second == corrected_history(SYDNEY, {D: "Etc/GMT-8", D + timedelta(days=1): "Etc/GMT-8"})
