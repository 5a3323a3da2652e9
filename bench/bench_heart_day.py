"""Issue-3 benchmark: a full 1-second heart-rate day (86,400 readings) served by the API (in-process ASGI call:
routing, pipeline, store read, decompression, JSON) vs `orjson.dumps` of the same payload, goal ≤ 3×. (Throughput
over HTTP of this and every other family: bench_families.py.)

    PYTHONPATH=src .venv/bin/python bench/bench_heart_day.py
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_user import create_bench_user  # noqa: E402

from fitbit_local.app import create_app  # noqa: E402
from fitbit_local.config import Settings  # noqa: E402
from fitbit_local.services import Services  # noqa: E402


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
        user = create_bench_user(services, days=3)
        app = create_app(services)
        path = f"/1/user/-/activities/heart/date/{user.full_second_day}/1d/1sec.json"

        async def api_runs(n: int) -> tuple[list[float], bytes]:
            times, body = [], b""
            for _ in range(n):
                elapsed, body = await asgi_get(app, path, user.access_token)
                times.append(elapsed)
            return times, body

        asyncio.run(api_runs(3))
        api_times, body = asyncio.run(api_runs(15))
        services.store.close()
    payload = orjson.loads(body)
    points = len(payload["activities-heart-intraday"]["dataset"])
    dump_times = []
    for _ in range(15):
        started = time.perf_counter()
        orjson.dumps(payload)
        dump_times.append(time.perf_counter() - started)
    api_ms, dump_ms = statistics.median(api_times) * 1000, statistics.median(dump_times) * 1000
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
                }
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
