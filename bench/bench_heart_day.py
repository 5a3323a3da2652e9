"""Issue-3 benchmarks, each a ratio against a baseline measured in the same run:

1. a full 1-second heart-rate day (86,400 readings) served by the API (in-process ASGI call: routing, pipeline,
   store read, decompression, JSON) vs `orjson.dumps` of the same payload — goal ≤ 3×;
2. daily activity summary endpoint throughput (wrk over loopback, quota off) vs a bare Starlette + orjson endpoint
   returning a body of the same size.

    .venv/bin/python bench/bench_heart_day.py
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import throughput_vs_baseline  # noqa: E402

from fitbit_local.app import create_app  # noqa: E402
from fitbit_local.config import Settings  # noqa: E402
from fitbit_local.oauth.tokens import issue_for_consent  # noqa: E402
from fitbit_local.physiology.day import DayArrays  # noqa: E402
from fitbit_local.physiology.summaries import derive_daily_summary  # noqa: E402
from fitbit_local.services import Services  # noqa: E402
from fitbit_local.sources.load import store_synthetic_days  # noqa: E402

DAY = date(2026, 3, 2)


def full_second_day(services: Services, user_id: str) -> None:
    """Replace DAY's heart array with a reading at every one of the 86,400 seconds."""
    user = services.store.users.get(user_id)
    arrays = services.store.series.get_day(user_id, DAY) or DayArrays()
    rng = np.random.default_rng(1)
    heart = np.clip(62 + np.cumsum(rng.integers(-1, 2, 86_400)) % 60, 45, 180).astype(np.uint8)
    arrays = DayArrays(**{**dict(arrays.items()), "heart": heart})
    summary = derive_daily_summary(
        arrays, age=user.age_on(DAY), resting_hr_fallback=60, bmr_kcal_per_day=1600.0
    )
    services.store.series.put_days(user_id, [(DAY, arrays, summary.to_json())], source="synthetic")


async def asgi_get(app, path: str, token: str) -> tuple[float, bytes]:  # type: ignore[no-untyped-def]
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {token}".encode()), (b"host", b"bench")],
        "scheme": "http",
        "server": ("bench", 80),
        "client": ("bench", 1),
        "root_path": "",
        "http_version": "1.1",
    }
    chunks: list[bytes] = []

    async def receive():  # type: ignore[no-untyped-def]
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):  # type: ignore[no-untyped-def]
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    started = time.perf_counter()
    await app(scope, receive, send)
    return time.perf_counter() - started, b"".join(chunks)


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        services = Services.build(Settings(data_dir=data, rate_limit=0))
        user = services.store.users.create(name="bench", password="pw", birth_date=date(1985, 1, 1))
        store_synthetic_days(services.store, user, days=3, end=DAY, seed=5)
        full_second_day(services, user.id)
        app_row, _ = services.store.apps.create(
            name="bench", app_type="personal", redirect_uris=["https://b.example/cb"], owner_user_id=user.id
        )
        token = issue_for_consent(
            services.store.engine,
            signing_key=services.signing_key,
            app=app_row,
            user_id=user.id,
            granted={"heartrate", "activity"},
            now=services.clock.now(),
        )["access_token"]
        app = create_app(services)
        path = f"/1/user/-/activities/heart/date/{DAY}/1d/1sec.json"

        async def api_runs(n: int) -> tuple[list[float], bytes]:
            times, body = [], b""
            for _ in range(n):
                elapsed, body = await asgi_get(app, path, str(token))
                times.append(elapsed)
            return times, body

        asyncio.run(api_runs(3))
        api_times, body = asyncio.run(api_runs(15))
        payload = orjson.loads(body)
        points = len(payload["activities-heart-intraday"]["dataset"])
        dump_times = []
        for _ in range(15):
            started = time.perf_counter()
            orjson.dumps(payload)
            dump_times.append(time.perf_counter() - started)
        api_ms, dump_ms = statistics.median(api_times) * 1000, statistics.median(dump_times) * 1000

        summary_path = f"/1/user/-/activities/date/{DAY}.json"
        headers = {"Authorization": f"Bearer {token}"}
        summary = throughput_vs_baseline(data, summary_path, headers)
    print(
        json.dumps(
            {
                "heart_1sec_day": {
                    "points": points,
                    "body_bytes": len(body),
                    "api_ms": round(api_ms, 2),
                    "orjson_dumps_ms": round(dump_ms, 2),
                    "ratio": round(api_ms / dump_ms, 2),
                    "goal": "<= 3",
                },
                "daily_summary": summary,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
