"""A vectorised reader of the intraday JSON files, which are most of an archive (one heart-rate file per day: 10–90 k
samples, 6 GB over 12 years in a real export).

Every such file is an array of ``{"dateTime": "MM/DD/YY HH:MM:SS", "value": V}`` records, where V is
``{"bpm": N, "confidence": C}`` (heart rate) or a decimal string (steps, distance, calories, altitude). Building a
Python dict per record costs more than everything the import does with the numbers afterwards, so the file is read
as bytes: the first record's spelling (Fitbit pretty-prints with ``" : "``) is taken as the file's, every record's
fixed parts are compared with it in place, and the stamps and values are decoded as numpy arrays.

Anything this reader does not recognise byte for byte — another key order, an extra key before ``value``, a
non-padded stamp, ``NaN`` or a blank value, a sign or an exponent, a malformed file — makes it answer ``None``, and
the caller parses that file with orjson instead (`parsers.heart_json`, `parsers.minute_json`). Where it answers, the
result is exactly the one orjson parsing gives (tests/takeout/test_scan.py holds both to that).
"""

from __future__ import annotations

import re

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from fitbit_local.sources.takeout.stamps import MDY_DIGITS, MDY_LENGTH, mdy_fields, mdy_fields_seconds

# A record's fixed parts, as its file spells them: from the ``T`` of ``dateTime`` to the stamp, the stamp, and from
# the stamp to the value. ``T`` occurs nowhere else in these files (keys dateTime/value/bpm/confidence, stamps of
# digits), nor does ``v`` outside ``value``: so the T's find every record and the v's count them.
_HEART_RECORD = re.compile(
    rb'Time"\s*:\s*"(?P<stamp>\d\d/\d\d/\d\d \d\d:\d\d:\d\d)"\s*,\s*"value"\s*:\s*\{\s*"bpm"\s*:\s*'
)
_STRING_RECORD = re.compile(rb'Time"\s*:\s*"(?P<stamp>\d\d/\d\d/\d\d \d\d:\d\d:\d\d)"\s*,\s*"value"\s*:\s*"')
_SEPARATORS = ((2, ord("/")), (5, ord("/")), (8, ord(" ")), (11, ord(":")), (14, ord(":")))
_HEART_WIDTH = 3  # bpm digits
_STRING_WIDTH = 17  # digits and one point: every value below 2**53 fits; longer ones go to orjson
_DOT, _QUOTE, _COMMA, _BRACE = ord("."), ord('"'), ord(","), ord("}")
_HEART_ENDS = (_COMMA, _BRACE, ord(" "), ord("\t"), ord("\r"), ord("\n"))


