"""The one change seam: every write to the store goes through `write`.

A write transaction records what it changed (user, collection, user-local date, kind) as rows of the ``changes``
table and bumps the sandbox epoch, both in the same transaction as the write itself. Every worker's in-process
caches are dropped when the epoch moves, and subscription notifications (a later issue) read the change rows in id
order (`ChangeRepository.since`), so they are durable and ordered. The epoch bump happens on every exit of `write`
that commits, recorded changes or not, so a write that forgets to invalidate the caches cannot be written;
`tests/store/test_changes.py` checks that no module outside this one opens a write transaction of its own.

``now`` of a transaction is the sandbox clock, read from ``sandbox_state`` as the transaction starts, so every
``created_at`` is on the same clock as token expiry and "today".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, Engine, insert, select, update

from fitbit_local.store.sandbox import read_clock_state
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
    """One thing a write changed. ``id`` and ``recorded_at`` are set once it is committed (read back by
    `ChangeRepository.since`); ids grow in commit order."""

    collection: str
    kind: str
    user_id: str | None = None
    day: date | None = None
    client_id: str | None = None
    id: int | None = None
    recorded_at: float | None = None


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


@contextmanager
def write(engine: Engine, *, visible: bool = True) -> Iterator[WriteTransaction]:
    """One write transaction: commits the write, its change records and the epoch bump together, or none of them.

    visible=False is for bookkeeping no API response shows (the notification queue's cursor, claims and attempts):
    it moves no epoch, so it empties no cache, and it may record no change."""
    with engine.begin() as conn:
        tx = WriteTransaction(conn, read_clock_state(conn).now())
        yield tx
        if not visible:
            if tx.recorded:
                raise ValueError("a bookkeeping write (visible=False) cannot record data changes")
            return
        # The epoch row is updated before the change rows are inserted: on PostgreSQL a concurrent write waits on
        # that row lock until this one commits, so change ids are drawn in commit order and a reader following ids
        # (`since`) never passes over one that commits late. (SQLite runs one write at a time anyway.)
        conn.execute(
            update(sandbox_state).where(sandbox_state.c.id == 1).values(epoch=sandbox_state.c.epoch + 1)
        )
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


class ChangeRepository:
    """The committed change records, for readers that follow them (subscription notifications, later)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def since(self, change_id: int = 0, limit: int = 1000) -> list[Change]:
        """Changes with an id above `change_id`, oldest first, at most `limit` of them."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(changes).where(changes.c.id > change_id).order_by(changes.c.id).limit(limit)
            ).all()
        return [
            Change(
                collection=r.collection,
                kind=r.kind,
                user_id=r.user_id,
                day=date.fromisoformat(r.day) if r.day is not None else None,
                client_id=r.client_id,
                id=r.id,
                recorded_at=r.recorded_at,
            )
            for r in rows
        ]
