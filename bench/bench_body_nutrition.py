"""Body and nutrition (issue 11): read throughput of one representative request per family against the bare
Starlette baseline answering the very same bytes (bench_families.py's method, wrk on one pinned core), and the
latency of one write row (Create Water Log, then the read that must see it), measured with one keep-alive client.

    PYTHONPATH=src .venv/bin/python bench/bench_body_nutrition.py [--seconds 5] [--rounds 1] [--writes 300]

Goal: every read row's ratio ≥ 0.5. The profile row is bench_families.py's, measured in the same run as a reference
for the machine's load (all rows, once cached, cost the server the same pipeline). The write row has no baseline (the baseline serves GETs only): its figures are
absolute, with the same server's sequential read latency beside them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_families import Family, Row, fetch_bodies, print_row, request_path, same_bytes  # noqa: E402
from harness import alternate, free_port, server, wrk  # noqa: E402
from synthetic_user import create_bench_user  # noqa: E402

from fitbit_local.config import Settings  # noqa: E402
from fitbit_local.oauth.tokens import issue_for_consent  # noqa: E402
from fitbit_local.services import Services  # noqa: E402

FAMILIES = (
    Family("user: profile (same-run reference)", "/1/user/-/profile.json"),
    Family("body: weight logs 30d", "/1/user/-/body/log/weight/date/{day}/30d.json"),
    Family("body: time series weight 30d", "/1/user/-/body/weight/date/{day}/30d.json"),
    Family("nutrition: food log by date", "/1/user/-/foods/log/date/{day}.json"),
    Family("nutrition: time series caloriesIn 30d", "/1/user/-/foods/log/caloriesIn/date/{day}/30d.json"),
    Family("foods: get food", "/1/foods/80001.json"),
)
WRITE_PATH = "/1/user/-/foods/log/water.json"


def body_nutrition_token(services: Services, user_id: str) -> str:
    app = next(a for a in services.store.apps.list() if a.owner_user_id == user_id)
    token = issue_for_consent(
        services.store.engine,
        signing_key=services.signing_key,
        app=app,
        user_id=user_id,
        granted={"profile", "weight", "nutrition"},
        now=services.clock.now(),
    )
    return str(token["access_token"])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure_writes(url: str, headers: dict[str, str], day: str, count: int) -> dict[str, float]:
    """`count` Create Water Log requests, each followed by the day's water read (which must hold it)."""
    writes: list[float] = []
    reads: list[float] = []
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        for i in range(count):
            started = time.perf_counter()
            made = client.post(WRITE_PATH, data={"amount": "250", "date": day})
            writes.append(time.perf_counter() - started)
            if made.status_code != 201:
                raise RuntimeError(f"write answered {made.status_code}: {made.text[:300]}")
            started = time.perf_counter()
            read = client.get(f"/1/user/-/foods/log/water/date/{day}.json")
            reads.append(time.perf_counter() - started)
            if made.json()["waterLog"]["logId"] not in [e["logId"] for e in read.json()["water"]]:
                raise RuntimeError(f"write {i} not seen by the next read")
    return {
        "writes_per_s": count / sum(writes),
        "write_p50_ms": statistics.median(writes) * 1000,
        "write_p99_ms": percentile(writes, 0.99) * 1000,
        "read_p50_ms": statistics.median(reads) * 1000,
        "read_p99_ms": percentile(reads, 0.99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--loop", default="uvloop", choices=["uvloop", "asyncio"])
    parser.add_argument("--http", default="httptools", choices=["httptools", "h11"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        services = Services.build(Settings(data_dir=data, rate_limit=0))
        user = create_bench_user(services)
        headers = {"Authorization": f"Bearer {body_nutrition_token(services, user.user_id)}"}
        services.store.close()
        paths = [request_path(f, user) for f in FAMILIES]
        ours_port, base_port = free_port(), free_port()
        serve = [
            *("-m", "fitbit_local", "serve", "--data", data, "--port", str(ours_port), "--rate-limit", "0"),
            *("--log-level", "warning", "--loop", args.loop, "--http", args.http),
        ]
        with server(serve, ours_port, paths[0], headers) as ours_url:
            manifest = fetch_bodies(ours_url, paths, headers, Path(data))
            baseline = ["bench/baseline_app.py", str(base_port), str(manifest)]
            with server([*baseline, "--loop", args.loop, "--http", args.http], base_port) as base_url:
                for url, auth in ((base_url, None), (ours_url, headers)):
                    wrk(url + paths[0], auth, args.warmup, args.connections)
                print(f"# {time.strftime('%Y-%m-%d')} · wrk -t1 -c{args.connections} -d{args.seconds}s")
                rows = []
                for family, path in zip(FAMILIES, paths, strict=True):
                    size = same_bytes(ours_url, base_url, path, headers)
                    comparison = alternate(
                        lambda p=path: wrk(base_url + p, None, args.seconds, args.connections),
                        lambda p=path: wrk(ours_url + p, headers, args.seconds, args.connections),
                        rounds=args.rounds,
                    )
                    rows.append(Row(family, path, size, comparison))
                    print_row(rows[-1], args.rounds)
            write = measure_writes(ours_url, headers, user.day.isoformat(), args.writes)
            print(
                f"write: Create Water Log × {args.writes}, each read back: {write['writes_per_s']:.0f} writes/s, "
                f"write p50 {write['write_p50_ms']:.2f} ms p99 {write['write_p99_ms']:.2f} ms; "
                f"the read after it p50 {write['read_p50_ms']:.2f} ms p99 {write['read_p99_ms']:.2f} ms"
            )
        print(
            f"# lowest read ratio {min(r.comparison.ratio for r in rows[1:]):.2f} (reference {rows[0].comparison.ratio:.2f})"
        )


if __name__ == "__main__":
    main()
