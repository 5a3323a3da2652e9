"""The request log's writer beside a busy request thread: how long a flush of 1,000 rows takes, and how much of its
speed a CPU-bound Python thread on the same core keeps meanwhile (the writer's driver lets go of the interpreter
lock around each statement it steps and must get it back from the busy thread). The ratio is against the same
thread's speed alone, in the same run.

    taskset -c 1 .venv/bin/python bench/bench_log_flush.py [--rows 1000] [--flushes 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from fitbit_local.store import Store  # noqa: E402
from fitbit_local.store.request_log import LoggedRequest, RequestLog, as_row  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--flushes", type=int, default=3)
    args = parser.parse_args()
    store = Store.open(data_dir=tempfile.mkdtemp(prefix="bench-log-"))
    log = RequestLog(store.engine, size=args.rows)
    rows = [
        as_row(
            LoggedRequest(
                float(i), "ABC123", "USR123", "GET", f"/1/user/-/profile.json?{i}", 200, 1.0, 149, None
            )
        )
        for i in range(args.rows)
    ]
    log._write(rows)  # warm: the table, the statement
    stop = threading.Event()
    count = [0]

    def busy() -> None:
        while not stop.is_set():
            sum(range(100))
            count[0] += 1

    thread = threading.Thread(target=busy)
    thread.start()
    time.sleep(0.2)
    before, started = count[0], time.perf_counter()
    for _ in range(args.flushes):
        log._write(rows)
    seconds = time.perf_counter() - started
    during = (count[0] - before) / seconds
    before = count[0]
    time.sleep(0.5)
    alone = (count[0] - before) / 0.5
    stop.set()
    thread.join()
    store.close()
    print(
        f"flush of {args.rows:,} rows beside a busy thread: {seconds / args.flushes * 1000:.1f} ms; "
        f"the busy thread kept {during / alone:.0%} of its speed ({during:,.0f}/s against {alone:,.0f}/s alone)"
    )


if __name__ == "__main__":
    main()
