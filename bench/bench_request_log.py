"""What the request log costs a request: the same cached read (``GET /1/user/-/profile.json``) through the whole ASGI
app in process, with the log on (the default 1000-row ring) and off (``FITBIT_LOCAL_REQUEST_LOG_SIZE=0``), in
interleaved rounds; the figure is the median ratio on/off of the same run, never an absolute time.

    PYTHONPATH=src python bench/bench_request_log.py [--rounds 7] [--requests 5000]

The writer thread shares the interpreter with the requests, so its batches are part of what is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time

from fitbit_local.app import create_app
from fitbit_local.config import Settings
from fitbit_local.oauth.tokens import issue_for_consent
from fitbit_local.services import Services


def build(log_size: int) -> tuple[object, str]:
    settings = Settings()
    settings.data_dir = tempfile.mkdtemp(prefix="bench-log-")
    settings.rate_limit = 0
    settings.request_log_size = log_size
    services = Services.build(settings)
    user = services.store.users.create(name="bench", password="bench-password")
    app, _ = services.store.apps.create(
        name="bench", app_type="personal", redirect_uris=["https://bench.example/cb"], owner_user_id=user.id
    )
    token = issue_for_consent(
        services.store.engine, signing_key=services.signing_key, app=app, user_id=user.id, granted={"profile"}
    )
    return create_app(services), str(token["access_token"])


async def per_request_us(app, token: str, requests: int) -> float:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/1/user/-/profile.json",
        "raw_path": b"/1/user/-/profile.json",
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {token}".encode()), (b"host", b"127.0.0.1")],
        "scheme": "http",
        "server": ("127.0.0.1", 8080),
        "client": ("127.0.0.1", 50000),
        "http_version": "1.1",
        "root_path": "",
    }

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message) -> None:
        pass

    for _ in range(300):  # warm the caches
        await app(dict(scope), receive, send)
    began = time.perf_counter()
    for _ in range(requests):
        await app(dict(scope), receive, send)
    return (time.perf_counter() - began) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    ratios = []
    for _ in range(args.rounds):
        off = asyncio.run(per_request_us(*build(0), args.requests))
        on = asyncio.run(per_request_us(*build(1000), args.requests))
        ratios.append(on / off)
        print(f"log off {off:7.1f} us  on {on:7.1f} us  ratio {on / off:.2f}", flush=True)
    print(f"median ratio log on / off: {statistics.median(ratios):.2f} over {args.rounds} rounds")


if __name__ == "__main__":
    main()
