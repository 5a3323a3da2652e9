"""Subscribers, subscriptions and the notification delivery queue (issue 13).

Everything here is a table, so the queue survives restarts and is shared by every worker: the notifier's position
in the ``changes`` table (`notify_cursor`), each signed POST still to make (`deliveries`) and every attempt made
(`delivery_attempts`). Workers claim due deliveries with a conditional UPDATE per row (the row is theirs only if the
UPDATE changed it), which works alike on SQLite and PostgreSQL; a claim is a wall-clock lease, so a delivery held by
a worker that died is taken over once the lease runs out. Every write goes through the change seam.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.sandbox import read_clock_state
from fitbit_local.store.schema import (
    changes,
    deliveries,
    delivery_attempts,
    grants,
    notify_cursor,
    subscribers,
    subscriptions,
)

ALL_COLLECTIONS = ""  # the collection of a subscription to every collection
DELIVERY_PAGE = 200


@dataclass(frozen=True)
class Subscriber:
    pk: int
    client_id: str
    subscriber_id: str
    url: str
    verification_code: str
    signing_secret: bytes  # the app's client secret, sealed (notify/signing.py)
    is_default: bool
    verified_at: float | None
    verification: str | None
    failing_since: float | None
    disabled_at: float | None
    created_at: float

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def to_json(self) -> dict[str, object]:
        import orjson

        return {
            "client_id": self.client_id,
            "subscriber_id": self.subscriber_id,
            "url": self.url,
            "verification_code": self.verification_code,
            "default": self.is_default,
            "verified": self.verified,
            "verified_at": self.verified_at,
            "verification": orjson.loads(self.verification) if self.verification else None,
            "failing_since": self.failing_since,
            "disabled": self.disabled_at is not None,
            "disabled_at": self.disabled_at,
        }


@dataclass(frozen=True)
class Subscription:
    client_id: str
    subscriber_id: str
    user_id: str
    collection: str  # "" = all collections
    subscription_id: str
    from_change_id: int

    def to_fitbit(self) -> dict[str, str]:
        """Fitbit's subscription object; an all-collections subscription's collectionType is ``user`` [4.12]."""
        return {
            "collectionType": self.collection or "user",
            "ownerId": self.user_id,
            "ownerType": "user",
            "subscriberId": self.subscriber_id,
            "subscriptionId": self.subscription_id,
        }


class _CursorMoved(Exception):
    """Another worker queued these changes first: this transaction is abandoned."""


class SubscriptionConflict(Exception):
    """409: the stream has another subscription id, or the id names another stream; carries that subscription."""

    def __init__(self, existing: Subscription) -> None:
        super().__init__(existing.subscription_id)
        self.existing = existing


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


def _subscriber(row) -> Subscriber:
    return Subscriber(
        pk=row.id,
        client_id=row.client_id,
        subscriber_id=row.subscriber_id,
        url=row.url,
        verification_code=row.verification_code,
        signing_secret=bytes(row.signing_secret),
        is_default=bool(row.is_default),
        verified_at=row.verified_at,
        verification=row.verification,
        failing_since=row.failing_since,
        disabled_at=row.disabled_at,
        created_at=row.created_at,
    )


def _subscription(row) -> Subscription:
    return Subscription(
        client_id=row.client_id,
        subscriber_id=row.subscriber_id,
        user_id=row.user_id,
        collection=row.collection,
        subscription_id=row.subscription_id,
        from_change_id=row.from_change_id,
    )


class SubscriptionRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- subscribers ------------------------------------------------------------------------------------------------

    def add_subscriber(
        self, client_id: str, subscriber_id: str, url: str, verification_code: str, signing_secret: bytes
    ) -> Subscriber:
        """Register a subscriber; the app's first is its default. Raises ValueError when the id is taken."""
        try:
            with write(self._engine) as tx:
                has_default = tx.conn.execute(
                    select(subscribers.c.id).where(
                        subscribers.c.client_id == client_id, subscribers.c.is_default.is_(True)
                    )
                ).first()
                tx.conn.execute(
                    insert(subscribers).values(
                        client_id=client_id,
                        subscriber_id=subscriber_id,
                        url=url,
                        verification_code=verification_code,
                        signing_secret=signing_secret,
                        is_default=has_default is None,
                        created_at=tx.now,
                    )
                )
                tx.record("apps", "updated", client_id=client_id)
        except IntegrityError as exc:
            raise ValueError(f"app {client_id} already has a subscriber {subscriber_id!r}") from exc
        found = self.subscriber(client_id, subscriber_id)
        assert found is not None
        return found

    def change_subscriber_url(self, pk: int, url: str) -> None:
        """A new URL must be verified again: the subscriber is unverified until then."""
        with write(self._engine) as tx:
            tx.conn.execute(
                update(subscribers).where(subscribers.c.id == pk).values(url=url, verified_at=None)
            )

    def record_verification(self, pk: int, verified: bool, detail: str) -> None:
        """The outcome of the two verification GETs; a verified subscriber is (re-)enabled."""
        with write(self._engine) as tx:
            values: dict[str, object] = {"verification": detail}
            if verified:
                values.update(verified_at=tx.now, failing_since=None, disabled_at=None)
            else:
                values["verified_at"] = None
            tx.conn.execute(update(subscribers).where(subscribers.c.id == pk).values(**values))

    def remove_subscriber(self, pk: int) -> None:
        with write(self._engine) as tx:
            tx.conn.execute(delete(subscribers).where(subscribers.c.id == pk))

    def subscriber(self, client_id: str, subscriber_id: str) -> Subscriber | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(subscribers).where(
                    subscribers.c.client_id == client_id, subscribers.c.subscriber_id == subscriber_id
                )
            ).first()
        return _subscriber(row) if row is not None else None

    def subscriber_by_pk(self, pk: int) -> Subscriber | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(subscribers).where(subscribers.c.id == pk)).first()
        return _subscriber(row) if row is not None else None

    def subscribers(self, client_id: str | None = None) -> list[Subscriber]:
        query = select(subscribers).order_by(subscribers.c.id)
        if client_id is not None:
            query = query.where(subscribers.c.client_id == client_id)
        with self._engine.connect() as conn:
            return [_subscriber(r) for r in conn.execute(query).all()]

    def default_subscriber_id(self, client_id: str) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(
                select(subscribers.c.subscriber_id).where(
                    subscribers.c.client_id == client_id, subscribers.c.is_default.is_(True)
                )
            ).scalar()

    # --- subscriptions ----------------------------------------------------------------------------------------------

    def create_subscription(
        self, client_id: str, subscriber_id: str, user_id: str, collection: str, subscription_id: str
    ) -> tuple[bool, Subscription]:
        """(created, the subscription): created False when this very subscription already existed (Fitbit's 200).
        Raises SubscriptionConflict for a stream with another id or an id on another stream (409)."""
        for _attempt in range(3):
            try:
                with write(self._engine) as tx:
                    existing = self._conflicting(
                        tx, client_id, subscriber_id, user_id, collection, subscription_id
                    )
                    if existing is not None:
                        return False, existing
                    last_change = tx.conn.execute(select(func.max(changes.c.id))).scalar() or 0
                    tx.conn.execute(
                        insert(subscriptions).values(
                            client_id=client_id,
                            subscriber_id=subscriber_id,
                            user_id=user_id,
                            collection=collection,
                            subscription_id=subscription_id,
                            from_change_id=last_change,
                            created_at=tx.now,
                        )
                    )
                    return True, Subscription(
                        client_id, subscriber_id, user_id, collection, subscription_id, last_change
                    )
            except IntegrityError:
                continue  # a concurrent create of the same id or stream: look again
        raise RuntimeError("could not create the subscription")

    def _conflicting(
        self,
        tx: WriteTransaction,
        client_id: str,
        subscriber_id: str,
        user_id: str,
        collection: str,
        subscription_id: str,
    ) -> Subscription | None:
        """The same subscription if it exists; raises for a conflicting one."""
        rows = tx.conn.execute(
            select(subscriptions).where(
                subscriptions.c.client_id == client_id,
                or_(
                    subscriptions.c.subscription_id == subscription_id,
                    and_(
                        subscriptions.c.subscriber_id == subscriber_id,
                        subscriptions.c.user_id == user_id,
                        subscriptions.c.collection == collection,
                    ),
                ),
            )
        ).all()
        for row in rows:
            found = _subscription(row)
            same_stream = (found.subscriber_id, found.user_id, found.collection) == (
                subscriber_id,
                user_id,
                collection,
            )
            if not (same_stream and found.subscription_id == subscription_id):
                raise SubscriptionConflict(found)
        return _subscription(rows[0]) if rows else None

    def list_subscriptions(
        self, client_id: str, user_id: str, collection: str | None, subscriber_id: str | None
    ) -> list[Subscription]:
        """The app's subscriptions for the user: all of them, or one collection's (`collection`); one subscriber's
        when `subscriber_id` is given."""
        query = select(subscriptions).where(
            subscriptions.c.client_id == client_id, subscriptions.c.user_id == user_id
        )
        if collection is not None:
            query = query.where(subscriptions.c.collection == collection)
        if subscriber_id is not None:
            query = query.where(subscriptions.c.subscriber_id == subscriber_id)
        with self._engine.connect() as conn:
            return [_subscription(r) for r in conn.execute(query.order_by(subscriptions.c.id)).all()]

    def delete_subscription(
        self, client_id: str, user_id: str, collection: str, subscription_id: str, subscriber_id: str | None
    ) -> bool:
        conditions = [
            subscriptions.c.client_id == client_id,
            subscriptions.c.user_id == user_id,
            subscriptions.c.collection == collection,
            subscriptions.c.subscription_id == subscription_id,
        ]
        if subscriber_id is not None:
            conditions.append(subscriptions.c.subscriber_id == subscriber_id)
        with write(self._engine) as tx:
            return tx.conn.execute(delete(subscriptions).where(*conditions)).rowcount > 0

    def subscriptions_for_users(self, user_ids: Iterable[str]) -> list[Subscription]:
        ids = sorted(set(user_ids))
        if not ids:
            return []
        with self._engine.connect() as conn:
            rows = conn.execute(select(subscriptions).where(subscriptions.c.user_id.in_(ids))).all()
        return [_subscription(r) for r in rows]

    def granted_pairs(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (client id, user id) pairs still have the user's consent."""
        wanted = set(pairs)
        if not wanted:
            return set()
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(grants.c.client_id, grants.c.user_id).where(
                    grants.c.user_id.in_(sorted({user for _, user in wanted}))
                )
            ).all()
        return {(r.client_id, r.user_id) for r in rows} & wanted

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
            with write(self._engine) as tx:
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
            select(
                deliveries.c.id,
                deliveries.c.subscriber_pk,
                deliveries.c.body,
                deliveries.c.attempts,
                subscribers.c.url,
                subscribers.c.signing_secret,
            )
            .join(subscribers, subscribers.c.id == deliveries.c.subscriber_pk)
            .where(
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
        with write(self._engine) as tx:
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
                    claimed.append(
                        Claim(
                            row.id,
                            row.subscriber_pk,
                            row.url,
                            row.body,
                            bytes(row.signing_secret),
                            token,
                            row.attempts,
                        )
                    )
        return claimed

    def finish_attempt(
        self, claim: Claim, result: AttemptResult, retry_in: float, disable_after: float
    ) -> None:
        """Record a worker's attempt. Success: delivered, the subscriber is healthy again. Failure: due again in
        `retry_in` seconds; a subscriber failing for `disable_after` seconds with no success is disabled. Only the
        claim's holder updates the delivery (a worker whose lease ran out records its attempt and nothing more)."""
        with write(self._engine) as tx:
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
        with write(self._engine) as tx:
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
            row = conn.execute(
                select(
                    deliveries.c.id,
                    deliveries.c.subscriber_pk,
                    deliveries.c.body,
                    deliveries.c.attempts,
                    subscribers.c.url,
                    subscribers.c.signing_secret,
                )
                .join(subscribers, subscribers.c.id == deliveries.c.subscriber_pk)
                .where(deliveries.c.id == delivery_id)
            ).first()
        if row is None:
            return None
        return Claim(
            row.id, row.subscriber_pk, row.url, row.body, bytes(row.signing_secret), "", row.attempts
        )

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
        import orjson

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
