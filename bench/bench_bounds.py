"""Resource bounds (issue #8 "Tests that keep it so"): latency and peak memory of each family's largest allowed
request, against a real server on SQLite holding a synthetic user with about three years of data.

Every case runs on a fresh server process (pinned to CPU 0; this client on CPU 1), so its peak RSS is its own:
after three warm-up profile requests the idle RSS is read and the kernel's high-water mark is reset
(``/proc/<pid>/clear_refs`` <- 5); the case's request is then sent ``--runs`` times, each after a no-op sandbox
write (``{"advance": "0s"}``) that moves the cache epoch so the request reads everything from the store, and three
times more answered from the per-process cache; then ``VmHWM`` is read. Figures are ratios against baselines of the
same run, as the machine is shared and noisy: latency against the profile request's median, memory against the same
server's idle RSS.

    .venv/bin/python bench/bench_bounds.py                 # 1095 days of history, 5 runs per case
    .venv/bin/python bench/bench_bounds.py --days 400      # quicker; the ranges asked stay the largest allowed
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
CLOCK = "2026-03-01T12:00:00Z"  # frozen, so "today" and the ranges below are fixed
TODAY = date(2026, 3, 1)
CACHED_RUNS = 3  # the same request again with the epoch unmoved: answered from the per-process summary cache


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    status: int = 200


def cases() -> list[Case]:
    """The largest request each family allows (api/activity.py, azm.py, heart.py, spans.py), ending on days with
    data; intraday on whole past days. The 24 h intraday windows cross midnight, so they read two stored days."""
    d = TODAY - timedelta(days=2)  # a whole day (today holds only the minutes up to the clock)
    year = TODAY - timedelta(days=365)
    three_years = TODAY - timedelta(days=1094)
    month = d - timedelta(days=30)
    act = "/1/user/-/activities"
    return [
        Case("profile (baseline)", "/1/user/-/profile.json"),
        Case("activity series 1095 d", f"{act}/steps/date/{three_years}/{TODAY}.json"),
        Case("activity series max", f"{act}/steps/date/today/max.json"),
        Case("AZM series 1095 d", f"{act}/active-zone-minutes/date/{three_years}/{TODAY}.json"),
        Case("heart series 366 d", f"{act}/heart/date/{year}/{TODAY}.json"),
        Case(
            "heart intraday 1sec 24 h",
            f"{act}/heart/date/{d - timedelta(days=1)}/{d}/1sec/time/12:00/11:59.json",
        ),
        Case(
            "activity intraday 1min 24 h",
            f"{act}/steps/date/{d - timedelta(days=1)}/{d}/1min/time/12:00/11:59.json",
        ),
        Case("AZM intraday 1min 31 d", f"{act}/active-zone-minutes/date/{month}/{d}/1min.json"),
        Case("steps max from 9999-12-31 (the issue's)", f"{act}/steps/date/9999-12-31/max.json", 422),
    ]


def cli(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-m", "fitbit_local", *args, "--json"], capture_output=True, text=True, cwd=ROOT
    )
    if result.returncode != 0:
        raise SystemExit(f"fitbit-local {' '.join(args)}: {result.stderr}")
    return orjson.loads(result.stdout)  # type: ignore[no-any-return]


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def pinned(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


class Server:
    def __init__(self, data: str, port: int) -> None:
        command = [*pinned(0), sys.executable, "-m", "fitbit_local", "serve", "--data", data]
        command += ["--port", str(port), "--rate-limit", "0", "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT)
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.base_url}/_sandbox/clock", timeout=2)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SystemExit("the server did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def measure(data: str, case: Case, headers: dict[str, str], runs: int) -> dict[str, object]:
    from harness import free_port  # bench/harness.py

    server = Server(data, free_port())
    try:
        pid = server.process.pid
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=300) as client:
            for _ in range(3):
                assert client.get("/1/user/-/profile.json").status_code == 200
            idle_kb = status_kb(pid, "VmRSS")
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
            latencies, cached, sizes = [], [], set()
            for run in range(runs + CACHED_RUNS):
                if run < runs:  # a write moves the cache epoch: this request reads everything from the store
                    client.post("/_sandbox/clock", json={"advance": "0s"}).raise_for_status()
                began = time.perf_counter()
                response = client.get(case.path)
                (latencies if run < runs else cached).append(time.perf_counter() - began)
                if response.status_code != case.status:
                    raise SystemExit(f"{case.name}: {response.status_code} {response.text[:300]}")
                sizes.add(len(response.content))
            peak_kb = status_kb(pid, "VmHWM")
    finally:
        server.stop()
    return {
        "case": case.name,
        "status": case.status,
        "bytes": max(sizes),
        "median_ms": statistics.median(latencies) * 1000,
        "max_ms": max(latencies) * 1000,
        "cached_ms": statistics.median(cached) * 1000,
        "idle_mib": idle_kb / 1024,
        "peak_mib": peak_kb / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=1095, help="days of synthetic history (default 1095)")
    parser.add_argument("--runs", type=int, default=5, help="requests per case (default 5)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory() as data:
        cli("clock", "set", CLOCK, "--frozen", "--data", data)
        began = time.monotonic()
        user = cli(
            "users",
            "create",
            "--name",
            "bench",
            "--synthetic-days",
            str(args.days),
            "--seed",
            "1",
            "--data",
            data,
        )
        created_s = time.monotonic() - began
        app = cli("apps", "create", "--name", "bench", "--type", "server", "--intraday", "--data", data,
                  "--redirect-uri", "https://bench.example/cb")  # fmt: skip
        token = cli(
            "tokens", "issue", "--app", str(app["client_id"]), "--user", str(user["user_id"]), "--data", data
        )
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        rows = [measure(data, case, headers, args.runs) for case in cases()]
        database_mib = sum(f.stat().st_size for f in Path(data).iterdir()) / 2**20
    load_after = os.getloadavg()
    baseline_ms = float(rows[0]["median_ms"])  # type: ignore[arg-type]
    print(
        f"bench_bounds {started}: {args.days} days of history (created in {created_s:.0f} s, database "
        f"{database_mib:.0f} MiB), {args.runs} runs per case, a fresh server per case; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after, {os.cpu_count()} CPUs"
    )
    print(
        "| request | status | body bytes | uncached median ms | uncached max ms | median / profile | cached ms "
        "| idle RSS MiB | peak RSS MiB | peak / idle |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['case']} | {row['status']} | {row['bytes']:,} | {row['median_ms']:.1f} | {row['max_ms']:.1f} | "
            f"{float(row['median_ms']) / baseline_ms:.1f} | {row['cached_ms']:.1f} | {row['idle_mib']:.1f} | "  # type: ignore[arg-type]
            f"{row['peak_mib']:.1f} | "
            f"{float(row['peak_mib']) / float(row['idle_mib']):.2f} |"  # type: ignore[arg-type]
        )


if __name__ == "__main__":
    main()
