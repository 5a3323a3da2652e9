"""Shared benchmark plumbing: start a server process on loopback pinned to one core, load it with wrk pinned to the
other (bounded in time, loopback only), and report ratios against a baseline measured in the same run."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVER_CPU, LOAD_CPU = 0, 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pinned(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


@contextmanager
def server(
    args: list[str], port: int, probe_path: str = "/", headers: dict[str, str] | None = None
) -> Iterator[str]:
    """Run `python args…` pinned to the server core until it answers on `port`."""
    process = subprocess.Popen([*_pinned(SERVER_CPU), sys.executable, *args], cwd=ROOT)
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


@dataclass(frozen=True)
class Load:
    """One wrk run: requests/second and latency percentiles in milliseconds."""

    rps: float
    p50_ms: float
    p99_ms: float


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _percentile_ms(output: str, label: str) -> float:
    found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no {label}% latency in wrk output:\n{output}")
    return float(found[1]) * _UNIT_MS[found[2]]


def wrk(url: str, headers: dict[str, str] | None = None, seconds: int = 5, connections: int = 64) -> Load:
    """wrk (one thread) on the load core for a bounded time against a loopback URL."""
    if not shutil.which("wrk"):
        raise SystemExit("bench needs wrk (Debian package 'wrk')")
    command = [*_pinned(LOAD_CPU), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        raise RuntimeError(f"{url} answered {non2xx[1]} errors during the run:\n{output}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise RuntimeError(f"no Requests/sec in wrk output:\n{output}")
    return Load(float(rps[1]), _percentile_ms(output, "50"), _percentile_ms(output, "99"))


@dataclass(frozen=True)
class Comparison:
    """Baseline (A) and candidate (B) alternated for some rounds: medians, and the per-round ratios B/A."""

    baseline: list[Load]
    candidate: list[Load]

    @property
    def ratios(self) -> list[float]:
        return [b.rps / a.rps for a, b in zip(self.baseline, self.candidate, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    def median(self, side: str, field: str) -> float:
        return statistics.median(getattr(load, field) for load in getattr(self, side))


def alternate(measure_a: Callable[[], Load], measure_b: Callable[[], Load], rounds: int = 3) -> Comparison:
    """A then B each round, so slow drifts in machine load hit both sides alike."""
    a_loads, b_loads = [], []
    for _ in range(rounds):
        a_loads.append(measure_a())
        b_loads.append(measure_b())
    return Comparison(a_loads, b_loads)
