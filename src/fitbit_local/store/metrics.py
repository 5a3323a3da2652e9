"""Per-night and per-day health metric records (HRV, SpO2, breathing rate, temperature, cardio fitness, ECG, IRN):
one JSON record per (user, metric, local day), written by the sources beside the sleep logs
(store/sleep.py `replace_records`) and read by the metric families."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from sqlalchemy import Engine, bindparam, select

from fitbit_local.store.db import FastReader
from fitbit_local.store.schema import health_metrics

_GET_RANGE = (
    select(health_metrics.c.day, health_metrics.c.data)
    .where(
        health_metrics.c.user_id == bindparam("user_id"),
        health_metrics.c.metric == bindparam("metric"),
        health_metrics.c.day >= bindparam("start"),
        health_metrics.c.day <= bindparam("end"),
    )
    .order_by(health_metrics.c.day)
)


class MetricRepository:
    def __init__(self, engine: Engine) -> None:
        self._reader = FastReader.of(engine)

    def by_dates(self, user_id: str, metric: str, start: date, end: date) -> dict[date, dict[str, Any]]:
        """The metric's records for start..end inclusive, by day (days without one are absent)."""
        rows = self._reader.fetchall(
            _GET_RANGE,
            {"user_id": user_id, "metric": metric, "start": start.isoformat(), "end": end.isoformat()},
        )
        return {date.fromisoformat(day): orjson.loads(data) for day, data in rows}
