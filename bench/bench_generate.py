"""Benchmark: one synthetic user-year (365 days, 1-second heart rate) -> daily summaries -> zlib blobs -> store.

Prints seconds per user-year for generation and derivation, compressed bytes per user-year (zlib on
`arr.tobytes()`, one blob per series and day, as the store does), the end-to-end time of
`sources.load.store_synthetic_days` into a fresh SQLite database (and PostgreSQL when one answers on loopback),
and the ratio to a same-run baseline (drawing 365 x 86,400 normal floats) so the figures mean something on a
noisy machine.

    .venv/bin/python bench/bench_generate.py [--seed N] [--level 1-9] [--repeat N] [--pg URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import zlib

import numpy as np
from sqlalchemy import create_engine, delete

from fitbit_local.physiology.day import SECONDS_PER_DAY
from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.sources.synthetic import Person, generate_days
from fitbit_local.store import Store
from fitbit_local.store.schema import users

DAYS = 365


def baseline_seconds() -> float:
    t = time.perf_counter()
    np.random.default_rng(0).normal(size=DAYS * SECONDS_PER_DAY)
    return time.perf_counter() - t


def user_year(seed: int, level: int) -> tuple[float, float, float, int, dict[str, int]]:
    person = Person.draw(seed)
    start = dt.date(2023, 1, 1)
    t0 = time.perf_counter()
    days = list(generate_days(person, start, DAYS, seed))
    t1 = time.perf_counter()
    fallback = None
    for day, arrays in days:
        s = derive_daily_summary(
            arrays,
            age=person.age_on(day),
            resting_hr_fallback=fallback,
            bmr_kcal_per_day=person.bmr_kcal_per_day(day),
        )
        fallback = s.resting_heart_rate or fallback
    t2 = time.perf_counter()
    per_series: dict[str, int] = {}
    for _, arrays in days:
        for name, arr in arrays.items():
            per_series[name] = per_series.get(name, 0) + len(zlib.compress(arr.tobytes(), level))
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, sum(per_series.values()), per_series


def stored_user_year(seed: int, database_url: str) -> float:
    """Seconds for `store_synthetic_days` of one user-year into a fresh database: generate, derive, compress,
    insert and commit, as `fitbit-local generate` does it."""
    store = Store.open(database_url=database_url)
    user = store.users.create(name=f"bench-{time.time_ns()}", password="pw", birth_date=dt.date(1985, 1, 1))
    try:
        t = time.perf_counter()
        assert store_synthetic_days(store, user, days=DAYS, end=dt.date(2023, 12, 31), seed=seed) == DAYS
        return time.perf_counter() - t
    finally:
        with store.engine.begin() as conn:  # leave a shared database as found (its days go with the user)
            conn.execute(delete(users).where(users.c.id == user.id))
        store.close()


def _pg_answers(url: str) -> bool:
    try:
        with create_engine(url).connect():
            return True
    except Exception:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--level", type=int, default=6, help="zlib level")
    parser.add_argument("--repeat", type=int, default=3, help="best of N")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    base = min(baseline_seconds() for _ in range(args.repeat))
    runs = [user_year(args.seed, args.level) for _ in range(args.repeat)]
    gen, derive, compress = (min(r[i] for r in runs) for i in range(3))
    total_bytes, per_series = runs[0][3], runs[0][4]
    total = gen + derive + compress
    print(f"baseline  rng.normal({DAYS}*86400): {base:.3f} s")
    print(f"generate  {gen:.3f} s/user-year ({gen / DAYS * 1000:.2f} ms/day)  = {gen / base:.1f}x baseline")
    print(
        f"derive    {derive:.3f} s/user-year ({derive / DAYS * 1000:.2f} ms/day)  = {derive / base:.1f}x baseline"
    )
    print(f"zlib -{args.level}   {compress:.3f} s/user-year  = {compress / base:.1f}x baseline")
    print(f"total     {total:.3f} s/user-year  = {total / base:.1f}x baseline (goal <= 5 s)")
    print(
        f"stored    {total_bytes / 1e6:.2f} MB/user-year compressed ({total_bytes / DAYS / 1e3:.1f} kB/day)"
    )
    for name, size in sorted(per_series.items(), key=lambda kv: -kv[1]):
        print(f"  {name:10s} {size / 1e3:9.1f} kB")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = min(
            stored_user_year(args.seed, f"sqlite:///{folder}/bench.sqlite3") for _ in range(args.repeat)
        )
    print(
        f"stored end to end, SQLite:     {sqlite:.3f} s/user-year = {sqlite / base:.1f}x baseline (goal <= 5 s)"
    )
    if _pg_answers(args.pg):
        pg = min(stored_user_year(args.seed, args.pg) for _ in range(args.repeat))
        print(f"stored end to end, PostgreSQL: {pg:.3f} s/user-year = {pg / base:.1f}x baseline")
    else:
        print(f"stored end to end, PostgreSQL: skipped (nothing answers at {args.pg})")


if __name__ == "__main__":
    main()
