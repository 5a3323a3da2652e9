"""The row shapes the nightly and daily health metrics share (HRV, SpO2, breathing rate, temperature, cardio fitness),
written once: a summary by date and by interval (``…/date/{date}.json``, ``…/date/{start}/{end}.json``) and, where
Fitbit had one, intraday by date and by interval (``…/all.json``) [DOC hrv, spo2, br, temp, cardioscore pages;
reference §3.7-3.11].

The records are the stored ones (store/metrics.py), keyed by the user-local day Fitbit files them under; a day past
the user's today by the sandbox clock has none yet. Days without a record are left out of the lists, as Fitbit did.
Each family gives a `render` turning (day, record, ctx) into its list entry and a `wrap` turning the entries into the
body (``{"hrv": [...]}``, SpO2's bare object and array).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import DATE, END_DATE, START_DATE
from fitbit_local.api.registry import Endpoint, Shape
from fitbit_local.api.schemas import Schema

Render = Callable[[date, dict[str, Any], RequestContext], dict[str, Any]]
Wrap = Callable[[list[dict[str, Any]], bool], Any]  # (entries, one date?) -> body

METRIC_RANGE_MAX_DAYS = (
    30  # "maximum range: 30 days" on the HRV, BR, SpO2 intraday and temperature pages [DOC]
)


def keyed(key: str) -> Wrap:
    """``{"<key>": [entries]}`` for one date and for an interval alike."""
    return lambda entries, single: {key: entries}


def records(ctx: RequestContext, metric: str, days: list[date]) -> list[tuple[date, dict[str, Any]]]:
    """The stored records of `days` that exist by the sandbox clock, oldest first: none after the user's today, and
    a night's record only once the night has ended (its ``synced`` instant, user-local)."""
    last = min(days[-1], ctx.today)
    if last < days[0]:
        return []
    found = ctx.services.store.metrics.by_dates(ctx.user.id, metric, days[0], last)
    now = datetime.fromtimestamp(ctx.now, ZoneInfo(ctx.user.current_timezone)).replace(tzinfo=None)
    return [
        (day, record)
        for day, record in sorted(found.items())
        if "synced" not in record or datetime.fromisoformat(record["synced"]) <= now
    ]


def handler(metric: str, render: Render, wrap: Wrap) -> Callable[[RequestContext], Any]:
    def handle(ctx: RequestContext) -> Any:
        single = not ctx.days
        days = [ctx.day] if single else ctx.days
        return wrap([render(day, record, ctx) for day, record in records(ctx, metric, days)], single)

    handle.__name__ = f"{metric}_metric"
    return handle


def metric_rows(
    base: str,
    *,
    metric: str,
    scope: str,
    names: tuple[str, str],
    summaries: tuple[str, str],
    render: Render,
    wrap: Wrap,
    response: tuple[Schema, Schema],
    max_range_days: int = METRIC_RANGE_MAX_DAYS,
    suffix: str = "",
    intraday: bool = False,
    resource_type: str = "",
) -> tuple[Endpoint, Endpoint]:
    """(by date, by interval) rows of one metric: ``{base}/date/{date}{suffix}.json`` and
    ``{base}/date/{start}/{end}{suffix}.json``; `response` is the (by date, by interval) body schema."""
    common: dict[str, Any] = {
        "scope": scope,
        "versions": ("1",),
        "intraday": intraday,
        "resource_type": resource_type,
    }
    handle = handler(metric, render, wrap)
    return (
        Endpoint(
            names[0],
            "GET",
            (base + "/date/{date}" + suffix + ".json",),
            handle,
            response=response[0],
            summary=summaries[0],
            path_params=(DATE,),
            **common,
        ),
        Endpoint(
            names[1],
            "GET",
            (base + "/date/{date}/{end_date}" + suffix + ".json",),
            handle,
            response=response[1],
            summary=summaries[1],
            path_params=(START_DATE, END_DATE),
            shape=Shape.SERIES,
            max_range_days=max_range_days,
            **common,
        ),
    )


def summary_and_intraday_rows(
    base: str,
    *,
    metric: str,
    scope: str,
    names: tuple[str, str, str, str],
    summaries: tuple[str, str, str, str],
    render: tuple[Render, Render],
    wrap: Wrap,
    response: tuple[Schema, Schema, Schema, Schema],
    summary_max_range_days: int = METRIC_RANGE_MAX_DAYS,
) -> tuple[Endpoint, ...]:
    """The four rows of a metric with intraday data. The intraday by-date row (``…/date/{date}/all.json``) comes
    before the summary interval row, whose ``{end-date}`` would otherwise take ``all`` for a date."""
    summary_by_date, summary_interval = metric_rows(
        base,
        metric=metric,
        scope=scope,
        names=names[:2],
        summaries=summaries[:2],
        render=render[0],
        wrap=wrap,
        response=response[:2],
        max_range_days=summary_max_range_days,
    )
    intraday_by_date, intraday_interval = metric_rows(
        base,
        metric=metric,
        scope=scope,
        names=names[2:],
        summaries=summaries[2:],
        render=render[1],
        wrap=wrap,
        response=response[2:],
        suffix="/all",
        intraday=True,
    )
    return (summary_by_date, intraday_by_date, intraday_interval, summary_interval)
