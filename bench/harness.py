"""Shared benchmark plumbing: start a server process on loopback, measure requests/second with wrk (bounded in
time, loopback only), and report ratios against a baseline measured in the same run."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pinned(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


@contextmanager
def server(args: list[str], port: int, probe_path: str = "/", headers: dict[str, str] | None = None):
    """Run `python args…` pinned to CPU 0 until it answers on `port`."""
    process = subprocess.Popen([*_pinned(0), sys.executable, *args], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}{probe_path}", headers=headers, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"server {args} did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def requests_per_second(
    url: str, headers: dict[str, str] | None = None, seconds: int = 6, connections: int = 32
) -> float:
    """wrk on CPU 1 for a bounded time against a loopback URL."""
    if not shutil.which("wrk"):
        raise SystemExit("bench needs wrk (Debian package 'wrk')")
    command = [*_pinned(1), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        raise RuntimeError(f"{url} answered {non2xx[1]} errors during the run:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])


def alternate(measure_a, measure_b, rounds: int = 3) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """Median of A, median of B, and the median of the per-round ratios B/A (A then B each round)."""
    a_values, b_values, ratios = [], [], []
    for _ in range(rounds):
        a, b = measure_a(), measure_b()
        a_values.append(a)
        b_values.append(b)
        ratios.append(b / a)
    return statistics.median(a_values), statistics.median(b_values), statistics.median(ratios)


def throughput_vs_baseline(data: str, path: str, headers: dict[str, str]) -> dict[str, float | int]:
    """fitbit-local serving `path` from the data folder (quota off) vs the bare Starlette + orjson baseline
    returning the same body, alternated in one run."""
    ours_port, base_port = free_port(), free_port()
    serve = ["-m", "fitbit_local", "serve", "--data", data, "--port", str(ours_port), "--rate-limit", "0"]
    with server([*serve, "--log-level", "warning"], ours_port, path, headers) as ours_url:
        sample = Path(data) / "baseline-body.json"
        sample.write_bytes(httpx.get(ours_url + path, headers=headers).content)
        with server(["bench/baseline_app.py", str(base_port), str(sample)], base_port) as base_url:
            base, ours, ratio = alternate(
                lambda: requests_per_second(base_url + path),
                lambda: requests_per_second(ours_url + path, headers),
            )
    return {
        "body_bytes": sample.stat().st_size,
        "baseline_rps": round(base),
        "fitbit_local_rps": round(ours),
        "ratio": round(ratio, 3),
    }
