"""The in-place reader of intraday JSON (`scan`) against plain orjson parsing of the same bytes: in every spelling
Fitbit wrote it answers, and its answer is exactly orjson's; anything else it refuses and the parsers fall back."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import numpy as np
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitbit_local.sources.takeout import parsers, scan

EPOCH = datetime(1970, 1, 1)

stamps = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2068, 12, 31)).map(
    lambda t: t.strftime("%m/%d/%y %H:%M:%S")
)
heart_records = st.lists(
    st.tuples(stamps, st.integers(0, 255), st.integers(-1, 3)).map(
        lambda r: {"dateTime": r[0], "value": {"bpm": r[1], "confidence": r[2]}}
    ),
    max_size=60,
)
decimals = st.one_of(
    st.integers(0, 10**9).map(str),
    st.decimals(min_value=0, max_value=10**6, places=4).map(str),
    st.tuples(st.floats(min_value=0, max_value=1e6), st.integers(0, 6)).map(lambda p: f"{p[0]:.{p[1]}f}"),
)
minute_records = st.lists(
    st.tuples(stamps, decimals).map(lambda r: {"dateTime": r[0], "value": r[1]}), max_size=60
)


def compact(records: object) -> bytes:
    return orjson.dumps(records)


def fitbit(records: object) -> bytes:
    """As the real exports spell it: ``{ "dateTime" : "…", "value" : { "bpm" : 58, "confidence" : 3 } }``."""
    return (
        orjson.dumps(records)
        .replace(b'":', b'" : ')
        .replace(b",", b", ")
        .replace(b"{", b"{ ")
        .replace(b"}", b" }")
        .replace(b"}, {", b"},\n {")
    )


def indented(records: object) -> bytes:
    return orjson.dumps(records, option=orjson.OPT_INDENT_2).replace(b"\n", b"\r\n").replace(b'": ', b'" : ')


SPELLINGS = [compact, fitbit, indented]


def seconds(stamp: str) -> int:
    return int((datetime.strptime(stamp, "%m/%d/%y %H:%M:%S") - EPOCH).total_seconds())


def expected_heart(records: list[dict]) -> tuple[list[int], list[int]]:
    return [seconds(r["dateTime"]) for r in records], [r["value"]["bpm"] for r in records]


def expected_minutes(records: list[dict]) -> tuple[list[int], list[float]]:
    kept = [r for r in records if parsers.number(r["value"]) is not None]
    return [seconds(r["dateTime"]) for r in kept], [float(r["value"]) for r in kept]


@settings(max_examples=150, deadline=None)
@given(records=heart_records, spelling=st.sampled_from(SPELLINGS))
def test_heart_rate_files_are_read_in_place_exactly(records: list[dict], spelling) -> None:
    raw = spelling(records)
    scanned = scan.heart(raw)
    assert scanned is not None, raw[:200]
    assert scanned[0].tolist() == expected_heart(records)[0]
    assert scanned[1].tolist() == expected_heart(records)[1]
    parsed = parsers.heart_json(raw)
    assert (
        parsed[0].tolist() == expected_heart(records)[0] and parsed[1].tolist() == expected_heart(records)[1]
    )


@settings(max_examples=150, deadline=None)
@given(records=minute_records, spelling=st.sampled_from(SPELLINGS))
def test_minute_files_are_read_in_place_exactly(records: list[dict], spelling) -> None:
    raw = spelling(records)
    scanned = scan.minutes(raw)
    assert scanned is not None, raw[:200]
    want_seconds, want_values = expected_minutes(records)
    assert scanned[0].tolist() == want_seconds
    assert scanned[1].tolist() == want_values  # bit for bit, as float(text)
    assert scanned[1].dtype == np.float64


def test_long_decimals_are_exact() -> None:
    values = [
        "0.1",
        "0.3",
        "1.17",
        "9007199254740991",
        "123456.78901234",
        "0",
        "00012.50",
    ]
    records = [{"dateTime": f"01/02/21 00:0{i}:00", "value": v} for i, v in enumerate(values)]
    scanned = scan.minutes(compact(records))
    assert scanned is not None
    assert scanned[1].tolist() == [float(v) for v in values]


UNUSUAL_HEART = {
    "keys in another order": b'[{"value":{"bpm":60,"confidence":2},"dateTime":"01/02/21 00:00:05"}]',
    "confidence before bpm": b'[{"dateTime":"01/02/21 00:00:05","value":{"confidence":2,"bpm":60}}]',
    "stamp not padded": b'[{"dateTime":"1/2/21 00:00:05","value":{"bpm":60,"confidence":2}}]',
    "bpm as a string": b'[{"dateTime":"01/02/21 00:00:05","value":{"bpm":"60","confidence":2}}]',
    "bpm with a fraction": b'[{"dateTime":"01/02/21 00:00:05","value":{"bpm":60.5,"confidence":2}}]',
    "two spellings in one file": b'[{"dateTime":"01/02/21 00:00:05","value":{"bpm":60,"confidence":2}},'
    b'{ "dateTime" : "01/02/21 00:00:10", "value" : { "bpm" : 61, "confidence" : 2 } }]',
    "a month 13": b'[{"dateTime":"13/02/21 00:00:05","value":{"bpm":60,"confidence":2}}]',
}


@pytest.mark.parametrize("raw", UNUSUAL_HEART.values(), ids=UNUSUAL_HEART.keys())
def test_anything_unusual_is_left_to_orjson(raw: bytes) -> None:
    assert scan.heart(raw) is None


def test_unusual_heart_files_still_parse_record_by_record() -> None:
    stamps_, bpm = parsers.heart_json(UNUSUAL_HEART["keys in another order"])
    assert stamps_.tolist() == [seconds("01/02/21 00:00:05")] and bpm.tolist() == [60]
    stamps_, bpm = parsers.heart_json(UNUSUAL_HEART["two spellings in one file"])
    assert bpm.tolist() == [60, 61]


@pytest.mark.parametrize(
    "value", ["NaN", "", "-1", "1e3", "1.2.3", "12345678901234567890", " ", "2.2250738585072014"]
)
def test_minute_values_it_cannot_read_in_place_go_to_the_parser(value: str) -> None:
    records = [
        {"dateTime": "01/02/21 00:00:00", "value": "5"},
        {"dateTime": "01/02/21 00:01:00", "value": value},
    ]
    raw = compact(records)
    assert scan.minutes(raw) is None
    got_seconds, got_values = parsers.minute_json(raw)
    number = parsers.number(value)
    want = [5.0] + ([number] if number is not None and not math.isnan(number) else [])
    assert got_values.tolist() == want
    assert got_seconds.tolist()[0] == seconds("01/02/21 00:00:00")


@pytest.mark.parametrize(
    "raw", [b"", b"[", b'[{"dateTime":"01/02/21 00:00:05","value":{"bpm":60,"confidence":2}}', b"{}", b"null"]
)
def test_truncated_or_foreign_files_are_not_read_in_place(raw: bytes) -> None:
    assert scan.heart(raw) is None
    assert scan.minutes(raw) is None


def test_an_empty_array_is_no_samples() -> None:
    for raw in (b"[]", b"[ ]\n", b"\n[\n]"):
        found = scan.heart(raw)
        assert found is not None and found[0].size == 0 and found[1].size == 0


def test_a_real_export_file_is_read_in_place() -> None:
    """mrphil007/fitbit-to-sqlite's distance.json (Apache-2.0): ``[{\\n  "dateTime" : "12/31/17 16:42:00",\\n
    "value" : "4110"\\n},{`` — Fitbit's own spelling, one key per line."""
    raw = (Path(__file__).parent / "fixtures" / "fitbit-to-sqlite" / "distance.json").read_bytes()
    records = orjson.loads(raw)
    scanned = scan.minutes(raw)
    assert scanned is not None
    assert (
        scanned[0].tolist() == expected_minutes(records)[0]
        and scanned[1].tolist() == expected_minutes(records)[1]
    )
