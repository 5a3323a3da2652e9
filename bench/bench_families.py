"""Read throughput per endpoint family (issue #7 §9): one representative request per family, served by fitbit-local
(quota off) and by the bare Starlette baseline answering the very same bytes, alternated in one run. Each server runs
on one pinned core with uvloop and httptools, wrk (one thread, 64 connections) on the other.

    PYTHONPATH=src .venv/bin/python bench/bench_families.py [--seconds 5] [--rounds 1] [--only heart]

Goal: every row's ratio ≥ 0.5 and our p99 ≤ 25 ms. A family added later is one more row in FAMILIES.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Comparison, alternate, free_port, server, wrk  # noqa: E402
from synthetic_user import BenchUser, create_bench_user  # noqa: E402

from fitbit_local.config import Settings  # noqa: E402
from fitbit_local.services import Services  # noqa: E402


@dataclass(frozen=True)
class Family:
    name: str
    path: str  # with {day} (a complete synthetic day) or {full_second_day} (86,400 heart readings)


FAMILIES = (
    Family("user: profile", "/1/user/-/profile.json"),
    Family("activity: daily summary", "/1/user/-/activities/date/{day}.json"),
    Family("activity: time series steps 30d", "/1/user/-/activities/steps/date/{day}/30d.json"),
    Family("activity: intraday steps 1d/1min", "/1/user/-/activities/steps/date/{day}/1d/1min.json"),
    Family("azm: time series 30d", "/1/user/-/activities/active-zone-minutes/date/{day}/30d.json"),
    Family("azm: intraday 1d/15min", "/1/user/-/activities/active-zone-minutes/date/{day}/1d/15min.json"),
    Family("heart: time series 30d", "/1/user/-/activities/heart/date/{day}/30d.json"),
    Family("heart: intraday 1d/1min", "/1/user/-/activities/heart/date/{day}/1d/1min.json"),
    Family("heart: intraday 1d/1sec", "/1/user/-/activities/heart/date/{full_second_day}/1d/1sec.json"),
)


@dataclass(frozen=True)
class Row:
    family: Family
    path: str
    body_bytes: int
    comparison: Comparison


def request_path(family: Family, user: BenchUser) -> str:
    return family.path.format(day=user.day, full_second_day=user.full_second_day)


def fetch_bodies(base_url: str, paths: list[str], headers: dict[str, str], folder: Path) -> Path:
    """Our answer to each path, saved for the baseline to serve; the manifest maps path → file."""
    manifest: dict[str, str] = {}
    for i, path in enumerate(paths):
        response = httpx.get(base_url + path, headers=headers, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
        file = folder / f"body-{i}.json"
        file.write_bytes(response.content)
        manifest[path] = str(file)
    manifest_file = folder / "bodies.json"
    manifest_file.write_bytes(orjson.dumps(manifest))
    return manifest_file


def same_bytes(ours_url: str, base_url: str, path: str, headers: dict[str, str]) -> int:
    ours = httpx.get(ours_url + path, headers=headers, timeout=30)
    base = httpx.get(base_url + path, timeout=30)
    if ours.content != base.content or ours.headers["content-type"] != base.headers["content-type"]:
        raise RuntimeError(f"the baseline does not answer {path} with our bytes")
    return len(ours.content)


def measure(families: list[Family], args: argparse.Namespace) -> list[Row]:
    with tempfile.TemporaryDirectory() as data:
        services = Services.build(Settings(data_dir=data, rate_limit=0))
        user = create_bench_user(services)
        services.store.close()
        headers = user.headers
        paths = [request_path(f, user) for f in families]
        ours_port, base_port = free_port(), free_port()
        serve = [
            *("-m", "fitbit_local", "serve", "--data", data, "--port", str(ours_port), "--rate-limit", "0"),
            *("--log-level", "warning", "--loop", args.loop, "--http", args.http),
        ]
        with server(serve, ours_port, paths[0], headers) as ours_url:
            manifest = fetch_bodies(ours_url, paths, headers, Path(data))
            baseline = ["bench/baseline_app.py", str(base_port), str(manifest)]
            with server([*baseline, "--loop", args.loop, "--http", args.http], base_port) as base_url:
                for url, auth in (
                    (base_url, None),
                    (ours_url, headers),
                ):  # first runs of a process are slower
                    wrk(url + paths[0], auth, args.warmup, args.connections)
                rows = []
                for family, path in zip(families, paths, strict=True):
                    size = same_bytes(ours_url, base_url, path, headers)
                    comparison = alternate(
                        lambda p=path: wrk(base_url + p, None, args.seconds, args.connections),
                        lambda p=path: wrk(ours_url + p, headers, args.seconds, args.connections),
                        rounds=args.rounds,
                    )
                    rows.append(Row(family, path, size, comparison))
                    print_row(rows[-1], args.rounds, file=sys.stderr)
    return rows


HEADER = (
    f"{'family':36} {'bytes':>9} {'ours rps':>9} {'base rps':>9} {'ratio':>6} {'spread':>11} "
    f"{'p50 ms':>7} {'p99 ms':>7} {'base p99':>8}"
)


def format_row(row: Row, rounds: int) -> str:
    c = row.comparison
    spread = f"{min(c.ratios):.2f}–{max(c.ratios):.2f}" if rounds > 1 else ""
    return (
        f"{row.family.name:36} {row.body_bytes:>9} {c.median('candidate', 'rps'):>9.0f} "
        f"{c.median('baseline', 'rps'):>9.0f} {c.ratio:>6.2f} {spread:>11} "
        f"{c.median('candidate', 'p50_ms'):>7.2f} {c.median('candidate', 'p99_ms'):>7.2f} "
        f"{c.median('baseline', 'p99_ms'):>8.2f}"
    )


def print_row(row: Row, rounds: int, file=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    print(format_row(row, rounds), file=file, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of load on each server before measuring"
    )
    parser.add_argument("--rounds", type=int, default=1, help="baseline/ours alternations per row (median)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--only", help="rows whose family name contains this text")
    parser.add_argument("--loop", default="uvloop", choices=["uvloop", "asyncio"])
    parser.add_argument("--http", default="httptools", choices=["httptools", "h11"])
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = parser.parse_args()
    families = [f for f in FAMILIES if not args.only or args.only in f.name]
    started = time.monotonic()
    load_before = os.getloadavg()
    rows = measure(families, args)
    if args.json:
        print(
            orjson.dumps(
                [
                    {
                        "family": r.family.name,
                        "path": r.family.path,
                        "body_bytes": r.body_bytes,
                        "ours_rps": [round(x.rps) for x in r.comparison.candidate],
                        "baseline_rps": [round(x.rps) for x in r.comparison.baseline],
                        "ratio": round(r.comparison.ratio, 3),
                        "ratios": [round(x, 3) for x in r.comparison.ratios],
                        "p50_ms": [x.p50_ms for x in r.comparison.candidate],
                        "p99_ms": [x.p99_ms for x in r.comparison.candidate],
                        "baseline_p99_ms": [x.p99_ms for x in r.comparison.baseline],
                    }
                    for r in rows
                ],
                option=orjson.OPT_INDENT_2,
            ).decode()
        )
        return
    print(
        f"# {date.today()} {platform.node()} · {args.loop}+{args.http} · wrk -t1 -c{args.connections} "
        f"-d{args.seconds}s · {args.rounds} round(s) · load avg {load_before[0]:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after · {time.monotonic() - started:.0f} s"
    )
    print(HEADER)
    for row in rows:
        print_row(row, args.rounds)
    worst = min(rows, key=lambda r: r.comparison.ratio)
    slowest = max(rows, key=lambda r: r.comparison.median("candidate", "p99_ms"))
    print(
        f"# lowest ratio {worst.comparison.ratio:.2f} ({worst.family.name}); highest p99 "
        f"{slowest.comparison.median('candidate', 'p99_ms'):.1f} ms ({slowest.family.name}); "
        f"median ratio {statistics.median(r.comparison.ratio for r in rows):.2f}"
    )


if __name__ == "__main__":
    main()
