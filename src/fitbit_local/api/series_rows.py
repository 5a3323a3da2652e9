"""The row pairs every time-series family repeats, written once: a time series by date and period and by date range,
and intraday by date and by interval, with the path forms Fitbit and its clients use.

A family calls these with its base path (everything up to ``/date/{date}``), its names, handler, limits and response
schema; the parameters and path forms are the same for every family.
"""

from __future__ import annotations

from typing import Any

from fitbit_local.api.params import (
    BASE_DATE,
    DATE,
    DETAIL_LEVEL,
    END_DATE,
    END_TIME,
    PERIOD,
    START_DATE,
    START_TIME,
    TIMEZONE_UTC,
)
from fitbit_local.api.registry import Endpoint, Handler, Param, Shape


def time_series_rows(
    base: str,
    *,
    names: tuple[str, str],
    summaries: tuple[str, str],
    handler: Handler,
    periods: tuple[str, ...],
    lead: tuple[Param, ...] = (),
    **fields: Any,
) -> tuple[Endpoint, Endpoint]:
    """``{base}/{period}.json`` and ``{base}/{end-date}.json`` (`base` ends with ``/date/{date}``); `lead` are the
    path parameters before the date (a resource)."""
    common: dict[str, Any] = {"shape": Shape.SERIES, "query": (TIMEZONE_UTC,), **fields}
    return (
        Endpoint(
            names[0],
            "GET",
            (base + "/{period:tsperiod}.json",),
            handler,
            summary=summaries[0],
            path_params=(*lead, BASE_DATE, PERIOD),
            periods=periods,
            **common,
        ),
        Endpoint(
            names[1],
            "GET",
            (base + "/{end_date}.json",),
            handler,
            summary=summaries[1],
            path_params=(*lead, START_DATE, END_DATE),
            **common,
        ),
    )


def intraday_rows(
    base: str,
    *,
    names: tuple[str, str],
    summaries: tuple[str, str],
    handler: Handler,
    swagger_window_form: bool = False,
    lead: tuple[Param, ...] = (),
    **fields: Any,
) -> tuple[Endpoint, Endpoint]:
    """``{base}/1d/{detail}[/time/{start}/{end}].json`` and ``{base}/{end-date}/{detail}[/time/…].json``, plus
    Fitbit.NET's legacy ``{base}/1d/time/{start}/{end}.json`` and, with `swagger_window_form`, the official
    Swagger's interval-with-window form without a detail level (both per minute)."""
    common: dict[str, Any] = {"shape": Shape.INTRADAY, "query": (TIMEZONE_UTC,), "intraday": True, **fields}
    interval: tuple[str, ...] = (
        base + "/{end_date}/{detail}.json",
        base + "/{end_date}/{detail}/time/{start_time}/{end_time}.json",
    )
    if swagger_window_form:  # generated clients build it [fidelity audit row 4]
        interval += (base + "/{end_date}/time/{start_time}/{end_time}.json",)
    return (
        Endpoint(
            names[0],
            "GET",
            (
                base + "/1d/{detail}.json",
                base + "/1d/{detail}/time/{start_time}/{end_time}.json",
                base + "/1d/time/{start_time}/{end_time}.json",  # Fitbit.NET's legacy form
            ),
            handler,
            summary=summaries[0],
            path_params=(*lead, DATE, DETAIL_LEVEL, START_TIME, END_TIME),
            **common,
        ),
        Endpoint(
            names[1],
            "GET",
            interval,
            handler,
            summary=summaries[1],
            path_params=(*lead, START_DATE, END_DATE, DETAIL_LEVEL, START_TIME, END_TIME),
            **common,
        ),
    )
