"""``fitbit-local sleep regenerate``: give the synthetic users of an existing database the sleep logs and health
metrics of issue 10 (nights with naps, splits and classic logs; HRV, SpO2, breathing rate, temperature, cardio
fitness, ECG, IRN).

A migration may not run the generator (tests/store/test_migrations.py), so an upgraded database gets them from
this command: each synthetic user's stored days are generated again from the user's seed (the nights changed, so
the day arrays change with them), with the logs and metrics in the same transactions. Users who are not synthetic,
and synthetic users holding days of another source (an import), are left as they are; manual sleep logs are kept.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select


def add_sleep_commands(sub: Any) -> None:
    from fitbit_local.cli import _store_options

    sleep = sub.add_parser("sleep", help="sleep logs and health metrics").add_subparsers(
        dest="sleep_command", required=True
    )
    regenerate = sleep.add_parser(
        "regenerate", help="generate the sleep logs and health metrics of synthetic users' stored days"
    )
    _store_options(regenerate)
    regenerate.add_argument("--user", help="one user (name or encoded id); default: every synthetic user")
    regenerate.set_defaults(func=cmd_sleep_regenerate)


def sources_of(store: Any, user_id: str) -> set[str]:
    from fitbit_local.store.schema import daily_summaries

    with store.engine.connect() as conn:
        return set(
            conn.execute(
                select(daily_summaries.c.source).where(daily_summaries.c.user_id == user_id).distinct()
            ).scalars()
        )


def regenerate(store: Any, user: Any) -> dict[str, Any]:
    """Regenerate one synthetic user's stored days; what was done, or why not."""
    from fitbit_local.sources.load import history_seed, store_synthetic_days

    if not user.synthetic:
        return {"user_id": user.id, "skipped": "not a synthetic user"}
    if sources_of(store, user.id) - {"synthetic"}:
        return {"user_id": user.id, "skipped": "holds days of another source"}
    known = store.series.day_range(user.id)
    if known is None:
        return {"user_id": user.id, "days": 0}
    first, last = known
    days = (last - first).days + 1
    stored = store_synthetic_days(store, user, days=days, end=last, seed=history_seed(user, None))
    return {"user_id": user.id, "days": stored, "sleep_logs": store.sleep.count(user.id)}


def cmd_sleep_regenerate(args: argparse.Namespace) -> None:
    from fitbit_local.cli import _emit, _services, _user_or_fail

    services = _services(args)
    users = [_user_or_fail(services, args.user)] if args.user else services.store.users.list()
    _emit(args, {"users": [regenerate(services.store, user) for user in users]})
