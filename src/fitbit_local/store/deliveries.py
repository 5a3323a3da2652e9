"""The notification delivery queue (issue 13): tables, so it survives restarts and is shared by every worker.

The notifier's position in the ``changes`` table (`notify_cursor`), each signed POST still to make (`deliveries`)
and every attempt made (`delivery_attempts`). Workers claim due deliveries with a conditional UPDATE per row (the
row is theirs only if the UPDATE changed it), which works alike on SQLite and PostgreSQL; a claim is a wall-clock
lease, so a delivery held by a worker that died is taken over once the lease runs out. Every write goes through the
change seam.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.sandbox import read_clock_state
from fitbit_local.store.schema import deliveries, delivery_attempts, notify_cursor, subscribers

DELIVERY_PAGE = 200


class _CursorMoved(Exception):
    """Another worker queued these changes first: this transaction is abandoned."""


@dataclass(frozen=True)
class NewDelivery:
    subscriber_pk: int
    body: str
    entries: int
    changed_at: float


@dataclass(frozen=True)
class Claim:
    """A delivery a worker holds: what to POST where, and the token that proves the claim is still its own."""

    delivery_id: int
    subscriber_pk: int
    client_id: str
    url: str
    body: str
    signing_secret: bytes
    token: str
    attempts: int


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


# A delivery with what sending it needs: the body, and the subscriber's URL and signing secret.
_SENDABLE = select(
    deliveries.c.id,
    deliveries.c.subscriber_pk,
    deliveries.c.body,
    deliveries.c.attempts,
    subscribers.c.client_id,
    subscribers.c.url,
    subscribers.c.signing_secret,
).join(subscribers, subscribers.c.id == deliveries.c.subscriber_pk)


def _claim(row: Any, token: str) -> Claim:
    return Claim(
        row.id,
        row.subscriber_pk,
        row.client_id,
        row.url,
        row.body,
        bytes(row.signing_secret),
        token,
        row.attempts,
    )


class DeliveryQueue:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- the queue --------------------------------------------------------------------------------------------------

    def cursor(self) -> int:
        with self._engine.connect() as conn:
            return (
                conn.execute(select(notify_cursor.c.last_change_id).where(notify_cursor.c.id == 1)).scalar()
                or 0
            )

    def enqueue(self, read_from: int, read_to: int, new: Sequence[NewDelivery]) -> bool:
        """Move the cursor from `read_from` to `read_to` and queue `new`, in one transaction; False (nothing done)
        when another worker moved the cursor first."""
        try:
            with write(self._engine, visible=False) as tx:
                moved = tx.conn.execute(
                    update(notify_cursor)
                    .where(notify_cursor.c.id == 1, notify_cursor.c.last_change_id == read_from)
                    .values(last_change_id=read_to)
                ).rowcount
                if not moved:
                    present = tx.conn.execute(
                        select(notify_cursor.c.id).where(notify_cursor.c.id == 1)
                    ).first()
                    if present is not None or read_from != 0:
                        raise _CursorMoved
                    tx.conn.execute(insert(notify_cursor).values(id=1, last_change_id=read_to))
                if new:
                    tx.conn.execute(
                        insert(deliveries),
                        [
                            {
                                "subscriber_pk": d.subscriber_pk,
                                "body": d.body,
                                "entries": d.entries,
                                "changed_at": d.changed_at,
                                "status": "pending",
                                "attempts": 0,
                                "created_at": tx.now,
                                "next_attempt_at": tx.now,
                            }
                            for d in new
                        ],
                    )
        except (_CursorMoved, IntegrityError):  # another worker got there first (or inserted the first row)
            return False
        return True

    def claim_due(self, lease_until: float, wall_now: float, limit: int) -> list[Claim]:
        """Claim up to `limit` due deliveries of verified, enabled subscribers, oldest first."""
        query = (
            _SENDABLE.where(
                deliveries.c.status == "pending",
                or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < wall_now),
                subscribers.c.verified_at.is_not(None),
                subscribers.c.disabled_at.is_(None),
            )
            .order_by(deliveries.c.id)
            .limit(limit)
        )
        claimed: list[Claim] = []
        with self._engine.connect() as conn:
            now = read_clock_state(conn).now()
            candidates = conn.execute(query.where(deliveries.c.next_attempt_at <= now)).all()
        if not candidates:
            return claimed
        with write(self._engine, visible=False) as tx:
            for row in candidates:
                token = secrets.token_hex(16)
                taken = tx.conn.execute(
                    update(deliveries)
                    .where(
                        deliveries.c.id == row.id,
                        deliveries.c.status == "pending",
                        or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < wall_now),
                    )
                    .values(claimed_until=lease_until, claim_token=token)
                ).rowcount
                if taken:
                    claimed.append(_claim(row, token))
        return claimed

    def finish_attempt(
        self, claim: Claim, result: AttemptResult, retry_in: float, disable_after: float
    ) -> None:
        """Record a worker's attempt. Success: delivered, the subscriber is healthy again. Failure: due again in
        `retry_in` seconds; a subscriber failing for `disable_after` seconds with no success is disabled. Only the
        claim's holder updates the delivery (a worker whose lease ran out records its attempt and nothing more)."""
        with write(self._engine, visible=False) as tx:
            self._record_attempt(tx, claim, result, replay=False)
            values: dict[str, object] = {
                "attempts": deliveries.c.attempts + 1,
                "last_status": result.status_code,
                "last_error": result.error,
                "claimed_until": None,
                "claim_token": None,
            }
            if result.ok:
                values.update(status="delivered", delivered_at=tx.now)
            else:
                values["next_attempt_at"] = tx.now + retry_in
                self._note_failure(tx, claim.subscriber_pk, disable_after)
            tx.conn.execute(
                update(deliveries)
                .where(deliveries.c.id == claim.delivery_id, deliveries.c.claim_token == claim.token)
                .values(**values)
            )

    def finish_replay(self, claim: Claim, result: AttemptResult) -> None:
        """Record a replay (sent on demand, outside the schedule): a pending delivery it delivers is delivered."""
        with write(self._engine, visible=False) as tx:
            self._record_attempt(tx, claim, result, replay=True)
            if result.ok:
                tx.conn.execute(
                    update(deliveries)
                    .where(deliveries.c.id == claim.delivery_id, deliveries.c.status == "pending")
                    .values(status="delivered", delivered_at=tx.now, last_status=result.status_code)
                )

    @staticmethod
    def _record_attempt(tx: WriteTransaction, claim: Claim, result: AttemptResult, *, replay: bool) -> None:
        tx.conn.execute(
            insert(delivery_attempts).values(
                delivery_id=claim.delivery_id,
                attempted_at=tx.now,
                duration_ms=result.duration_ms,
                status_code=result.status_code,
                error=result.error,
                replay=replay,
            )
        )
        if result.ok:
            tx.conn.execute(
                update(subscribers).where(subscribers.c.id == claim.subscriber_pk).values(failing_since=None)
            )

    @staticmethod
    def _note_failure(tx: WriteTransaction, subscriber_pk: int, disable_after: float) -> None:
        sub = subscribers.c.id == subscriber_pk
        failing_since = tx.conn.execute(select(subscribers.c.failing_since).where(sub)).scalar()
        if failing_since is None:
            tx.conn.execute(update(subscribers).where(sub).values(failing_since=tx.now))
        elif tx.now - failing_since >= disable_after:
            tx.conn.execute(
                update(subscribers).where(sub, subscribers.c.disabled_at.is_(None)).values(disabled_at=tx.now)
            )

    def claim_for_replay(self, delivery_id: int) -> Claim | None:
        with self._engine.connect() as conn:
            row = conn.execute(_SENDABLE.where(deliveries.c.id == delivery_id)).first()
        return None if row is None else _claim(row, "")

    def deliveries(
        self, client_id: str | None = None, status: str | None = None, limit: int = DELIVERY_PAGE
    ) -> list[dict[str, object]]:
        """The newest deliveries with their attempts, for the CLI and the admin API."""
        query = (
            select(deliveries, subscribers.c.client_id, subscribers.c.subscriber_id, subscribers.c.url)
            .join(subscribers, subscribers.c.id == deliveries.c.subscriber_pk)
            .order_by(deliveries.c.id.desc())
            .limit(limit)
        )
        if client_id is not None:
            query = query.where(subscribers.c.client_id == client_id)
        if status is not None:
            query = query.where(deliveries.c.status == status)
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            attempts = (
                conn.execute(
                    select(delivery_attempts)
                    .where(delivery_attempts.c.delivery_id.in_(ids))
                    .order_by(delivery_attempts.c.id)
                ).all()
                if ids
                else []
            )
        by_delivery: dict[int, list[dict[str, object]]] = {}
        for a in attempts:
            by_delivery.setdefault(a.delivery_id, []).append(
                {
                    "attempted_at": a.attempted_at,
                    "duration_ms": round(a.duration_ms, 2),
                    "status_code": a.status_code,
                    "error": a.error,
                    "replay": bool(a.replay),
                }
            )
        return [
            {
                "id": r.id,
                "client_id": r.client_id,
                "subscriber_id": r.subscriber_id,
                "url": r.url,
                "status": r.status,
                "notifications": orjson.loads(r.body),
                "changed_at": r.changed_at,
                "created_at": r.created_at,
                "next_attempt_at": r.next_attempt_at if r.status == "pending" else None,
                "delivered_at": r.delivered_at,
                "delay_seconds": round(r.delivered_at - r.changed_at, 3) if r.delivered_at else None,
                "attempts": by_delivery.get(r.id, []),
            }
            for r in rows
        ]

    def pending_count(self) -> int:
        with self._engine.connect() as conn:
            return (
                conn.execute(
                    select(func.count()).select_from(deliveries).where(deliveries.c.status == "pending")
                ).scalar()
                or 0
            )
