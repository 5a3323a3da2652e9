"""`fitbit-local serve` killed with SIGKILL while its queue is full and its worker busy, then started again: every
notification still arrives (at least once), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta

import httpx

from tests.conftest import free_port
from tests.subscriptions.conftest import World
from tests.subscriptions.test_delivery import TODAY, record, subscribe
from tests.test_serve import wait_until_up


def serve(world: World) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {**os.environ, "FITBIT_LOCAL_NOTIFY_INTERVAL": "0.05"}
    command = [sys.executable, "-m", "fitbit_local", "serve", "--port", str(port), "--log-level", "warning"]
    command += ["--database-url", str(world.services.settings.database_url)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(f"{base}/openapi.json", process)
    return process, base


def queued_dates(world: World) -> set[str]:
    pending = world.services.store.deliveries.deliveries(status="pending", limit=1000)
    return {n["date"] for d in pending for n in d["notifications"]}  # type: ignore[attr-defined]


def test_kill_9_mid_queue_loses_nothing(world: World, http: httpx.Client) -> None:
    world.register()
    subscribe(world, http, "body", "b")
    world.subscriber.answer = 503  # failing: everything stays queued, attempted and retried
    days: list[date] = [TODAY - timedelta(days=n) for n in range(20)]
    process, _ = serve(world)
    try:
        for day in days:
            record(world.services, "body", world.user.id, day)
        deadline = time.monotonic() + 30
        while queued_dates(world) != {d.isoformat() for d in days} and time.monotonic() < deadline:
            time.sleep(0.05)
        world.services.clock.advance(3600)  # every retry due: the worker is sending when it is killed
        time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert queued_dates(world) == {d.isoformat() for d in days}
    world.subscriber.answer = 204
    restarted, _ = serve(world)
    try:
        world.services.clock.advance(3600)
        # a delivery the killed worker held is sent once its 30-second lease runs out
        got = world.subscriber.wait_for(lambda n: {e["date"] for e in n} >= {d.isoformat() for d in days}, 60)
    finally:
        restarted.terminate()
        restarted.wait(timeout=30)
    assert {e["date"] for e in got} == {d.isoformat() for d in days}
    assert all(post.signed_ok for post in world.subscriber.received)
