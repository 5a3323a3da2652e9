"""Read throughput of the account families (issue 12): activity types, logs, goals, lifetime, devices, friends,
leaderboard and badges, each against the bare Starlette baseline answering the very same bytes, alternated in one
run (bench_families.py's method, harness and output).

    PYTHONPATH=src .venv/bin/python bench/bench_account.py [--seconds 5] [--rounds 1] [--only lifetime]

Goal: every row's ratio ≥ 0.5.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_families  # noqa: E402
import synthetic_user  # noqa: E402
from bench_families import Family  # noqa: E402

ACCOUNT_FAMILIES = (
    Family("control: user profile", "/1/user/-/profile.json"),  # bench_families' first row, for comparison
    Family("activity types: catalogue", "/1/activities.json"),
    Family("activity types: one", "/1/activities/90013.json"),
    Family("activity logs: recent", "/1/user/-/activities/recent.json"),
    Family("activity goals: daily", "/1/user/-/activities/goals/daily.json"),
    Family("lifetime: stats", "/1/user/-/activities.json"),
    Family("devices: list", "/1/user/-/devices.json"),
    Family("social: friends", "/1.1/user/-/friends.json"),
    Family("social: leaderboard", "/1.1/user/-/leaderboard/friends.json"),
    Family("social: badges", "/1/user/-/badges.json"),
)

if __name__ == "__main__":
    bench_families.FAMILIES = ACCOUNT_FAMILIES
    synthetic_user.SCOPES = synthetic_user.SCOPES | {"settings", "social"}  # devices, friends
    bench_families.main()
