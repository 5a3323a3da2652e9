"""Read throughput of the sleep family (log by date, the paged list) and of the nightly metrics (HRV, SpO2 intraday),
against the bare Starlette baseline answering the very same bytes, alternated in one run (the method of
bench_families.py: server on one pinned core, wrk with one thread and 64 connections on the other).

    PYTHONPATH=src .venv/bin/python bench/bench_sleep.py [--seconds 5] [--rounds 1] [--only sleep]

Goal: every row's ratio ≥ 0.5 of the baseline.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_families import HEADER, Family, Row, print_row  # noqa: E402
from harness import alternate, free_port, server, wrk  # noqa: E402
from synthetic_user import create_bench_user  # noqa: E402

from fitbit_local.config import Settings  # noqa: E402
from fitbit_local.oauth.tokens import issue_for_consent  # noqa: E402
from fitbit_local.services import Services  # noqa: E402

FAMILIES = (
    Family("control: user profile", "/1/user/-/profile.json"),  # bench_families' row: the machine's reference
    Family("sleep: log by date (v1.2)", "/1.2/user/-/sleep/date/{day}.json"),
    Family("sleep: log by date (v1, minuteData)", "/1/user/-/sleep/date/{day}.json"),
    Family(
        "sleep: list, 10 logs",
        "/1.2/user/-/sleep/list.json?beforeDate={next_day}&sort=desc&limit=10&offset=0",
    ),
    Family("sleep: time series minutesAsleep 30d", "/1/user/-/sleep/minutesAsleep/date/{day}/30d.json"),
    Family("hrv: summary 30 days", "/1/user/-/hrv/date/{month_ago}/{day}.json"),
    Family("hrv: intraday by date", "/1/user/-/hrv/date/{day}/all.json"),
    Family("spo2: intraday by date", "/1/user/-/spo2/date/{day}/all.json"),
)
SCOPES = {"profile", "sleep", "heartrate", "oxygen_saturation"}


def sleep_token(services: Services, user_id: str) -> str:
    """A token of the bench user's personal app with the scopes these rows need (synthetic_user grants others)."""
    app = next(a for a in services.store.apps.list() if a.owner_user_id == user_id)
    token = issue_for_consent(
        services.store.engine,
        signing_key=services.signing_key,
        app=app,
        user_id=user_id,
        granted=SCOPES,
        now=services.clock.now(),
    )
    return str(token["access_token"])


def measure(families: list[Family], args: argparse.Namespace) -> list[Row]:
    with tempfile.TemporaryDirectory() as data:
        services = Services.build(Settings(data_dir=data, rate_limit=0))
        user = create_bench_user(services)
        headers = {"Authorization": f"Bearer {sleep_token(services, user.user_id)}"}
        # the latest complete day whose night has a main sleep with stages (some nights the tracker was off)
        logs = services.store.sleep.by_dates(user.user_id, user.day - timedelta(days=10), user.day)
        day = max(
            date.fromisoformat(log.date_of_sleep)
            for log in logs
            if log.is_main_sleep and log.kind == "stages"
        )
        services.store.close()
        values = {"day": day, "next_day": day + timedelta(days=1), "month_ago": day - timedelta(days=29)}
        paths = [f.path.format(**values) for f in families]
        ours_port, base_port = free_port(), free_port()
        serve = [
            *("-m", "fitbit_local", "serve", "--data", data, "--port", str(ours_port), "--rate-limit", "0"),
            *("--log-level", "warning", "--loop", args.loop, "--http", args.http),
        ]
        with server(serve, ours_port, paths[0], headers) as ours_url:
            manifest: dict[str, str] = {}
            for i, path in enumerate(paths):  # the baseline answers by path (without the query)
                response = httpx.get(ours_url + path, headers=headers, timeout=30)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
                file = Path(data) / f"body-{i}.json"
                file.write_bytes(response.content)
                manifest[path.split("?")[0]] = str(file)
            manifest_file = Path(data) / "bodies.json"
            manifest_file.write_bytes(orjson.dumps(manifest))
            baseline = ["bench/baseline_app.py", str(base_port), str(manifest_file)]
            with server([*baseline, "--loop", args.loop, "--http", args.http], base_port) as base_url:
                for url, auth in (
                    (base_url, None),
                    (ours_url, headers),
                ):  # first runs of a process are slower
                    wrk(url + paths[0], auth, args.warmup, args.connections)
                rows = []
                for family, path in zip(families, paths, strict=True):
                    ours = httpx.get(ours_url + path, headers=headers, timeout=30).content
                    if httpx.get(base_url + path, timeout=30).content != ours:
                        raise RuntimeError(f"the baseline does not answer {path} with our bytes")
                    comparison = alternate(
                        lambda p=path: wrk(base_url + p, None, args.seconds, args.connections),
                        lambda p=path: wrk(ours_url + p, headers, args.seconds, args.connections),
                        rounds=args.rounds,
                    )
                    rows.append(Row(family, path, len(ours), comparison))
                    print_row(rows[-1], args.rounds, file=sys.stderr)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--only", help="rows whose family name contains this text")
    parser.add_argument("--loop", default="uvloop", choices=["uvloop", "asyncio"])
    parser.add_argument("--http", default="httptools", choices=["httptools", "h11"])
    args = parser.parse_args()
    families = [f for f in FAMILIES if not args.only or args.only in f.name]
    started, load_before = time.monotonic(), os.getloadavg()
    rows = measure(families, args)
    print(
        f"# {date.today()} {platform.node()} · {args.loop}+{args.http} · wrk -t1 -c{args.connections} "
        f"-d{args.seconds}s · {args.rounds} round(s) · load avg {load_before[0]:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after · {time.monotonic() - started:.0f} s"
    )
    print(HEADER)
    for row in rows:
        print_row(row, args.rounds)
    worst = min(rows, key=lambda r: r.comparison.ratio)
    print(f"# lowest ratio {worst.comparison.ratio:.2f} ({worst.family.name})")


if __name__ == "__main__":
    main()
