"""The one change seam: every write to the store goes through `write`.

A write transaction records what it changed (user, collection, user-local date, kind) as rows of the ``changes``
table and bumps the sandbox epoch, both in the same transaction as the write itself. Every worker's in-process
caches are dropped when the epoch moves, and subscription notifications (a later issue) read the change rows in id
order, so they are durable and ordered. The epoch bump happens on every exit of `write` that commits, recorded
changes or not, so a write that forgets to invalidate the caches cannot be written; `tests/store/test_changes.py`
checks that no module outside this one opens a write transaction of its own.

``now`` of a transaction is the sandbox clock, read from ``sandbox_state`` inside the transaction, so every
``created_at`` is on the same clock as token expiry and "today".
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, insert, select, update

from fitbit_local.store.schema import changes, sandbox_state

# Fitbit's subscription collection types [DOC subscriptions], plus the internal collections the sandbox tracks.
COLLECTIONS = frozenset(
    {
        "activities",
        "body",
        "foods",
        "sleep",
        "userRevokedAccess",
        "profile",
        "apps",
        "grants",
        "tokens",
        "sandbox",
    }
)
KINDS = frozenset({"created", "updated", "deleted"})


@dataclass(frozen=True)
class Change:
    collection: str
    kind: str
    user_id: str | None = None
    day: date | None = None
    client_id: str | None = None


@dataclass
class WriteTransaction:
    """A write in progress: its connection, the sandbox "now", and the changes it has recorded so far."""

    conn: Connection
    now: float
    recorded: list[Change] = field(default_factory=list)

    def record(
        self,
        collection: str,
        kind: str = "updated",
        *,
        user_id: str | None = None,
        day: date | None = None,
        days: list[date] | None = None,
        client_id: str | None = None,
    ) -> None:
        if collection not in COLLECTIONS:
            raise ValueError(f"unknown change collection {collection!r}")
        if kind not in KINDS:
            raise ValueError(f"unknown change kind {kind!r}")
        for d in days if days is not None else [day]:
            self.recorded.append(Change(collection, kind, user_id, d, client_id))


def sandbox_now(conn: Connection) -> float:
    """The sandbox clock's "now", read inside `conn`'s transaction."""
    row = conn.execute(select(sandbox_state.c.clock_offset, sandbox_state.c.clock_frozen_at)).first()
    if row is None:
        return time.time()  # the migration creating the state row is itself running
    if row.clock_frozen_at is not None:
        return float(row.clock_frozen_at)
    return time.time() + float(row.clock_offset)


@contextmanager
def write(engine: Engine) -> Iterator[WriteTransaction]:
    """One write transaction: commits the write, its change records and the epoch bump together, or none of them."""
    with engine.begin() as conn:
        tx = WriteTransaction(conn, sandbox_now(conn))
        yield tx
        if tx.recorded:
            conn.execute(
                insert(changes),
                [
                    {
                        "user_id": c.user_id,
                        "client_id": c.client_id,
                        "collection": c.collection,
                        "day": c.day.isoformat() if c.day is not None else None,
                        "kind": c.kind,
                        "recorded_at": tx.now,
                    }
                    for c in tx.recorded
                ],
            )
        conn.execute(
            update(sandbox_state).where(sandbox_state.c.id == 1).values(epoch=sandbox_state.c.epoch + 1)
        )
