"""Friends (v1.1 JSON:API shape), the friends leaderboard and badges [DOC friends/get-friends,
get-friends-leaderboard, user/get-badges; reference §3.17-3.18, §4.11].

Friends are users of this server (store/social.py), made by invitations: invite (by encoded id or by email, which
here names an account), list the invitations received, accept or reject one [python-fitbit 0.3.1; decisions.md].
The leaderboard ranks the user and their friends by steps
over the last seven days ending today (the user's and each friend's own today by the sandbox clock). Badges are
earned from the user's own stored days: daily steps, daily floors and lifetime distance, each at Fitbit's
thresholds, with the first day each was reached and how many days reached it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import local_today
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.errors import FitbitError
from fitbit_local.store.social import FriendRepository
from fitbit_local.store.users import User

AVATAR = "https://static0.fitbit.com/images/profile/defaultProfile_100.png"
LEADERBOARD_DAYS = 7


def _person(user: User, *, friend: bool = True) -> dict[str, Any]:
    return {
        "attributes": {"avatar": AVATAR, "child": False, "friend": friend, "name": user.display_name},
        "id": user.id,
        "type": "person",
    }


def friend_users(ctx: RequestContext) -> list[User]:
    ids = FriendRepository(ctx.services.store.engine).friends(ctx.user.id)
    return [u for u in (ctx.services.user(i) for i in ids) if u is not None]


def get_friends(ctx: RequestContext) -> dict[str, Any]:
    return {"data": [_person(u) for u in friend_users(ctx)]}


# --- invitations -------------------------------------------------------------------------------------------------


def _invalid(field: str, value: str) -> FitbitError:
    return FitbitError("validation_value", field_name=field, field=field, value=value[:40])


def _invitee(ctx: RequestContext) -> User:
    """The user an invitation names: by encoded id, else by email (this server's accounts sign in with a name, which
    stands for the email: the whole value or the part before "@") [decisions.md]."""
    if "invitedUserId" in ctx.args:
        field, value = "invitedUserId", ctx.args["invitedUserId"]
        found = ctx.services.user(value)
    elif "invitedUserEmail" in ctx.args:
        field, value = "invitedUserEmail", ctx.args["invitedUserEmail"]
        users = ctx.services.store.users
        found = users.find(value) or users.find(value.partition("@")[0])
        found = found if found is not None and found.id != value else None  # an email is not an id
    else:
        raise FitbitError("validation_required", field_name="invitedUserEmail", label="InvitedUserEmail")
    if found is None or found.id == ctx.user.id:
        raise _invalid(field, value)
    return found


def invite_friend(ctx: RequestContext) -> dict[str, Any]:
    """201 with the invitation; its id is the inviter's, as the invitee answers it (…/invitations/{from-user-id})."""
    invitee = _invitee(ctx)
    status = FriendRepository(ctx.services.store.engine).invite(ctx.user.id, invitee.id)
    if status == "friends":
        field = "invitedUserId" if "invitedUserId" in ctx.args else "invitedUserEmail"
        raise _invalid(field, ctx.args[field])
    return {
        "data": {
            "attributes": {"status": status},
            "id": ctx.user.id,
            "relationships": {
                "from": {"data": {"id": ctx.user.id, "type": "person"}},
                "to": {"data": {"id": invitee.id, "type": "person"}},
            },
            "type": "invitation",
        }
    }


def get_invitations(ctx: RequestContext) -> dict[str, Any]:
    """The open invitations the user received, oldest first, each as the person who sent it."""
    ids = FriendRepository(ctx.services.store.engine).invitations(ctx.user.id)
    people = [u for u in (ctx.services.user(i) for i in ids) if u is not None]
    return {"data": [_person(u, friend=False) for u in people]}


def respond_to_invitation(ctx: RequestContext) -> dict[str, Any]:
    """Accept (both become friends) or reject (the invitation is gone); no open invitation from that user is 404."""
    inviter = ctx.services.user(ctx.args["from_user_id"])
    accept = ctx.args["accept"]
    if inviter is None or not FriendRepository(ctx.services.store.engine).respond(
        ctx.user.id, inviter.id, accept
    ):
        raise FitbitError("entity_not_found")
    return {"data": _person(inviter, friend=accept)}


def _text(raw: str, scope: ParseScope) -> str:
    return raw.strip()


def _accept(raw: str, scope: ParseScope) -> bool:
    if raw.lower() not in ("true", "false"):
        raise _invalid("accept", raw)
    return raw.lower() == "true"


# A valid value for the conformance suite: another user's encoded id, from that user's own profile.
_OTHER_USERS_ID = ("getProfile", "/user/encodedId")


def _week_steps(ctx: RequestContext, user: User) -> int:
    today = local_today(user.current_timezone, ctx.now)
    start = today - timedelta(days=LEADERBOARD_DAYS - 1)
    stored = ctx.services.store.series.get_summaries(user.id, start, today)
    return sum(int(day.get("steps", 0)) for key, day in stored.items() if key < today.isoformat())