def heart(raw: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """A ``heart_rate-DATE.json`` file: (face-value seconds, bpm as int64), or None when it is not in the usual
    form."""
    found = _records(raw, _HEART_RECORD, _HEART_WIDTH)
    if found is None:
        return None
    stamps, cells = found
    number = _decimal(cells, _HEART_ENDS)
    if number is None or number[1].any():
        return None
    return stamps, number[0]


def minutes(raw: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """A ``steps-``/``distance-``/``calories-``/``altitude-DATE.json`` file: (face-value seconds, float64
    values), or None when it is not in the usual form (a ``NaN`` or blank value included)."""
    found = _records(raw, _STRING_RECORD, _STRING_WIDTH)
    if found is None:
        return None
    stamps, cells = found
    number = _decimal(cells, (_QUOTE,))
    if number is None:
        return None
    mantissa, decimals = number
    if (mantissa >= 2**53).any():
        return None
    # exact: the mantissa (below 2**53) and the power of ten (at most 1e16) are exactly representable, and an IEEE
    # division rounds once, as float(text) does
    return stamps, mantissa / (10.0**decimals)


def _records(raw: bytes, record: re.Pattern[bytes], width: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Every record's face-value seconds, and the `width` + 1 bytes where its value starts."""
    if not (raw[:64].lstrip().startswith(b"[") and raw[-64:].rstrip().endswith(b"]")):
        return None
    first = raw.find(b"T")
    if first < 0:
        empty = not raw.strip()[1:-1].strip()
        return (np.zeros(0, dtype=np.int64), np.zeros((0, width + 1), np.uint8)) if empty else None
    match = record.match(raw, first)
    if match is None:
        return None
    lead = raw[first : match.start("stamp")]
    tail = raw[match.end("stamp") : match.end()]
    span = len(lead) + MDY_LENGTH + len(tail) + width + 1
    a = np.frombuffer(raw, dtype=np.uint8)  # no copy: a file is read in place
    at = np.flatnonzero(a == ord("T"))
    if at.size != np.count_nonzero(a == ord("v")):  # a record without its T, or a T that is no record's
        return None
    rows = _windows(raw, a, at, span)
    stamp = rows[:, len(lead) : len(lead) + MDY_LENGTH]
    if not (
        (rows[:, : len(lead)] == np.frombuffer(lead, np.uint8)).all()
        and (
            rows[:, len(lead) + MDY_LENGTH : len(lead) + MDY_LENGTH + len(tail)]
            == np.frombuffer(tail, np.uint8)
        ).all()
        and all((stamp[:, column] == char).all() for column, char in _SEPARATORS)
    ):
        return None
    digits = stamp[:, MDY_DIGITS]
    if ((digits < ord("0")) | (digits > ord("9"))).any():
        return None
    fields = mdy_fields(stamp)
    month, day, _, hour, minute, second = fields.T
    if ((month < 1) | (month > 12) | (day < 1) | (day > 31)).any() or (
        (hour > 23) | (minute > 59) | (second > 59)
    ).any():
        return None
    return mdy_fields_seconds(fields), rows[:, len(lead) + MDY_LENGTH + len(tail) :]


def _windows(raw: bytes, a: np.ndarray, at: np.ndarray, span: int) -> np.ndarray:
    """The `span` bytes from each of the ascending positions `at`; the last records' windows, which may run past
    the end, from a padded copy of the file's end only."""
    inside = int(np.searchsorted(at, a.size - span, side="right"))
    if inside == at.size:
        return sliding_window_view(a, span)[at]
    start = int(at[inside])
    end = np.frombuffer(raw[start:] + b"\0" * span, dtype=np.uint8)
    rest = sliding_window_view(end, span)[at[inside:] - start]
    return np.concatenate([sliding_window_view(a, span)[at[:inside]], rest]) if inside else rest


def _decimal(cells: np.ndarray, ends: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray] | None:
    """Unsigned decimals (digits with at most one point) at the start of each row of `cells`, ending before the
    first of `ends`: (all their digits as one integer, digits after the point), or None if any is anything else."""
    mantissa = np.zeros(cells.shape[0], dtype=np.int64)
    decimals = np.zeros(cells.shape[0], dtype=np.int64)
    open_ = np.ones(cells.shape[0], dtype=bool)  # still inside the number
    seen_dot = np.zeros(cells.shape[0], dtype=bool)
    for column in range(cells.shape[1]):
        cell = cells[:, column]
        end = np.zeros(cells.shape[0], dtype=bool)
        for char in ends:
            end |= cell == char
        if column == 0 and end.any():
            return None  # an empty value
        digit = (cell >= 48) & (cell <= 57)
        dot = cell == _DOT
        if (open_ & ~(end | digit | dot)).any() or (open_ & dot & seen_dot).any():
            return None
        take = open_ & digit
        mantissa = np.where(take, mantissa * 10 + (cell.astype(np.int64) - 48), mantissa)
        decimals += take & seen_dot
        seen_dot |= open_ & dot
        open_ &= ~end
        if not open_.any():
            return mantissa, decimals
    return None  # a value longer than `cells`
