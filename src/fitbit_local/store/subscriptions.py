"""Subscribers and subscriptions (issue 13); the notification queue is store/deliveries.py.

A subscriber is an app's endpoint (URL, subscriber id, verification code, verified or not, failing or disabled); a
subscription is an (app, subscriber, user, collection) stream with the app's subscription id. Every write goes
through the change seam.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from fitbit_local.store.changes import WriteTransaction, write
from fitbit_local.store.schema import changes, grants, subscribers, subscriptions

ALL_COLLECTIONS = ""  # the collection of a subscription to every collection


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


class SubscriptionConflict(Exception):
    """409: the stream has another subscription id, or the id names another stream; carries that subscription."""

    def __init__(self, existing: Subscription) -> None:
        super().__init__(existing.subscription_id)
        self.existing = existing


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
