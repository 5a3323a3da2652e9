"""Notifications end to end: a write, the change it records, the worker the server runs, a signed POST to a real
subscriber on loopback. Then the hard cases: a subscriber down for a while (the sandbox clock brings the retries
forward), one failing for days (disabled, as Fitbit did, and nothing lost), a server restarted mid-queue, a worker
that died holding a delivery, several workers on one queue, and replay on demand."""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import date, timedelta

import httpx
import pytest

from fitbit_local.cli import main
from fitbit_local.notify.fanout import fan_out
from fitbit_local.notify.worker import DISABLE_AFTER_SECONDS, run_once
from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.store.sandbox import wall_clock
from tests.subscriptions.conftest import NotifyServer, World

TODAY = date(2026, 11, 20)  # the user's local date at NOON (New York)


def subscribe(world: World, http: httpx.Client, collection: str, sid: str) -> None:
    path = f"/1/user/-{'/' + collection if collection else ''}/apiSubscriptions/{sid}.json"
    assert http.post(path, headers=world.headers).status_code == 201


def record(services: Services, collection: str, user_id: str, day: date) -> None:
    """A write of a collection whose API writes are on other branches, through the one write seam."""
    with services.store.write() as tx:
        tx.record(collection, "created", user_id=user_id, day=day)


def entry(world: World, collection: str, day: date, sid: str) -> dict[str, str]:
    return {
        "collectionType": collection,
        "date": day.isoformat(),
        "ownerId": world.user.id,
        "ownerType": "user",
        "subscriptionId": sid,
    }


