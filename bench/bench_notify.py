"""Benchmark: subscription notifications from a write to a local subscriber.

A real `fitbit-local serve` (pinned to the server core, its notification worker running at the default pass
interval) delivers to a subscriber endpoint on loopback run by this process. The writes are made here, through the
store's one write seam, one change per transaction, each on its own day so every notification names its write.

- drain: `--burst` writes made before the server starts (a backlog, as after a restart), then the rate the server's
  worker empties the queue: the time from starting the server process to the last arrival (startup included, the
  worker starts with the app), and the span from the first arrival to the last;
- live: `--burst` writes as fast as they commit while the worker runs, to the last arrival: notifications/s and
  POSTs/s (the worker batches what it finds in one pass), beside the writer's own rate, which bounds it;
- delay: `--paced` writes at `--rate` per second; for each, the time from its commit to its arrival (median, p99);
- baseline, same run: this process POSTing one-notification bodies to the same subscriber, one after another
  (signing included), as fast as it can: the ratio says what share of a bare sender's rate the queue achieves.

    .venv/bin/python bench/bench_notify.py [--burst 2000] [--paced 300] [--rate 20] [--pg URL]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import free_port, server

from fitbit_local.config import Settings
from fitbit_local.notify.signing import signature
from fitbit_local.notify.subscribers import add_subscriber
from fitbit_local.oauth.tokens import issue_for_consent
from fitbit_local.services import Services

FIRST_DAY = date(2000, 1, 1)


class Inbox:
    """The subscriber: answers verification as Fitbit required, 204 to notifications, and notes when each arrived."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.arrived: dict[str, float] = {}  # notification date → wall time of arrival
        self.posts = 0
        self.lock = threading.Lock()
        self.port = free_port()
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                self._answer(204 if f"verify={inbox.code}" in self.path else 404)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.time()
                with inbox.lock:
                    inbox.posts += 1
                    for entry in json.loads(body):
                        inbox.arrived.setdefault(entry["date"], now)
                self._answer(204)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def wait(self, dates: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if all(d in self.arrived for d in dates):
                    return
            time.sleep(0.005)
        raise SystemExit(f"not every notification arrived within {timeout} s")


def write_day(services: Services, user_id: str, n: int) -> tuple[str, float]:
    day = FIRST_DAY + timedelta(days=n)
    with services.store.write() as tx:
        tx.record("body", "updated", user_id=user_id, day=day)
    return day.isoformat(), time.time()


def baseline(inbox: Inbox, secret: str, count: int) -> float:
    """POSTs/s of a bare sender: one connection per POST, as the worker opens them, signed the same way."""
    body = json.dumps([{"collectionType": "body", "date": "1999-01-01", "ownerId": "X", "ownerType": "user"}])
    started = time.perf_counter()
    for _ in range(count):
        connection = http.client.HTTPConnection("127.0.0.1", inbox.port, timeout=5)
        connection.request(
            "POST",
            "/hook",
            body,
            {"Content-Type": "application/json", "X-Fitbit-Signature": signature(body.encode(), secret)},
        )
        connection.getresponse().read()
        connection.close()
    return count / (time.perf_counter() - started)


def fresh_schema(url: str) -> str:
    """A schema of this run's own in the PostgreSQL database (dropped at the end by `drop_schema`)."""
    import psycopg

    schema = f"bench_notify_{os.getpid()}"
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    return f"{url}?options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA bench_notify_{os.getpid()} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=2000)
    parser.add_argument("--paced", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--pg", help="a PostgreSQL URL instead of SQLite")
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="bench-notify-")
    database_url = args.pg and fresh_schema(args.pg)
    services = Services.build(Settings(data_dir=data, database_url=database_url))
    user = services.store.users.create(name="bench", password="bench password")
    app, secret = services.store.apps.create(
        name="bench", app_type="server", redirect_uris=["https://bench.example/cb"]
    )
    issue_for_consent(
        services.store.engine,
        signing_key=services.signing_key,
        app=app,
        user_id=user.id,
        granted={"weight"},
        now=services.clock.now(),
    )
    inbox = Inbox("benchverificationcode")
    subscriber = add_subscriber(
        services, app.client_id, url=inbox.url, client_secret=secret, verification_code=inbox.code
    )
    assert subscriber.verified
    services.store.subscriptions.create_subscription(app.client_id, "1", user.id, "body", "bench")

    port = free_port()
    store_args = ["--database-url", database_url] if database_url else ["--data", data]
    base_rate = baseline(inbox, secret, 500)
    # drain: a queue built up while no server ran (every write its own transaction and its own day)
    backlog = [write_day(services, user.id, n)[0] for n in range(args.burst)]
    posts_before = inbox.posts
    spawned = time.time()
    with server(["-m", "fitbit_local", "serve", "--port", str(port), *store_args], port):
        ready = time.time()
        inbox.wait(backlog, timeout=600)
        arrivals = sorted(inbox.arrived[d] for d in backlog)
        drain_posts = inbox.posts - posts_before
        # live: writes as fast as they commit while the worker runs
        offset = args.burst
        posts_before = inbox.posts
        started = time.time()
        burst = [write_day(services, user.id, n)[0] for n in range(offset, offset + args.burst)]
        writes_done = time.time()
        inbox.wait(burst, timeout=600)
        elapsed = max(inbox.arrived[d] for d in burst) - started
        posts = inbox.posts - posts_before
        # delay
        paced = []
        for n in range(offset + args.burst, offset + args.burst + args.paced):
            paced.append(write_day(services, user.id, n))
            time.sleep(1 / args.rate)
        inbox.wait([d for d, _ in paced], timeout=120)
        delays = sorted((inbox.arrived[d] - at) * 1000 for d, at in paced)
    rate = len(burst) / elapsed
    result = {
        "database": "postgresql" if args.pg else "sqlite",
        "backlog_notifications": len(backlog),
        "backlog_server_start_s": round(ready - spawned, 2),  # process start to its first answer
        "backlog_delivered_after_spawn_s": round(arrivals[-1] - spawned, 2),
        "backlog_first_to_last_ms": round((arrivals[-1] - arrivals[0]) * 1000, 1),
        "backlog_posts": drain_posts,
        "burst_notifications": len(burst),
        "writes_per_s": round(len(burst) / (writes_done - started), 1),  # the writer: an upper bound
        "notifications_per_s": round(rate, 1),
        "posts_per_s": round(posts / elapsed, 1),
        "notifications_per_post": round(len(burst) / posts, 1),
        "baseline_bare_posts_per_s": round(base_rate, 1),
        "ratio_notifications_to_bare_posts": round(rate / base_rate, 2),
        "paced_writes": len(paced),
        "paced_rate_per_s": args.rate,
        "delay_median_ms": round(statistics.median(delays), 1),
        "delay_p99_ms": round(delays[min(len(delays) - 1, int(len(delays) * 0.99))], 1),
        "worker_interval_s": services.settings.notify_interval,
    }
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    services.store.close()
    if args.pg:
        drop_schema(args.pg)


if __name__ == "__main__":
    main()
