"""The subscription rows' behaviour beyond what the conformance suite checks for every row: 201 / 200 / 409 exactly
as documented, the subscriber header (any case), scopes per collection, 204 on delete, and python-fitbit 0.3.1."""

from __future__ import annotations

import httpx
import pytest

from fitbit_local.oauth.scopes import ALL_SCOPES
from tests.factories import bearer, issue_token
from tests.subscriptions.conftest import World

fitbit = pytest.importorskip("fitbit")


def _sub(world: World, collection: str, sid: str, subscriber: str = "1") -> dict[str, str]:
    return {
        "collectionType": collection or "user",
        "ownerId": world.user.id,
        "ownerType": "user",
        "subscriberId": subscriber,
        "subscriptionId": sid,
    }


def test_create_201_then_200_then_409_both_ways(world: World, http: httpx.Client) -> None:
    world.register()
    h = world.headers
    first = http.post("/1/user/-/activities/apiSubscriptions/s1.json", headers=h)
    assert first.status_code == 201 and first.json() == _sub(world, "activities", "s1")
    again = http.post(f"/1/user/{world.user.id}/activities/apiSubscriptions/s1.json", headers=h)
    assert again.status_code == 200 and again.json() == _sub(world, "activities", "s1")
    # the stream already has another id → 409 with the subscription that holds it
    other_id = http.post("/1/user/-/activities/apiSubscriptions/s2.json", headers=h)
    assert other_id.status_code == 409 and other_id.json() == _sub(world, "activities", "s1")
    # the id already names another stream → 409
    other_stream = http.post("/1/user/-/sleep/apiSubscriptions/s1.json", headers=h)
    assert other_stream.status_code == 409 and other_stream.json() == _sub(world, "activities", "s1")
    # all collections and one collection are separate streams (Fitbit: duplicates are then delivered)
    assert http.post("/1/user/-/apiSubscriptions/all-1.json", headers=h).json() == _sub(world, "", "all-1")


def test_list_per_collection_and_delete(world: World, http: httpx.Client) -> None:
    world.register()
    h = world.headers
    for collection in ("activities", "body", "foods", "sleep", "userRevokedAccess"):
        assert (
            http.post(f"/1/user/-/{collection}/apiSubscriptions/{collection}-x.json", headers=h).status_code
            == 201
        )
    listed = http.get("/1/user/-/apiSubscriptions.json", headers=h).json()["apiSubscriptions"]
    assert [s["collectionType"] for s in listed] == [
        "activities",
        "body",
        "foods",
        "sleep",
        "userRevokedAccess",
    ]
    only_sleep = http.get("/1/user/-/sleep/apiSubscriptions.json", headers=h).json()
    assert only_sleep == {"apiSubscriptions": [_sub(world, "sleep", "sleep-x")]}
    deleted = http.delete("/1/user/-/sleep/apiSubscriptions/sleep-x.json", headers=h)
    assert deleted.status_code == 204 and deleted.content == b""
    assert http.get("/1/user/-/sleep/apiSubscriptions.json", headers=h).json() == {"apiSubscriptions": []}
    # deleting under the wrong collection deletes nothing
    assert http.delete("/1/user/-/sleep/apiSubscriptions/body-x.json", headers=h).status_code == 204
    assert len(http.get("/1/user/-/apiSubscriptions.json", headers=h).json()["apiSubscriptions"]) == 4


def test_subscriber_header_in_any_case_selects_the_subscriber(world: World, http: httpx.Client) -> None:
    world.register()
    world.register(subscriber_id="second")
    h = world.headers
    made = http.post(
        "/1/user/-/body/apiSubscriptions/b2.json", headers={**h, "x-FITBIT-subscriber-ID": "second"}
    )
    assert made.status_code == 201 and made.json()["subscriberId"] == "second"
    default = http.post("/1/user/-/foods/apiSubscriptions/f1.json", headers=h)
    assert default.json()["subscriberId"] == "1"  # no header: the default (first) subscriber
    listed = http.get("/1/user/-/apiSubscriptions.json", headers={**h, "X-Fitbit-Subscriber-Id": "second"})
    assert [s["subscriptionId"] for s in listed.json()["apiSubscriptions"]] == ["b2"]
    unknown = http.post(
        "/1/user/-/sleep/apiSubscriptions/s9.json", headers={**h, "X-Fitbit-Subscriber-Id": "9"}
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["message"] == "Invalid parameter subscriberId: 9"


@pytest.mark.parametrize(
    ("collection", "scope"),
    [("activities", "activity"), ("body", "weight"), ("foods", "nutrition"), ("sleep", "sleep")]
    + [("", scope) for scope in ("activity", "nutrition", "profile", "settings", "sleep", "weight")],
)
def test_each_collection_needs_its_scope(
    world: World, http: httpx.Client, collection: str, scope: str
) -> None:
    token = issue_token(
        world.services, world.app.client_id, world.user.id, " ".join(s for s in ALL_SCOPES if s != scope)
    )
    path = f"/1/user/-{'/' + collection if collection else ''}/apiSubscriptions/x.json"
    refused = http.post(path, headers=bearer(token))
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["errorType"] == "insufficient_scope"
    assert http.post(path, headers=world.headers).status_code == 201


def test_user_revoked_access_needs_no_scope(world: World, http: httpx.Client) -> None:
    token = issue_token(world.services, world.app.client_id, world.user.id, "profile")
    assert (
        http.post("/1/user/-/userRevokedAccess/apiSubscriptions/r.json", headers=bearer(token)).status_code
        == 201
    )


def test_a_subscription_id_has_at_most_50_characters(world: World, http: httpx.Client) -> None:
    long = http.post(f"/1/user/-/sleep/apiSubscriptions/{'x' * 51}.json", headers=world.headers)
    assert long.status_code == 400 and long.json()["errors"][0]["errorType"] == "validation"
    assert (
        http.post(f"/1/user/-/sleep/apiSubscriptions/{'x' * 50}.json", headers=world.headers).status_code
        == 201
    )


def test_python_fitbit_creates_lists_and_deletes(
    world: World, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.register()
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    monkeypatch.setattr(fitbit.Fitbit, "API_ENDPOINT", str(api.base_url).rstrip("/"))
    client = fitbit.Fitbit(
        world.app.client_id,
        world.app.secret,
        access_token=world.token,
        refresh_token="r" * 64,
        expires_at=4_102_444_800,
    )
    created = client.subscription("u1", "1")  # all collections
    assert created == _sub(world, "", "u1")
    assert client.subscription("u1", "1", collection="sleep") == _sub(world, "sleep", "u1-sleep")
    listed = client.list_subscriptions()["apiSubscriptions"]
    assert [s["subscriptionId"] for s in listed] == ["u1", "u1-sleep"]
    assert client.list_subscriptions("sleep")["apiSubscriptions"] == [_sub(world, "sleep", "u1-sleep")]
    assert client.subscription("u1", "1", collection="sleep", method="DELETE") is True
    assert [s["subscriptionId"] for s in client.list_subscriptions()["apiSubscriptions"]] == ["u1"]