def get_leaderboard(ctx: RequestContext) -> dict[str, Any]:
    """Ranked by the last seven completed days' steps; a user without steps is an ``inactive-user``
    [reference §4.11, UNVERIFIED]. The user appears with their friends, as on Fitbit's leaderboard."""
    people = [ctx.user, *friend_users(ctx)]
    steps = {u.id: _week_steps(ctx, u) for u in people}
    ordered = sorted(people, key=lambda u: (-steps[u.id], u.id))
    data = []
    rank = 0
    for user in ordered:
        relation = {"user": {"data": {"id": user.id, "type": "person"}}}
        if steps[user.id]:
            rank += 1
            data.append(
                {
                    "attributes": {"step-rank": rank, "step-summary": steps[user.id]},
                    "id": user.id,
                    "relationships": relation,
                    "type": "ranked-user",
                }
            )
        else:
            data.append({"attributes": {}, "id": user.id, "relationships": relation, "type": "inactive-user"})
    return {
        "data": data,
        "included": [
            _person(u) | {"attributes": {**_person(u)["attributes"], "friend": u.id != ctx.user.id}}
            for u in ordered
        ],
    }


# --- badges ------------------------------------------------------------------------------------------------------

# (badgeType, category, unit, thresholds, the daily-summary key or None for lifetime distance)
BADGE_FAMILIES = (
    ("DAILY_STEPS", "Daily Steps", "STEPS", (5000, 10000, 15000, 20000, 25000, 30000, 35000, 40000), "steps"),
    ("DAILY_FLOORS", "Daily Climb", "FLOORS", (10, 25, 50, 100, 125, 150, 200), "floors"),
    (
        "LIFETIME_DISTANCE",
        "Lifetime Distance",
        "KILOMETERS",
        (42, 70, 112, 160, 250, 350, 500, 800, 1000),
        None,
    ),
)
GRADIENTS = {
    "DAILY_STEPS": ("D24958", "FF677C"),
    "DAILY_FLOORS": ("00D3D6", "B0DF2A"),
    "LIFETIME_DISTANCE": ("A489E8", "38D7FF"),
}


def _badge(
    ctx: RequestContext, kind: str, category: str, unit: str, value: int, first: date, times: int
) -> dict[str, Any]:
    start, end = GRADIENTS[kind]
    what = {"STEPS": "steps in a day", "FLOORS": "floors in a day", "KILOMETERS": "lifetime kilometers"}[unit]
    text = f"{value:,} {what}"
    return {
        "badgeGradientEndColor": end,
        "badgeGradientStartColor": start,
        "badgeType": kind,
        "category": category,
        "cheers": [],
        "dateTime": first.isoformat(),
        "description": text,
        "earnedMessage": f"Congrats on earning your {category} badge: {text}!",
        "encodedId": ctx.user.id,
        "image100px": "",
        "image125px": "",
        "image300px": "",
        "image50px": "",
        "image75px": "",
        "marketingDescription": f"You've reached {text}.",
        "mobileDescription": f"You've reached {text}.",
        "name": f"{category} ({text})",
        "shareImage640px": "",
        "shareText": f"I reached {text}. #Fitbit",
        "shortDescription": text,
        "shortName": f"{value:,}",
        "timesAchieved": times,
        "unit": unit,
        "value": value,
    }


def earned_badges(ctx: RequestContext) -> list[dict[str, Any]]:
    """The highest badge of each family the user reached in completed days, in Fitbit's order."""
    known = ctx.services.store.series.day_range(ctx.user.id)
    if known is None:
        return []
    last = min(known[1], ctx.today - timedelta(days=1))
    stored = ctx.services.store.series.get_summaries(ctx.user.id, known[0], last)
    days = sorted(stored.items())
    out = []
    for kind, category, unit, thresholds, key in BADGE_FAMILIES:
        if key is not None:
            reached = [(t, [d for d, s in days if s.get(key, 0) >= t]) for t in thresholds]
        else:
            total, firsts = 0.0, {}
            for d, s in days:
                total += float(s.get("distance_km", 0.0))
                for t in thresholds:
                    if total >= t and t not in firsts:
                        firsts[t] = d
            reached = [(t, [firsts[t]] if t in firsts else []) for t in thresholds]
        best = [(t, ds) for t, ds in reached if ds]
        if best:
            value, achieved = best[-1]
            out.append(
                _badge(ctx, kind, category, unit, value, date.fromisoformat(achieved[0]), len(achieved))
            )
    return out


def get_badges(ctx: RequestContext) -> dict[str, Any]:
    return {"badges": ctx.services.cached(("badges", ctx.user.id, ctx.today), lambda: earned_badges(ctx))}


