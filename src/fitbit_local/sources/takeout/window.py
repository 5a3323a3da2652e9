"""One window of local days assembled from every family: heart rate per second, the minute series, the GoogleData
twins for days the JSON lacks, and the sleep codes, each placed by its family's time-zone rule (`FAMILY_ZONES`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import partial
from typing import Any

import numpy as np

from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM, SLEEP_WAKE, DayArrays
from fitbit_local.sources.takeout import parsers
from fitbit_local.sources.takeout.archive import Archive
from fitbit_local.sources.takeout.classify import Classified, Inventory
from fitbit_local.sources.takeout.records import SleepLogRecord
from fitbit_local.sources.takeout.report import ImportReport
from fitbit_local.sources.takeout.stamps import seconds_of
from fitbit_local.sources.takeout.zones import LocalClock

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
CHUNK_SPAN_DAYS = 31  # a chunk file named D covers D .. D+29; one more day for the UTC spill

MINUTE_FAMILIES = ("steps", "distance", "calories", "altitude")

# How each family's stamps are read (reference §1.4): "utc" instants, "local" wall time, "label" a local date.
# calories and altitude are checked per chunk file against its name's local midnight ("local?"/"utc?": the
# default when the file's first stamp decides nothing).
FAMILY_ZONES = {
    "heart_rate": "utc",
    "steps": "utc",
    "distance": "utc",
    "calories": "local?",
    "altitude": "utc?",
    "exercise": "utc",
    "sleep": "local",
    "daily": "label",
    "gd_series": "utc",
    "gd_daily": "label",
}

SLEEP_CODES = {
    "wake": SLEEP_WAKE,
    "awake": SLEEP_WAKE,
    "restless": SLEEP_WAKE,
    "light": SLEEP_LIGHT,
    "asleep": SLEEP_LIGHT,
    "deep": SLEEP_DEEP,
    "rem": SLEEP_REM,
}

FEET_M = 0.3048

# GoogleData per-sample CSV twins of the JSON minute families: family -> (value column, factor to our unit)
GOOGLE_TWINS = {
    "heart_rate": ("beats per minute", 1.0),
    "steps": ("steps", 1.0),
    "distance": ("distance", 1 / 1000),  # metres -> km
    "calories": ("calories", 1.0),
}

_SERIES_OF = {"steps": "steps", "distance": "distance", "calories": "calories"}


class WindowDays:
    """The arrays being assembled for one window's days (created on first write to a day)."""

    def __init__(self, days: Iterable[date]) -> None:
        self.wanted = set(days)
        self.arrays: dict[date, DayArrays] = {}
        self.families: dict[date, set[str]] = {}

    def day(self, day: date, family: str) -> DayArrays | None:
        if day not in self.wanted:
            return None
        self.families.setdefault(day, set()).add(family)
        arrays = self.arrays.get(day)
        if arrays is None:
            arrays = self.arrays[day] = DayArrays()
        return arrays

    def put(self, family: str, series: str, local: np.ndarray, values: np.ndarray, *, seconds: bool) -> None:
        """Assign values at face-value local seconds into each day's array (per second or per minute)."""
        if local.size == 0:
            return
        day_numbers = local // 86_400
        steps = np.diff(day_numbers)
        if (steps < 0).any():  # a stable sort keeps each day's samples in file order (the later of two wins)
            order = np.argsort(day_numbers, kind="stable")
            local, values, day_numbers = local[order], values[order], day_numbers[order]
            steps = np.diff(day_numbers)
        cuts = [0, *(np.flatnonzero(steps) + 1).tolist(), local.size]
        for start, end in zip(cuts, cuts[1:], strict=False):
            number = int(day_numbers[start])
            target = self.day(date.fromordinal(number + _EPOCH_ORDINAL), family)
            if target is None:
                continue
            offset = local[start:end] - number * 86_400
            array = getattr(target, series)
            array[offset if seconds else offset // 60] = values[start:end].astype(array.dtype)

    def has(self, day: date, family: str) -> bool:
        return family in self.families.get(day, ())


class ParsedFiles:
    """Parsed files kept while later windows still need them (a chunk file spans two or three windows, a day file
    its neighbours' windows), so no file is parsed twice; dropped once the windows have passed them."""

    def __init__(self, archive: Archive, bounds: tuple[date, date], report: ImportReport) -> None:
        self._archive, self._bounds, self._report = archive, bounds, report
        self._kept: dict[str, tuple[date, tuple[np.ndarray, np.ndarray]]] = {}

    def get(
        self, c: Classified, span: int, parse: Callable[[bytes], tuple[np.ndarray, np.ndarray]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """(stamps, values) of a file, rows outside the account's life dropped."""
        found = self._kept.get(c.entry.path)
        if found is None:
            assert c.day is not None
            read = self._report.parsed(self._archive, c.entry, parse)
            if read is None:  # reported: the file holds nothing
                read = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))
            rows = _life(*read, self._bounds, self._report, c.entry.path)
            found = (c.day + timedelta(days=span), rows)
            self._kept[c.entry.path] = found
        return found[1]

    def drop_before(self, first: date) -> None:
        for path in [p for p, (end, _) in self._kept.items() if end < first - timedelta(days=1)]:
            del self._kept[path]


def _files_near(files: list[Classified], first: date, last: date, span: int) -> list[Classified]:
    return [
        c
        for c in files
        if c.day
        and c.day <= last + timedelta(days=1)
        and c.day + timedelta(days=span) >= first - timedelta(days=1)
    ]


def _life(
    face: np.ndarray, values: np.ndarray, bounds: tuple[date, date], report: ImportReport, source: str
) -> tuple[np.ndarray, np.ndarray]:
    """Drop rows dated outside the account's life (2-digit-year placeholders such as 12/31/99); counted once per
    file (a chunk is read by each window it touches)."""
    low, high = seconds_of(bounds[0] - timedelta(days=1)), seconds_of(bounds[1] + timedelta(days=2))
    keep = (face >= low) & (face < high)
    dropped = int(face.size - np.count_nonzero(keep))
    if not dropped:
        return face, values
    if source not in report.dropped_by_file:
        report.dropped_by_file[source] = dropped
        report.rows_outside_account += dropped
    return face[keep], values[keep]


def assemble_window(
    archive: Archive,
    found: Inventory,
    sleeps: list[SleepLogRecord],
    clock: LocalClock,
    window: list[date],
    bounds: tuple[date, date],
    report: ImportReport,
    cache: ParsedFiles,
) -> tuple[WindowDays, int]:
    """Every family's values for the window's days, and the heart-rate samples placed in them."""
    first, last = window[0], window[-1]
    cache.drop_before(first)
    days = WindowDays(window)
    before = report.heart_samples
    heart_samples = 0
    # heart rate: one file per local day; its boundary checks the day's offset before any instant is placed
    parsed = []
    for c in _files_near(found.of("heart_rate"), first, last, 1):
        utc, bpm = cache.get(c, 1, parsers.heart_json)
        assert c.day is not None
        clock.detect(c.day, utc)
        parsed.append((utc, bpm))
    for utc, bpm in parsed:
        local = clock.to_local(utc)
        heart_samples += int(
            np.count_nonzero(
                (local // 86_400 >= first.toordinal() - 719_163)
                & (local // 86_400 <= last.toordinal() - 719_163)
            )
        )
        days.put("heart_rate", "heart", local, np.clip(bpm, 0, 255), seconds=True)
    del parsed
    for family in MINUTE_FAMILIES:
        for c in _files_near(found.of(family), first, last, CHUNK_SPAN_DAYS):
            face, values = cache.get(c, CHUNK_SPAN_DAYS, parsers.minute_json)
            local = _to_local(family, face, c, clock)
            if family == "altitude":
                days.put(family, "floors", local, np.floor(values / 10), seconds=False)
                days.put(family, "elevation", local, values * FEET_M, seconds=False)
            elif family == "distance":
                days.put(family, "distance", local, values / 100_000, seconds=False)  # cm -> km
            else:
                days.put(family, family, local, values, seconds=False)
    _google_twins(archive, found, days, clock, first, last, bounds, report)
    _sleep_codes(sleeps, days, first, last)
    report.heart_samples += heart_samples
    return days, report.heart_samples - before  # the JSON's and the CSV twins'


def _to_local(family: str, face: np.ndarray, c: Classified, clock: LocalClock) -> np.ndarray:
    rule = FAMILY_ZONES[family]
    if rule.endswith("?") and face.size and c.day is not None:
        if int(face.min()) == seconds_of(c.day):
            rule = "local"  # the chunk starts at its name's local midnight on the face of it
        elif int(face.min()) == clock.midnight(c.day):
            rule = "utc"
        else:
            rule = rule[:-1]
    return face if rule == "local" else clock.to_local(face)


def _google_twins(
    archive: Archive,
    found: Inventory,
    days: WindowDays,
    clock: LocalClock,
    first: date,
    last: date,
    bounds: tuple[date, date],
    report: ImportReport,
) -> None:
    """The GoogleData CSV twins fill the days the JSON family lacks (one data source per day, never a sum)."""
    for family, (column, factor) in GOOGLE_TWINS.items():
        files = _files_near(
            found.of(f"gd_{family}"), first, last, 1 if family == "heart_rate" else CHUNK_SPAN_DAYS
        )
        if not files:
            continue
        per_source: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        for c in files:
            by_source = report.parsed(
                archive, c.entry, partial(parsers.google_series, column=column), text=True
            )
            for source, (utc, values) in (by_source or {}).items():
                per_source.setdefault(source, []).append(_life(utc, values, bounds, report, c.entry.path))
        # the day's source: the non-round-trip one with the most rows that day
        chosen: dict[date, tuple[str, int]] = {}
        located: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for source, parts in per_source.items():
            utc = np.concatenate([p[0] for p in parts])
            values = np.concatenate([p[1] for p in parts]) * factor
            local = clock.to_local(utc)
            located[source] = (local, values)
            numbers, counts = np.unique(local // 86_400, return_counts=True)
            for number, count in zip(numbers.tolist(), counts.tolist(), strict=True):
                day = date.fromordinal(number + 719_163)
                rank = (0 if source.endswith("Health Connect") else 1, count)
                if day not in chosen or rank > (
                    0 if chosen[day][0].endswith("Health Connect") else 1,
                    chosen[day][1],
                ):
                    chosen[day] = (source, count)
        series = "heart" if family == "heart_rate" else _SERIES_OF[family]
        for day, (source, _count) in chosen.items():
            if day not in days.wanted or days.has(day, family):
                continue  # the JSON has this day: it is the one source
            local, values = located[source]
            inside = local // 86_400 == day.toordinal() - 719_163
            if family == "heart_rate":
                report.heart_samples += int(np.count_nonzero(inside))
                days.put(
                    family, series, local[inside], np.clip(np.rint(values[inside]), 0, 255), seconds=True
                )
            else:
                # the CSV's calories omit minutes (BMR never stops): the importer fills them, knowing the BMR
                name = "gd_calories" if family == "calories" else family
                days.put(name, series, local[inside], values[inside], seconds=False)


def _sleep_codes(sleeps: list[SleepLogRecord], days: WindowDays, first: date, last: date) -> None:
    """Each log's per-minute sleep codes: ``levels.data`` laid out at 30-s resolution, then ``shortData`` over it
    (the short wakes sit inside long runs); a log without levels is asleep (light) throughout."""
    for log in sleeps:
        if log.end_time.date() < first - timedelta(days=1) or log.start_time.date() > last + timedelta(
            days=1
        ):
            continue
        start = _face(log.start_time)
        epochs = max(1, -(-log.duration_ms // 30_000))
        codes = np.full(epochs, SLEEP_LIGHT, dtype=np.uint8)
        for stage in (*log.data, *log.short_data):
            begin = (_face(stage.start) - start) // 30
            codes[max(0, begin) : max(0, begin + stage.seconds // 30)] = SLEEP_CODES.get(
                stage.level, SLEEP_LIGHT
            )
        first_minute = start // 60
        minutes = np.arange(first_minute, -(-(start + epochs * 30) // 60))
        index = np.clip((minutes * 60 - start) // 30, 0, epochs - 1)
        days.put("sleep", "sleep", minutes * 60, codes[index], seconds=False)


def _face(moment: Any) -> int:
    return seconds_of(moment.date()) + moment.hour * 3600 + moment.minute * 60 + moment.second