def test_every_collection_is_notified_after_its_write_signed(
    world: World, server: NotifyServer, http: httpx.Client
) -> None:
    world.register()
    for collection in ("activities", "body", "foods", "sleep", "userRevokedAccess"):
        subscribe(world, http, collection, f"s-{collection}")
    store_synthetic_days(world.services.store, world.user, days=2, end=TODAY, seed=3)  # activities, sleep
    record(world.services, "body", world.user.id, TODAY)
    record(world.services, "foods", world.user.id, TODAY - timedelta(days=1))
    got = world.subscriber.wait_for(
        lambda n: {e["collectionType"] for e in n} >= {"activities", "sleep", "body", "foods"}
    )
    assert entry(world, "activities", TODAY, "s-activities") in got
    assert entry(world, "activities", TODAY - timedelta(days=1), "s-activities") in got
    assert entry(world, "body", TODAY, "s-body") in got
    assert entry(world, "foods", TODAY - timedelta(days=1), "s-foods") in got
    assert any(e["collectionType"] == "sleep" and e["subscriptionId"] == "s-sleep" for e in got)
    # the user revokes the app (POST /oauth2/revoke): userRevokedAccess, dated the user's local today
    basic = base64.b64encode(f"{world.app.client_id}:{world.app.secret}".encode()).decode()
    revoked = httpx.post(
        f"{server.base_url}/oauth2/revoke",
        data={"token": world.token},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert revoked.status_code == 200
    got = world.subscriber.wait_for(lambda n: any(e["collectionType"] == "userRevokedAccess" for e in n))
    assert entry(world, "userRevokedAccess", TODAY, "s-userRevokedAccess") in got
    for post in world.subscriber.received:
        assert post.signed_ok, post  # X-Fitbit-Signature: Base64 HMAC-SHA1 keyed with "<secret>&"
        assert post.content_type == "application/json"
        assert isinstance(post.notifications, list)
    # Each write is its own notification (loading synthetic days is several writes, and the worker may pass between
    # them), so an entry may come again in a later POST; but no POST repeats an entry, and no queued delivery is
    # POSTed twice: as many POSTs arrived as deliveries were delivered, each after exactly one successful attempt.
    for post in world.subscriber.received:
        keys = [json.dumps(e, sort_keys=True) for e in post.notifications]
        assert len(keys) == len(set(keys)), f"an entry twice in one POST: {post.notifications}"
    deadline = time.monotonic() + 10  # the worker records an attempt after the subscriber has answered it
    while world.services.store.deliveries.pending_count() and time.monotonic() < deadline:
        time.sleep(0.05)
    delivered = world.services.store.deliveries.deliveries(status="delivered")
    assert len(world.subscriber.received) == len(delivered), "a delivery was sent twice"
    assert all(len(d["attempts"]) == 1 for d in delivered)  # type: ignore[arg-type]
    # the revoked app hears nothing more about the user's data
    before = len(world.subscriber.notifications())
    record(world.services, "body", world.user.id, TODAY)
    run_once(world.services)
    assert len(world.subscriber.notifications()) == before


def test_all_collections_subscription_and_batching(
    world: World, server: NotifyServer, http: httpx.Client
) -> None:
    world.register()
    subscribe(world, http, "", "everything")
    with world.services.store.write() as tx:  # one sync spanning three days and two collections: one POST
        tx.record(
            "activities", "updated", user_id=world.user.id, days=[TODAY - timedelta(days=d) for d in range(3)]
        )
        tx.record("body", "updated", user_id=world.user.id, day=TODAY)
        tx.record(
            "profile", "updated", user_id=world.user.id
        )  # not a subscription collection: no notification
    got = world.subscriber.wait_for(lambda n: len(n) >= 4)
    assert len(world.subscriber.received) == 1
    assert sorted((e["collectionType"], e["date"]) for e in got) == sorted(
        [("activities", (TODAY - timedelta(days=d)).isoformat()) for d in range(3)]
        + [("body", TODAY.isoformat())]
    )
    assert {e["subscriptionId"] for e in got} == {"everything"}


def test_no_notifications_for_unverified_subscribers_or_earlier_changes(
    world: World, http: httpx.Client
) -> None:
    record(world.services, "body", world.user.id, TODAY)  # before the subscription
    world.subscriber.verify_answers = (204, 204)  # fails verification
    world.register()
    subscribe(world, http, "body", "b")
    record(world.services, "body", world.user.id, TODAY)
    run_once(world.services)
    assert world.subscriber.received == []
    world.subscriber.verify_answers = None
    world.register(subscriber_id="2")  # a verified one, subscribed after both changes
    assert (
        http.post(
            "/1/user/-/body/apiSubscriptions/b2.json",
            headers={**world.headers, "X-Fitbit-Subscriber-Id": "2"},
        ).status_code
        == 201
    )
    run_once(world.services)
    assert world.subscriber.received == []
    record(world.services, "body", world.user.id, TODAY)
    run_once(world.services)
    assert world.subscriber.notifications() == [entry(world, "body", TODAY, "b2")]


def test_a_subscriber_down_for_a_while_gets_everything_when_back(world: World, http: httpx.Client) -> None:
    world.register()
    subscribe(world, http, "body", "b")
    world.subscriber.answer = 503  # up, but failing
    record(world.services, "body", world.user.id, TODAY)
    run_once(world.services)
    world.subscriber.stop()  # then down altogether
    for days_back in (1, 2):
        record(world.services, "body", world.user.id, TODAY - timedelta(days=days_back))
        run_once(world.services)
    pending = world.services.store.deliveries.deliveries(status="pending")
    assert len(pending) == 3
    codes = [a["status_code"] for d in pending for a in d["attempts"]]  # type: ignore[union-attr]
    assert 503 in codes and None in codes
    world.subscriber.answer = 204
    world.subscriber.start()  # back on the same port
    run_once(world.services)
    assert world.subscriber.received == []  # retries wait for their backoff, on the sandbox clock
    world.services.clock.advance(3600)
    run_once(world.services)
    got = world.subscriber.notifications()
    assert sorted(e["date"] for e in got) == sorted((TODAY - timedelta(days=d)).isoformat() for d in range(3))
    assert world.services.store.deliveries.pending_count() == 0


def test_a_subscriber_slower_than_five_seconds_is_a_failed_attempt(world: World, http: httpx.Client) -> None:
    world.register()
    subscribe(world, http, "body", "b")
    world.subscriber.delay = 5.5
    record(world.services, "body", world.user.id, TODAY)
    run_once(world.services)
    (delivery,) = world.services.store.deliveries.deliveries()
    (attempt,) = delivery["attempts"]  # type: ignore[misc]
    assert delivery["status"] == "pending" and attempt["status_code"] is None
    assert "timed out" in attempt["error"] and 5000 <= attempt["duration_ms"] < 5500
    world.subscriber.delay = 0
    world.services.clock.advance(60)  # the first retry is due a minute later
    run_once(world.services)
    assert world.services.store.deliveries.deliveries()[0]["status"] == "delivered"


def test_a_subscriber_failing_for_days_is_disabled_and_loses_nothing(
    world: World, http: httpx.Client
) -> None:
    world.register()
    subscribe(world, http, "foods", "f")
    world.subscriber.answer = 500
    record(world.services, "foods", world.user.id, TODAY)
    run_once(world.services)
    for _hour in range(int(DISABLE_AFTER_SECONDS // 3600) + 1):
        world.services.clock.advance(3600)
        run_once(world.services)
    found = world.services.store.subscriptions.subscriber(world.app.client_id, "1")
    assert found is not None and found.disabled_at is not None
    world.subscriber.answer = 204
    record(world.services, "foods", world.user.id, TODAY - timedelta(days=1))
    world.services.clock.advance(7200)
    run_once(world.services)
    assert world.subscriber.received == []  # disabled: held, not sent
    assert (
        main(
            [
                "apps",
                "subscriber",
                "verify",
                world.app.client_id,
                "--database-url",
                str(world.services.settings.database_url),
            ]
        )
        == 0
    )
    run_once(world.services)
    assert sorted(e["date"] for e in world.subscriber.notifications()) == [
        (TODAY - timedelta(days=1)).isoformat(),
        TODAY.isoformat(),
    ]


def test_a_server_restarted_mid_queue_loses_nothing(world: World, http: httpx.Client) -> None:
    world.register()
    subscribe(world, http, "sleep", "s")
    world.subscriber.stop()
    first = NotifyServer(world.services).start()
    days = [TODAY - timedelta(days=d) for d in range(5)]
    for day in days:
        record(world.services, "sleep", world.user.id, day)

    def queued() -> int:
        pending = world.services.store.deliveries.deliveries(status="pending")
        return sum(len(d["notifications"]) for d in pending)  # type: ignore[arg-type]

    deadline = wall_clock() + 15
    while queued() < len(days) and wall_clock() < deadline:
        threading.Event().wait(0.05)
    first.stop()  # the server goes away with its queue undelivered
    assert queued() == len(days)
    world.subscriber.start()
    restarted = Services.build(world.services.settings)  # a new process's view of the same database
    second = NotifyServer(restarted).start()
    try:
        restarted.clock.advance(3600)
        got = world.subscriber.wait_for(lambda n: len(n) >= len(days))
    finally:
        second.stop()
        restarted.store.close()
    assert sorted(e["date"] for e in got) == sorted(d.isoformat() for d in days)


def test_a_delivery_held_by_a_dead_worker_is_sent_after_its_lease(world: World, http: httpx.Client) -> None:
    world.register()
    subscribe(world, http, "body", "b")
    record(world.services, "body", world.user.id, TODAY)
    while fan_out(world.services):
        pass
    now = wall_clock()
    held = world.services.store.deliveries.claim_due(now + 0.3, now, 10)  # claimed by a worker that then dies
    assert len(held) == 1
    assert run_once(world.services) == 0  # still leased
    threading.Event().wait(0.4)
    assert run_once(world.services) == 1
    assert world.subscriber.notifications() == [entry(world, "body", TODAY, "b")]


def test_several_workers_share_the_queue_without_duplicates(world: World, http: httpx.Client) -> None:
    world.register()
    subscribe(world, http, "activities", "a")
    for d in range(40):
        with world.services.store.write() as tx:  # one change per transaction: 40 deliveries
            tx.record("activities", "updated", user_id=world.user.id, day=TODAY - timedelta(days=d))
        fan_out(world.services)
    others = [Services.build(world.services.settings) for _ in range(3)]
    threads = [threading.Thread(target=run_once, args=(s,)) for s in [world.services, *others]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in others:
        s.store.close()
    got = world.subscriber.notifications()
    assert sorted(e["date"] for e in got) == sorted(
        (TODAY - timedelta(days=d)).isoformat() for d in range(40)
    )


def test_deliveries_are_listed_and_replayed(world: World, api: httpx.Client, http: httpx.Client) -> None:
    world.register()
    subscribe(world, http, "body", "b")
    record(world.services, "body", world.user.id, TODAY)
    world.subscriber.wait_for(lambda n: len(n) == 1)
    listed = api.get("/_sandbox/deliveries").json()
    (delivery,) = listed["deliveries"]
    assert delivery["status"] == "delivered" and delivery["notifications"] == [
        entry(world, "body", TODAY, "b")
    ]
    assert [a["status_code"] for a in delivery["attempts"]] == [204] and delivery["delay_seconds"] is not None
    replayed = api.post("/_sandbox/deliveries/replay", json={"id": delivery["id"]})
    assert replayed.status_code == 200 and replayed.json()["status_code"] == 204
    assert len(world.subscriber.received) == 2 and world.subscriber.received[1].signed_ok
    again = api.get("/_sandbox/deliveries").json()["deliveries"][0]
    assert [a["replay"] for a in again["attempts"]] == [False, True]
    assert api.post("/_sandbox/deliveries/replay", json={"id": 999}).status_code == 404


def test_cli_lists_and_replays_deliveries(
    world: World, http: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    world.register()
    subscribe(world, http, "body", "b")
    record(world.services, "body", world.user.id, TODAY)
    store = ["--database-url", str(world.services.settings.database_url), "--json"]
    assert main(["subscriptions", "worker", "--once", *store]) == 0
    assert json.loads(capsys.readouterr().out) == {"sent": 1}
    assert main(["subscriptions", "deliveries", *store]) == 0
    (delivery,) = json.loads(capsys.readouterr().out)["deliveries"]
    assert delivery["attempts"][0]["status_code"] == 204
    assert main(["subscriptions", "replay", str(delivery["id"]), *store]) == 0
    assert json.loads(capsys.readouterr().out)["status_code"] == 204
    assert len(world.subscriber.received) == 2