_PERSON = schemas.obj(
    {
        "attributes": schemas.obj(
            {
                "avatar": schemas.STRING,
                "child": schemas.BOOLEAN,
                "friend": schemas.BOOLEAN,
                "name": schemas.STRING,
            }
        ),
        "id": schemas.STRING,
        "type": schemas.enum("person"),
    }
)
_RANKED = schemas.obj(
    {
        "attributes": schemas.obj({}, {"step-rank": schemas.INTEGER, "step-summary": schemas.INTEGER}),
        "id": schemas.STRING,
        "relationships": schemas.obj(
            {
                "user": schemas.obj(
                    {"data": schemas.obj({"id": schemas.STRING, "type": schemas.enum("person")})}
                )
            }
        ),
        "type": schemas.enum("ranked-user", "inactive-user"),
    }
)
_REF = schemas.obj({"data": schemas.obj({"id": schemas.STRING, "type": schemas.enum("person")})})
_INVITATION = schemas.obj(
    {
        "attributes": schemas.obj({"status": schemas.enum("invited", "accepted")}),
        "id": schemas.STRING,
        "relationships": schemas.obj({"from": _REF, "to": _REF}),
        "type": schemas.enum("invitation"),
    }
)
_BADGE_STRINGS = (
    "badgeGradientEndColor badgeGradientStartColor badgeType category description earnedMessage encodedId "
    "image100px image125px image300px image50px image75px marketingDescription mobileDescription name "
    "shareImage640px shareText shortDescription shortName unit"
).split()
_BADGE = schemas.obj(
    {
        **{k: schemas.STRING for k in _BADGE_STRINGS},
        "cheers": schemas.array({}),
        "dateTime": schemas.DATE,
        "timesAchieved": schemas.INTEGER,
        "value": schemas.INTEGER,
    }
)

ROWS = (
    # python-fitbit 0.3.1 asks /1/user/-/friends.json; Fitbit's v1.1 shape is served under both [decisions.md].
    Endpoint(
        "getFriends",
        "GET",
        ("/user/{user_id}/friends.json",),
        get_friends,
        scope="social",
        response=schemas.obj({"data": schemas.array(_PERSON)}),
        summary="Get Friends",
        versions=("1", "1.1"),
    ),
    # Not in the official Swagger: Fitbit's friends docs and python-fitbit 0.3.1 (invite_friend, respond_to_invite,
    # under /1); served under /1 and /1.1 like the friends list [decisions.md].
    Endpoint(
        "getFriendInvitations",
        "GET",
        ("/user/{user_id}/friends/invitations.json",),
        get_invitations,
        scope="social",
        response=schemas.obj({"data": schemas.array(_PERSON)}),
        summary="Get Friend Invitations",
        versions=("1", "1.1"),
    ),
    Endpoint(
        "inviteFriend",
        "POST",
        ("/user/{user_id}/friends/invitations.json",),
        invite_friend,
        scope="social",
        response=schemas.obj({"data": _INVITATION}),
        summary="Invite Friend",
        versions=("1", "1.1"),
        form=(
            Param(
                "invitedUserId",
                "invitedUserId",
                "form",
                _text,
                {"type": "string", "pattern": "^[0-9A-Z]{6}$", "examples": ["GGNJL9"]},
                "The encoded id of the user to invite (this or invitedUserEmail).",
                required=False,
                created_by=_OTHER_USERS_ID,
                created_by_other_user=True,
            ),
            Param(
                "invitedUserEmail",
                "invitedUserEmail",
                "form",
                _text,
                {"type": "string", "examples": ["bob@example.com"]},
                "The email (here: the account name) of the user to invite; invitedUserId wins when both are sent.",
                required=False,
            ),
        ),
        write=True,
        status=201,
    ),
    Endpoint(
        "respondToFriendInvitation",
        "POST",
        ("/user/{user_id}/friends/invitations/{from_user_id}.json",),
        respond_to_invitation,
        scope="social",
        response=schemas.obj({"data": _PERSON}),
        summary="Respond to Friend Invitation",
        versions=("1", "1.1"),
        path_params=(
            Param(
                "from-user-id",
                "from_user_id",
                "path",
                _text,
                {"type": "string", "pattern": "^[0-9A-Z]{6}$"},
                "The encoded id of the user whose invitation to answer.",
                created_by=("inviteFriend", "/data/id"),
                created_by_other_user=True,
            ),
        ),
        form=(
            Param(
                "accept",
                "accept",
                "form",
                _accept,
                {"type": "string", "enum": ["true", "false"]},
                "Accept (true) or reject (false) the invitation.",
            ),
        ),
        write=True,
    ),
    Endpoint(
        "getFriendsLeaderboard",
        "GET",
        ("/user/{user_id}/leaderboard/friends.json",),
        get_leaderboard,
        scope="social",
        response=schemas.obj({"data": schemas.array(_RANKED), "included": schemas.array(_PERSON)}),
        summary="Get Friends Leaderboard",
        versions=("1.1",),
    ),
    Endpoint(
        "getBadges",
        "GET",
        ("/user/{user_id}/badges.json",),
        get_badges,
        scope="profile",
        response=schemas.obj({"badges": schemas.array(_BADGE)}),
        summary="Get Badges",
    ),
)
