"""A real `fitbit-local serve --workers N` on a PostgreSQL schema of the test's own, state built through the store
API in this process, and requests raced from threads, each request on a new connection so the kernel spreads them
over the workers (tests/test_serve.py does the same).

Every server is stopped in a ``finally``; its stderr goes to a file that the test reads back, so a traceback a
worker logged (an unhandled exception behind a 500) fails the test even when no client saw it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

import fitbit_local
from fitbit_local.config import Settings
from fitbit_local.services import Services
from tests.conftest import SchemaPool, free_port

T = TypeVar("T")

SOURCE_DIR = Path(fitbit_local.__file__).resolve().parents[1]  # the code under test, passed to the subprocess
# 20:00 UTC: Europe/Paris and America/New_York are still on the 23rd, Asia/Tokyo already on the 24th, so profile
# time-zone changes are dated on two different local days; frozen, so no rate-limit window ends mid-test.
FROZEN_AT = datetime(2026, 11, 23, 20, 0, 0, tzinfo=UTC)
REQUEST_TIMEOUT = 20.0


@pytest.fixture
def pg_url(pg_schemas: SchemaPool) -> Iterator[str]:
    """A migrated, empty PostgreSQL schema of this test's own."""
    schema = pg_schemas.acquire()
    yield SchemaPool.url(schema)
    pg_schemas.release(schema)


@pytest.fixture
def pg_services(pg_url: str, tmp_path: Path) -> Iterator[Services]:
    """The store API on the test's schema, for building state and reading it back; the sandbox clock frozen."""
    services = Services.build(Settings(data_dir=str(tmp_path), database_url=pg_url, rate_limit=0))
    services.clock.set(FROZEN_AT, frozen=True)
    yield services
    services.store.close()


@dataclass
class Server:
    base_url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def serve(database_url: str, tmp_path: Path, *flags: str, workers: int = 2) -> Iterator[Server]:
    """`python -m fitbit_local serve --workers N` on this checkout's code; returns once every worker has started."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    env = {**os.environ, "PYTHONPATH": str(SOURCE_DIR)}
    env = {k: v for k, v in env.items() if not k.startswith("FITBIT_LOCAL_")}  # only the flags configure it
    with log.open("w") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fitbit_local",
                "serve",
                "--database-url",
                database_url,
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                "info",
                *flags,
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 45
        while server.log_text().count("Application startup complete") < workers:
            if process.poll() is not None:
                raise AssertionError(f"server exited: {server.log_text()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {server.log_text()}")
            time.sleep(0.1)
        yield server
        assert "Traceback" not in server.log_text(), server.log_text()
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass(frozen=True)
class Timed:
    """A response with the monotonic instants its request was sent and its answer received."""

    response: httpx.Response
    sent: float
    received: float


def new_client(base_url: str) -> httpx.Client:
    """No keep-alive: every request opens its own connection, which any worker may accept."""
    return httpx.Client(
        base_url=base_url,
        timeout=REQUEST_TIMEOUT,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def timed(call: Callable[[], httpx.Response]) -> Timed:
    sent = time.monotonic()
    response = call()
    response.read()
    return Timed(response, sent, time.monotonic())


def race(base_url: str, jobs: list[Callable[[httpx.Client], T]], threads: int) -> list[T]:
    """Run `jobs` on `threads` threads, results in the order of `jobs`. Every thread has opened its client before
    the first job is queued (a barrier), so from then on `threads` requests are in flight at once."""
    barrier = threading.Barrier(threads)
    local = threading.local()
    opened: list[httpx.Client] = []

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = new_client(base_url)
            opened.append(local.client)
            barrier.wait(timeout=30)  # holds each thread until all exist: one warm-up task per thread
        http: httpx.Client = local.client
        return http

    def run(job: Callable[[httpx.Client], T]) -> T:
        return job(client())

    with ThreadPoolExecutor(max_workers=threads) as pool:
        try:
            for future in [pool.submit(client) for _ in range(threads)]:
                future.result(timeout=60)
            futures = [pool.submit(run, job) for job in jobs]
            return [future.result(timeout=120) for future in futures]
        finally:
            for http in opened:
                http.close()
