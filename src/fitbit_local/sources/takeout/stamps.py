"""Timestamps of the export, decoded in bulk with numpy (a heart-rate day is 10–45 k of them).

Every stamp becomes int64 seconds since 1970-01-01 of its *face value* (no zone applied): for a UTC family that is
the instant, for a local family the local wall time; `zones.py` maps one to the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np

MDY_LENGTH = len("05/31/17 14:00:04")
MDY_DIGITS = [0, 1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16]  # the digit places of MM/DD/YY HH:MM:SS
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm), element-wise."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def mdy_seconds(stamps: Sequence[str]) -> np.ndarray:
    """``MM/DD/YY HH:MM:SS`` stamps as face-value epoch seconds. Two-digit years follow Python's %y rule (69–99 are
    19xx), so placeholder rows such as ``12/31/99`` land in 1999 and are dropped by the account-life filter."""
    if not stamps:
        return np.zeros(0, dtype=np.int64)
    raw = np.frombuffer("".join(stamps).encode("ascii"), dtype=np.uint8)
    if raw.size != MDY_LENGTH * len(stamps):  # not all fixed-width: decode one by one
        return np.array([_mdy_one(s) for s in stamps], dtype=np.int64)
    return mdy_fields_seconds(mdy_fields(raw.reshape(-1, MDY_LENGTH)))


def mdy_fields(stamps: np.ndarray) -> np.ndarray:
    """An (n, 17) byte matrix of ``MM/DD/YY HH:MM:SS`` stamps as (n, 6) int64 month, day, two-digit year, hour,
    minute, second, read from the digit places as found (the caller checks them when it must)."""
    digits = stamps[:, MDY_DIGITS].astype(np.int64) - 48
    return digits[:, 0::2] * 10 + digits[:, 1::2]


def mdy_fields_seconds(fields: np.ndarray) -> np.ndarray:
    """Face-value epoch seconds of `mdy_fields` rows; two-digit years by Python's %y rule."""
    month, day, yy, hour, minute, second = fields.T
    year = np.where(yy < 69, 2000 + yy, 1900 + yy)
    return days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second


def _mdy_one(stamp: str) -> int:
    parsed = datetime.strptime(stamp.strip(), "%m/%d/%y %H:%M:%S")
    return (
        (parsed.date().toordinal() - EPOCH_ORDINAL) * 86_400
        + parsed.hour * 3600
        + parsed.minute * 60
        + parsed.second
    )


def mdy_date(stamp: str) -> date:
    """The date of a ``MM/DD/YY[ HH:MM:SS]`` label."""
    return datetime.strptime(stamp[:8], "%m/%d/%y").date()


def iso_seconds(stamp: str) -> int:
    """Face-value epoch seconds of an ISO stamp (``2023-03-13T23:12:30.000``, with or without ``Z``)."""
    parsed = datetime.fromisoformat(stamp.strip().removesuffix("Z"))
    return (
        (parsed.date().toordinal() - EPOCH_ORDINAL) * 86_400
        + parsed.hour * 3600
        + parsed.minute * 60
        + parsed.second
    )


def iso_seconds_many(stamps: Sequence[str]) -> np.ndarray:
    """Face-value seconds of ``YYYY-MM-DDTHH:MM:SS[.fff…][Z]`` stamps (GoogleData CSVs), in bulk."""
    if not stamps:
        return np.zeros(0, dtype=np.int64)
    width = 19
    raw = np.frombuffer("".join(s[:width] for s in stamps).encode("ascii"), dtype=np.uint8)
    if raw.size != width * len(stamps):
        return np.array([iso_seconds(s) for s in stamps], dtype=np.int64)
    d = raw.reshape(-1, width).astype(np.int64) - 48
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month = d[:, 5] * 10 + d[:, 6]
    day = d[:, 8] * 10 + d[:, 9]
    days = days_from_civil(year, month, day)
    return (
        days * 86_400
        + (d[:, 11] * 10 + d[:, 12]) * 3600
        + (d[:, 14] * 10 + d[:, 15]) * 60
        + d[:, 17] * 10
        + d[:, 18]
    )


def day_of(seconds: int) -> date:
    return date.fromordinal(EPOCH_ORDINAL + seconds // 86_400)


def seconds_of(day: date) -> int:
    return (day.toordinal() - EPOCH_ORDINAL) * 86_400
