"""Takeout import: throughput in heart-rate samples per second against the raw ``orjson.loads`` rate of the same files
in the same run, and peak RSS for a 1-year and a 5-year generated archive (memory must stay flat as it grows).

    PYTHONPATH=src python bench/bench_import.py [--years 1 5] [--step 10] [--keep DIR]

Each archive is a layout-C zip written by the tests' own writer (tests/takeout/writer.py `write_long`: a heart-rate
sample every `--step` seconds, 30-day steps/calories/activity chunks, a sleep log per night). The import runs as
``fitbit-local import takeout --json`` in a child process on a fresh SQLite database, pinned to one core; its peak RSS
is the child's ``ru_maxrss``. The baseline reads the same heart-rate members from the same zip and parses them with
``orjson.loads`` only (no timestamps decoded, nothing stored), pinned to the same core: once as a plain loop, once
with the cyclic garbage collector paused (about a fifth faster: the ratio against it is the one the goal is held to).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.takeout.writer import write_long  # noqa: E402

CPU = 0


def pinned() -> list[str]:
    return ["taskset", "-c", str(CPU)] if (os.cpu_count() or 1) > 1 else []


def raw_parse_rate(archive: Path, *, collector: bool) -> tuple[int, float, float]:
    """Samples, wall seconds and CPU seconds to read and ``orjson.loads`` every heart-rate member (pinned child),
    with Python's cyclic garbage collector on (a plain loop) or paused (the faster, stricter baseline)."""
    code = (
        ("" if collector else "import gc; gc.disable()\n") + "import sys, time, zipfile, orjson\n"
        "z = zipfile.ZipFile(sys.argv[1]); names = [n for n in z.namelist() if '/heart_rate-' in n]\n"
        "t = time.perf_counter(); c = time.process_time(); n = 0\n"
        "for name in names: n += len(orjson.loads(z.read(name)))\n"
        "print(n, time.perf_counter() - t, time.process_time() - c)\n"
    )
    out = subprocess.run(
        [*pinned(), sys.executable, "-c", code, str(archive)], capture_output=True, text=True, check=True
    )
    samples, seconds, cpu = out.stdout.split()
    return int(samples), float(seconds), float(cpu)


def run_import(archive: Path, data: Path) -> tuple[dict[str, object], float, float, int]:
    """The import's report, wall seconds, CPU seconds and peak RSS (KiB) of the child process (whole process:
    start-up, user creation and the database writes included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            *pinned(),
            sys.executable,
            "-m",
            "fitbit_local",
            "import",
            "takeout",
            str(archive),
            "--data",
            str(data),
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    out = child.stdout.read() if child.stdout else b""
    err = child.stderr.read() if child.stderr else b""
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"import failed: {err.decode()}")
    return orjson.loads(out), elapsed, usage.ru_utime + usage.ru_stime, int(usage.ru_maxrss)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--years", type=int, nargs="+", default=[1, 5])
    parser.add_argument("--step", type=int, default=10, help="seconds between heart-rate samples")
    parser.add_argument("--keep", help="write the archives here and keep them")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"# bench_import  {date.today()}  {platform.python_version()}  {os.cpu_count()} cores  step {args.step}s"
    )
    print(
        "| archive | HR samples | zip MB | raw orjson.loads samples/CPU-s (gc on / off) | import samples/CPU-s "
        "| ratio (CPU, gc on) | ratio (CPU, gc off) | ratio (wall, gc off) | import wall s | peak RSS MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for years in args.years:
        archive = work / f"takeout-{years}y.zip"
        if not archive.exists():
            write_long(archive, date(2020, 1, 1), 365 * years, step=args.step)
        samples, _, raw_cpu_on = raw_parse_rate(archive, collector=True)
        _, raw_seconds, raw_cpu = raw_parse_rate(archive, collector=False)
        data = work / f"data-{years}y"
        if data.exists():
            for file in data.iterdir():
                file.unlink()
        report, seconds, cpu, rss = run_import(archive, data)
        assert report["heart_samples"] == samples, (report["heart_samples"], samples)
        size = archive.stat().st_size / 2**20
        print(
            f"| {years} year | {samples:,} | {size:.0f} | {samples / raw_cpu_on:,.0f} / {samples / raw_cpu:,.0f} "
            f"| {samples / cpu:,.0f} | {raw_cpu_on / cpu:.2f} | {raw_cpu / cpu:.2f} | {raw_seconds / seconds:.2f} "
            f"| {seconds:.1f} | {rss / 1024:.0f} |"
        )
    with zipfile.ZipFile(work / f"takeout-{args.years[0]}y.zip") as z:
        print(f"members in the first archive: {len(z.namelist())}")


if __name__ == "__main__":
    main()
