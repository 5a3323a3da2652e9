"""Friends, the leaderboard and badges: friendships made through the store's invitations (no API row invites yet)."""

from __future__ import annotations

from datetime import date

from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.store.social import FriendRepository
from tests.api.conftest import END, World
from tests.factories import make_user


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
