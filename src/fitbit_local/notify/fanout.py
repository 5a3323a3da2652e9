"""Change records → notifications. The only source is the ``changes`` table, read in id order from the notifier's
cursor (`ChangeRepository.since`): every write that records a change through `store.write()` (API writes, generator
runs, imports, a user revoking an app) reaches subscribers, and nothing else needs a hook of its own.

Each change of a Fitbit collection (activities, body, foods, sleep, userRevokedAccess) becomes one entry
``{collectionType, date, ownerId, ownerType, subscriptionId}`` per matching subscription: same user, that collection
or all collections, created before the change, the app still authorised by the user (except for the
``userRevokedAccess`` entry itself, which goes to the revoked app only) and a verified subscriber. Entries are batched
as Fitbit batched them: one POST per subscriber holds every entry of the pass (one sync spanning several days is
several entries), duplicates folded, at most `MAX_ENTRIES` per POST. The cursor moves and the batches are queued in
one transaction, so a change is queued once even with several workers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import orjson

from fitbit_local.services import Services
from fitbit_local.store.changes import Change
from fitbit_local.store.deliveries import NewDelivery
from fitbit_local.store.subscriptions import ALL_COLLECTIONS, Subscription

NOTIFIED_COLLECTIONS = ("activities", "body", "foods", "sleep", "userRevokedAccess")
MAX_ENTRIES = 100  # per POST [UNVERIFIED: Fitbit's batch bound is not documented]
CHANGES_PER_PASS = 1000


def _local_date(services: Services, change: Change) -> date:
    """The user-local date of a change without one (a revocation): the user's date when it was recorded."""
    if change.day is not None:
        return change.day
    user = services.user(change.user_id or "")
    zone = user.current_timezone if user is not None else "UTC"
    return datetime.fromtimestamp(change.recorded_at or 0.0, ZoneInfo(zone)).date()


def _applies(subscription: Subscription, change: Change, granted: set[tuple[str, str]]) -> bool:
    if subscription.collection not in (ALL_COLLECTIONS, change.collection):
        return False
    if change.id is None or change.id <= subscription.from_change_id:
        return False
    if change.collection == "userRevokedAccess":
        return change.client_id is None or change.client_id == subscription.client_id
    return (subscription.client_id, subscription.user_id) in granted


def fan_out(services: Services, limit: int = CHANGES_PER_PASS) -> int:
    """Queue the notifications of the next changes; the number of changes read (0: none new, or another worker
    queued them first)."""
    repo = services.store.subscriptions
    queue = services.store.deliveries
    start = queue.cursor()
    changes = services.store.changes.since(start, limit)
    if not changes:
        return 0
    relevant = [c for c in changes if c.collection in NOTIFIED_COLLECTIONS and c.user_id]
    by_user: dict[str, list[Subscription]] = defaultdict(list)
    for subscription in repo.subscriptions_for_users(c.user_id for c in relevant if c.user_id):
        by_user[subscription.user_id].append(subscription)
    granted = repo.granted_pairs((s.client_id, s.user_id) for subs in by_user.values() for s in subs)
    subscribers = {
        (s.client_id, s.subscriber_id): s
        for client_id in {s.client_id for subs in by_user.values() for s in subs}
        for s in repo.subscribers(client_id)
    }
    entries: dict[int, dict[tuple[str, ...], dict[str, str]]] = defaultdict(dict)
    changed_at: dict[int, float] = {}
    for change in relevant:
        for subscription in by_user.get(change.user_id or "", ()):
            subscriber = subscribers.get((subscription.client_id, subscription.subscriber_id))
            if subscriber is None or not subscriber.verified or not _applies(subscription, change, granted):
                continue
            entry = {
                "collectionType": change.collection,
                "date": _local_date(services, change).isoformat(),
                "ownerId": subscription.user_id,
                "ownerType": "user",
                "subscriptionId": subscription.subscription_id,
            }
            entries[subscriber.pk][tuple(entry.values())] = entry
            at = change.recorded_at or 0.0
            changed_at[subscriber.pk] = min(changed_at.get(subscriber.pk, at), at)
    queued = []
    for pk, found in entries.items():
        listed = list(found.values())
        for first in range(0, len(listed), MAX_ENTRIES):
            chunk = listed[first : first + MAX_ENTRIES]
            queued.append(NewDelivery(pk, orjson.dumps(chunk).decode(), len(chunk), changed_at[pk]))
    return len(changes) if queue.enqueue(start, changes[-1].id or start, queued) else 0
