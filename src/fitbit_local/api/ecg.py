"""Electrocardiogram: the paged list of ECG readings with their waveform samples [DOC get-ecg-log-list; reference
§3.12, §4.8]."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.pagination import LIST_QUERY, PAGINATION_SCHEMA, Page, page_entries
from fitbit_local.api.params import MAX_DATE, MIN_DATE
from fitbit_local.api.registry import Endpoint

ECG_MAX_LIMIT = 10  # "limit: Maximum: 10" [DOC]


def local_now(ctx: RequestContext) -> datetime:
    return datetime.fromtimestamp(ctx.now, ZoneInfo(ctx.user.current_timezone)).replace(tzinfo=None)


def stored_entries(ctx: RequestContext, metric: str, key: str, at: str) -> list[tuple[datetime, Any]]:
    """Every stored entry of `metric` records (their `key` lists), with the local instant named by its `at` field."""
    records = ctx.services.store.metrics.by_dates(ctx.user.id, metric, MIN_DATE, min(ctx.today, MAX_DATE))
    return [
        (datetime.fromisoformat(entry[at]), entry)
        for _, record in sorted(records.items())
        for entry in record[key]
    ]


def ecg_list(ctx: RequestContext) -> dict[str, Any]:
    page = Page.of(ctx)
    readings, more = page_entries(stored_entries(ctx, "ecg", "readings", "startTime"), page, local_now(ctx))
    return {"ecgReadings": readings, "pagination": page.pagination(ctx, more)}


_READING = schemas.obj(
    {
        "startTime": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$"},
        "averageHeartRate": schemas.INTEGER,
        "resultClassification": schemas.STRING,
        "waveformSamples": schemas.array(schemas.INTEGER),
        "samplingFrequencyHz": schemas.NUMBER_STRING,
        "scalingFactor": schemas.INTEGER,
        "numberOfWaveformSamples": schemas.INTEGER,
        "leadNumber": schemas.INTEGER,
        "featureVersion": schemas.STRING,
        "deviceName": schemas.STRING,
        "firmwareVersion": schemas.STRING,
    }
)

ROWS: tuple[Endpoint, ...] = (
    Endpoint(
        "getEcgLogList",
        "GET",
        ("/user/{user_id}/ecg/list.json",),
        ecg_list,
        scope="electrocardiogram",
        response=schemas.obj({"ecgReadings": schemas.array(_READING), "pagination": PAGINATION_SCHEMA}),
        summary="Get ECG Log List",
        versions=("1",),
        query=LIST_QUERY,
        options={"max_limit": ECG_MAX_LIMIT},
    ),
)
