"""UTC instants to local wall time, per day: the profile's IANA zone, corrected where the data says otherwise.

The export's intraday and instant families (heart rate, steps, distance, exercise) are stamped in UTC, yet every
per-day heart-rate file holds exactly one *local* day (reference §1.3–1.4). So the file's first and last samples
bound the offset the user lived that day under: when the profile zone's local day does not contain the file's
samples (the user travelled, or the profile zone is not the one the data was recorded in), the offset on the
15-minute grid nearest to the zone's that does contain them is used for that day instead.

Those corrected days go into the user's time-zone history (`corrected_history`), so the API renders them in the
offset their data was lived in: each run of them in a fixed-offset zone (`fixed_zone`), the day after a run back in
the zone the history gave it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import numpy as np

from fitbit_local.sources.takeout.stamps import seconds_of

QUARTER = 900
_MIN_OFFSET, _MAX_OFFSET = -12 * 3600, 14 * 3600


class LocalClock:
    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.overrides: dict[date, int] = {}  # local day -> fixed UTC offset (seconds) found in the data
        self._quarters: dict[int, int] = {}

    def zone_offset(self, utc: int) -> int:
        """The profile zone's UTC offset (seconds) at an instant (cached per quarter hour: every real zone
        changes offset on a quarter hour)."""
        quarter = utc // QUARTER
        offset = self._quarters.get(quarter)
        if offset is None:
            moment = datetime.fromtimestamp(quarter * QUARTER, UTC).astimezone(self.zone)
            offset = int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]
            self._quarters[quarter] = offset
        return offset

    def midnight(self, day: date) -> int:
        """The UTC instant at which local `day` begins (the override's, else the zone's)."""
        if day in self.overrides:
            return seconds_of(day) - self.overrides[day]
        start = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        return int(start.timestamp())

    def to_local(self, utc: np.ndarray) -> np.ndarray:
        """Face-value local seconds of UTC instants. The zone is asked once per UTC day touched (its offset at both
        ends); only a day whose ends differ (a DST change) is resolved quarter hour by quarter hour."""
        if utc.size == 0:
            return utc
        days, inverse = np.unique(utc // 86_400, return_inverse=True)
        inverse = inverse.reshape(-1)
        starts = [self.zone_offset(int(d) * 86_400) for d in days.tolist()]
        ends = [self.zone_offset(int(d + 1) * 86_400 - 1) for d in days.tolist()]
        offsets = np.array(starts, dtype=np.int64)[inverse]
        for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
            if start != end:
                inside = inverse == index
                quarters, where = np.unique(utc[inside] // QUARTER, return_inverse=True)
                offsets[inside] = np.array(
                    [self.zone_offset(int(q) * QUARTER) for q in quarters.tolist()], dtype=np.int64
                )[where.reshape(-1)]
        local = utc + offsets
        for day, offset in self.overrides.items():
            start = seconds_of(day) - offset
            inside = (utc >= start) & (utc < start + 86_400)
            if inside.any():
                local[inside] = utc[inside] + offset
        return local

    def detect(self, day: date, utc: np.ndarray) -> int | None:
        """Check the heart-rate file of local `day` (its UTC sample instants) against the zone; record and return
        the corrected offset when the zone's local day cannot hold the samples, else None."""
        if utc.size == 0:
            return None
        first, last = int(utc.min()), int(utc.max())
        start, end = self.midnight(day), self.midnight(day + timedelta(days=1))
        if start <= first and last < end:
            return None
        label = seconds_of(day)
        low = label - first  # the offset is at least this (local midnight at or before the first sample)
        high = label + 86_400 - last  # and less than this (the last sample before the next midnight)
        usual = label - start
        candidates = [
            q * QUARTER
            for q in range(-(-low // QUARTER), -(-high // QUARTER))
            if _MIN_OFFSET <= q * QUARTER <= _MAX_OFFSET
        ]
        if not candidates:
            return None  # longer than a day (a travel day); the zone stays
        offset = min(candidates, key=lambda o: (abs(o - usual), o))
        self.overrides[day] = offset
        return offset


@functools.cache
def fixed_zone(offset: int, day: date) -> str:
    """An IANA zone whose UTC offset is `offset` seconds all of local `day`: ``Etc/GMT-8`` for UTC+8 (the Etc names
    count the other way), else — a quarter- or half-hour offset has no Etc zone — the first zone by name that keeps
    it all that day (``Asia/Kathmandu`` for +05:45); ``Etc/GMT`` if none does."""
    if offset % 3600 == 0:
        hours = -offset // 3600
        return "Etc/GMT" if hours == 0 else f"Etc/GMT{hours:+d}"
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(seconds=offset)
    for name in sorted(available_timezones()):
        zone = ZoneInfo(name)
        if all(
            (start + timedelta(hours=h)).astimezone(zone).utcoffset() == timedelta(seconds=offset)
            for h in (0, 12, 24)
        ):
            return name
    return "Etc/GMT"


def corrected_history(history: Sequence[tuple[str, str]], zones: Mapping[date, str]) -> list[tuple[str, str]]:
    """A time-zone history ((effective_from, zone) ascending) in which every day of `zones` is in its zone and every
    other day keeps the zone `history` gave it: each run of consecutive days in one zone starts an entry, and the
    day after it (unless it is in `zones` too) returns to the history's zone."""

    entries = dict(history)

    def zone_on(key: str, entries: Mapping[str, str] = entries) -> str:
        ordered = sorted(entries.items())
        return next((zone for start, zone in reversed(ordered) if start <= key), ordered[0][1])

    runs: list[list[date]] = []
    for day in sorted(zones):
        if runs and runs[-1][-1] + timedelta(days=1) == day and zones[runs[-1][-1]] == zones[day]:
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:  # ascending: a run changes no entry after the day after it
        zone = zones[run[0]]
        if all(zone_on(d.isoformat()) == zone for d in run):
            continue
        next_day = run[-1] + timedelta(days=1)
        start, after = run[0].isoformat(), next_day.isoformat()
        back = zone_on(after, dict(history))  # as the history had it: no earlier run's doing
        for key in [k for k in entries if start < k < after]:
            del entries[key]
        if zone_on((run[0] - timedelta(days=1)).isoformat()) == zone:
            entries.pop(start, None)  # the run continues the zone before it
        else:
            entries[start] = zone
        if after not in entries and next_day not in zones and back != zone:
            entries[after] = back
    return sorted(entries.items())
