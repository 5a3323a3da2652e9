"""Friends, the leaderboard, invitations and badges: friendships made through the store and through the invitation
rows (invite, list, accept, reject) over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.store.social import FriendRepository
from tests.api.conftest import END, World
from tests.conformance.examples import classic
from tests.factories import bearer, issue_token, make_app, make_user


def test_friends_and_leaderboard(world: World) -> None:
    assert world.ok("/1.1/user/-/friends.json") == {"data": []}
    friend = make_user(world.services, name="cat", timezone="America/New_York", birth_date=date(1990, 1, 1))
    store_synthetic_days(world.services.store, friend, days=3, end=END, seed=11)
    friends = FriendRepository(world.services.store.engine)
    friends.invite(world.user.id, friend.id)
    assert world.ok("/1.1/user/-/friends.json") == {"data": []}  # not until accepted
    assert friends.respond(friend.id, world.user.id, accept=True)
    [person] = world.ok("/1.1/user/-/friends.json")["data"]
    assert person["id"] == friend.id and person["attributes"]["friend"] is True
    board = world.ok("/1.1/user/-/leaderboard/friends.json")
    assert {d["id"] for d in board["data"]} == {world.user.id, friend.id}
    assert {p["id"] for p in board["included"]} == {world.user.id, friend.id}


def test_badges_come_from_the_days(world: World) -> None:
    badges = world.ok("/1/user/-/badges.json")["badges"]
    steps = world.ok(f"/1/user/-/activities/tracker/steps/date/{END}/7d.json")["activities-tracker-steps"]
    best = max(int(d["value"]) for d in steps)
    daily = [b for b in badges if b["badgeType"] == "DAILY_STEPS"]
    if best >= 5000:
        assert daily and daily[0]["value"] <= best
    else:
        assert daily == []


def _post(
    world: World, path: str, form: dict[str, str], token: dict[str, object] | None = None
) -> httpx.Response:
    return world.http.post(path, data=form, headers=bearer(token or world.token))


def _other(world: World, name: str) -> tuple[Any, dict[str, object]]:
    """Another user of the server and a token of theirs."""
    other = make_user(world.services, name=name, timezone="America/New_York")
    store_synthetic_days(world.services.store, other, days=3, end=END, seed=5)
    app = make_app(world.services, "server", name=f"{name}'s app")
    return other, issue_token(world.services, app.client_id, other.id)


def test_invite_list_accept(fresh_world: World) -> None:
    world = fresh_world
    bob, bob_token = _other(world, "bob")
    sent = _post(world, "/1.1/user/-/friends/invitations.json", {"invitedUserId": bob.id})
    assert sent.status_code == 201, sent.text
    assert sent.json()["data"]["id"] == world.user.id
    assert sent.json()["data"]["attributes"] == {"status": "invited"}
    assert sent.json()["data"]["relationships"]["to"]["data"]["id"] == bob.id
    assert world.ok("/1.1/user/-/friends/invitations.json") == {"data": []}  # sent, not received
    [received] = world.ok("/1.1/user/-/friends/invitations.json", **bearer(bob_token))["data"]
    assert received["id"] == world.user.id and received["attributes"]["friend"] is False
    assert world.ok("/1.1/user/-/friends.json") == {"data": []}  # not friends until accepted
    answered = _post(
        world, f"/1/user/-/friends/invitations/{world.user.id}.json", {"accept": "true"}, bob_token
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["data"]["id"] == world.user.id and answered.json()["data"]["attributes"]["friend"]
    assert world.ok("/1.1/user/-/friends/invitations.json", **bearer(bob_token)) == {"data": []}
    assert [p["id"] for p in world.ok("/1.1/user/-/friends.json")["data"]] == [bob.id]
    assert [p["id"] for p in world.ok("/1.1/user/-/friends.json", **bearer(bob_token))["data"]] == [
        world.user.id
    ]
    board = world.ok("/1.1/user/-/leaderboard/friends.json")
    assert {d["id"] for d in board["data"]} == {world.user.id, bob.id}
    # friends already: inviting again (either way) is refused, naming the field
    again = _post(world, "/1/user/-/friends/invitations.json", {"invitedUserId": world.user.id}, bob_token)
    assert again.status_code == 400
    assert again.json() == classic(
        "validation_value", "invitedUserId", field="invitedUserId", value=world.user.id
    )
    # the invitation is gone: answering it again is 404
    gone = _post(world, f"/1/user/-/friends/invitations/{world.user.id}.json", {"accept": "true"}, bob_token)
    assert gone.status_code == 404 and gone.json() == classic("entity_not_found")


def test_invite_by_email_and_reject(fresh_world: World) -> None:
    world = fresh_world
    cat, cat_token = _other(world, "cat")
    sent = _post(world, "/1/user/-/friends/invitations.json", {"invitedUserEmail": "cat@example.com"})
    assert sent.status_code == 201, sent.text
    assert sent.json()["data"]["relationships"]["to"]["data"]["id"] == cat.id
    rejected = _post(
        world, f"/1.1/user/-/friends/invitations/{world.user.id}.json", {"accept": "false"}, cat_token
    )
    assert rejected.status_code == 200 and rejected.json()["data"]["attributes"]["friend"] is False
    assert world.ok("/1.1/user/-/friends/invitations.json", **bearer(cat_token)) == {"data": []}
    assert world.ok("/1.1/user/-/friends.json") == {"data": []}
    # a rejected invitation can be sent again; a mutual invitation makes friends at once
    assert _post(world, "/1/user/-/friends/invitations.json", {"invitedUserId": cat.id}).status_code == 201
    mutual = _post(world, "/1/user/-/friends/invitations.json", {"invitedUserId": world.user.id}, cat_token)
    assert mutual.status_code == 201 and mutual.json()["data"]["attributes"] == {"status": "accepted"}
    assert [p["id"] for p in world.ok("/1.1/user/-/friends.json")["data"]] == [cat.id]


def test_invitation_errors(fresh_world: World) -> None:
    world = fresh_world
    path = "/1/user/-/friends/invitations.json"
    cases = [
        ({"invitedUserId": world.user.id}, "invitedUserId", world.user.id),  # yourself
        ({"invitedUserId": "ZZZZZZ"}, "invitedUserId", "ZZZZZZ"),  # nobody
        ({"invitedUserEmail": "nobody@example.com"}, "invitedUserEmail", "nobody@example.com"),
        ({"invitedUserEmail": world.user.id}, "invitedUserEmail", world.user.id),  # an id is not an email
    ]
    for form, field, value in cases:
        response = _post(world, path, form)
        assert response.status_code == 400, (form, response.text)
        assert response.json() == classic("validation_value", field, field=field, value=value)
    missing = _post(world, path, {})
    assert missing.status_code == 400
    assert missing.json() == classic("validation_required", "invitedUserEmail", label="InvitedUserEmail")
    nothing = _post(world, "/1/user/-/friends/invitations/ZZZZZZ.json", {"accept": "true"})
    assert nothing.status_code == 404 and nothing.json() == classic("entity_not_found")
    bad = _post(world, "/1/user/-/friends/invitations/ZZZZZZ.json", {"accept": "yes"})
    assert bad.status_code == 400 and bad.json() == classic(
        "validation_value", "accept", field="accept", value="yes"
    )
    unanswered = _post(world, "/1/user/-/friends/invitations/ZZZZZZ.json", {})
    assert unanswered.status_code == 400
    assert unanswered.json() == classic("validation_required", "accept", label="Accept")
    read_only = make_app(world.services, "server", name="read only", read_only=True)
    token = issue_token(world.services, read_only.client_id, world.user.id)
    refused = _post(world, path, {"invitedUserId": "ZZZZZZ"}, token)
    assert refused.status_code == 403 and refused.json() == classic("read_only_app")
