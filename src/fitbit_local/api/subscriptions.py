"""Subscriptions [reference §3.19, §4.12, §8.2]: create, list and delete, for all collections and per collection.

The rows are made from one table, `COLLECTIONS`: the collection's path segment and the scopes the user must have
granted [DOC create-subscription: activities → activity, body → weight, foods → nutrition, sleep → sleep,
userRevokedAccess → none, all collections → activity, nutrition, profile, settings, sleep and weight]. The pipeline
checks a row's first scope; an all-collections row's other five are checked by `check_other_scopes`, which raises
the same error.

``X-Fitbit-Subscriber-Id`` (any case) names one of the app's subscribers; without it the app's default subscriber is
used, and an app that has registered none yet subscribes its default-to-be, ``"1"`` (the id `apps subscriber add`
gives the first one). A subscription id names one stream within the app: 201 for a new subscription, 200 when
exactly this one exists, 409 with the conflicting subscription as the body when the stream has another id or the id
another stream [SW responses]. Delete answers 204, also for a subscription that does not exist (the Swagger documents
no 404 for it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from fitbit_local.api.context import RequestContext
from fitbit_local.api.registry import Endpoint, Param, ParseScope
from fitbit_local.edge import json_response
from fitbit_local.errors import FitbitError
from fitbit_local.store.subscriptions import ALL_COLLECTIONS, SubscriptionConflict

SUBSCRIBER_HEADER = "x-fitbit-subscriber-id"
DEFAULT_SUBSCRIBER_ID = "1"
MAX_SUBSCRIPTION_ID = 50  # [DOC create-subscription]

# collection path segment ("" = all collections) → the scopes the user must have granted [DOC create-subscription]
COLLECTIONS: Mapping[str, tuple[str, ...]] = {
    ALL_COLLECTIONS: ("activity", "nutrition", "profile", "settings", "sleep", "weight"),
    "activities": ("activity",),
    "body": ("weight",),
    "foods": ("nutrition",),
    "sleep": ("sleep",),
    "userRevokedAccess": (),
}

SUBSCRIPTION_SCHEMA = {
    "type": "object",
    "required": ["collectionType", "ownerId", "ownerType", "subscriberId", "subscriptionId"],
    "properties": {
        "collectionType": {"enum": ["user", *(c for c in COLLECTIONS if c)]},
        "ownerId": {"type": "string"},
        "ownerType": {"const": "user"},
        "subscriberId": {"type": "string"},
        "subscriptionId": {"type": "string", "maxLength": MAX_SUBSCRIPTION_ID},
    },
    "additionalProperties": False,
}
LIST_SCHEMA = {
    "type": "object",
    "required": ["apiSubscriptions"],
    "properties": {"apiSubscriptions": {"type": "array", "items": SUBSCRIPTION_SCHEMA}},
    "additionalProperties": False,
}


def _subscription_id(value: str, scope: ParseScope) -> str:
    if not value or len(value) > MAX_SUBSCRIPTION_ID:
        raise FitbitError(
            "validation_value", field_name="subscription-id", field="subscription-id", value=value
        )
    return value


def check_other_scopes(ctx: RequestContext) -> None:
    """The scopes after the row's first (all-collections rows need six)."""
    for scope in ctx.endpoint.options["scopes"][1:]:
        if scope not in ctx.token.scopes:
            access = "write" if ctx.endpoint.write else "access"
            raise FitbitError("insufficient_scope", access_type=access, resource_type=scope)


def requested_subscriber(ctx: RequestContext) -> str | None:
    """The subscriber ``X-Fitbit-Subscriber-Id`` names, which must be one of the app's (400 otherwise)."""
    wanted = ctx.request.headers.get(SUBSCRIBER_HEADER)
    if wanted is None:
        return None
    store = ctx.services.store.subscriptions
    if store.subscriber(ctx.token.client_id, wanted) is None:
        raise FitbitError("subscriber_id_invalid", subscriber_id=wanted)
    return wanted


def create_subscription(ctx: RequestContext) -> Response:
    check_other_scopes(ctx)
    store = ctx.services.store.subscriptions
    client_id = ctx.token.client_id
    subscriber_id = (
        requested_subscriber(ctx) or store.default_subscriber_id(client_id) or DEFAULT_SUBSCRIBER_ID
    )
    try:
        created, subscription = store.create_subscription(
            client_id,
            subscriber_id,
            ctx.user.id,
            ctx.endpoint.options["collection"],
            ctx.args["subscription_id"],
        )
    except SubscriptionConflict as conflict:
        found = conflict.existing.to_fitbit()
        raise FitbitError(
            "subscription_conflict",
            collectionType=found["collectionType"],
            ownerId=found["ownerId"],
            ownerType=found["ownerType"],
            subscriberId=found["subscriberId"],
            subscriptionId=found["subscriptionId"],
        ) from None
    return json_response(subscription.to_fitbit(), 201 if created else 200)


def list_subscriptions(ctx: RequestContext) -> dict[str, Any]:
    check_other_scopes(ctx)
    collection = ctx.endpoint.options["collection"]
    found = ctx.services.store.subscriptions.list_subscriptions(
        ctx.token.client_id,
        ctx.user.id,
        collection if collection != ALL_COLLECTIONS else None,
        requested_subscriber(ctx),
    )
    return {"apiSubscriptions": [s.to_fitbit() for s in found]}


def delete_subscription(ctx: RequestContext) -> None:
    check_other_scopes(ctx)
    ctx.services.store.subscriptions.delete_subscription(
        ctx.token.client_id,
        ctx.user.id,
        ctx.endpoint.options["collection"],
        ctx.args["subscription_id"],
        requested_subscriber(ctx),
    )


def _rows_for(collection: str, scopes: tuple[str, ...]) -> list[Endpoint]:
    suffix = collection[:1].upper() + collection[1:]
    segment = f"/{collection}" if collection else ""
    label = collection or "all collections"
    base = f"/user/{{user_id}}{segment}/apiSubscriptions"
    options = {"collection": collection, "scopes": scopes}
    create_name = f"addSubscriptions{suffix}"

    def subscription_id(created: bool) -> Param:
        return Param(
            "subscription-id",
            "subscription_id",
            "path",
            _subscription_id,
            {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_SUBSCRIPTION_ID,
                "examples": [f"320-{label[:3]}"],
            },
            "the app's id for the subscription (at most 50 characters, unique within the app)",
            created_by=(create_name, "/subscriptionId") if created else None,
        )

    common: dict[str, Any] = {
        "scope": scopes[0] if scopes else None,
        "versions": ("1",),
        "options": options,
        "resource_type": scopes[0] if scopes else "",
    }
    return [
        Endpoint(
            f"getSubscriptionsList{suffix}",
            "GET",
            (f"{base}.json",),
            list_subscriptions,
            response=LIST_SCHEMA,
            summary=f"Get Subscription List ({label})",
            **common,
        ),
        Endpoint(
            create_name,
            "POST",
            (f"{base}/{{subscription_id}}.json",),
            create_subscription,
            response=SUBSCRIPTION_SCHEMA,
            summary=f"Create Subscription ({label}): 201 new, 200 already subscribed, 409 conflict",
            path_params=(subscription_id(False),),
            status=201,
            **{**common, "options": {**options, "repeat_status": 200}},
        ),
        Endpoint(
            f"deleteSubscriptions{suffix}",
            "DELETE",
            (f"{base}/{{subscription_id}}.json",),
            delete_subscription,
            response={},
            summary=f"Delete Subscription ({label})",
            path_params=(subscription_id(True),),
            status=204,
            **common,
        ),
    ]


ROWS = tuple(row for collection, scopes in COLLECTIONS.items() for row in _rows_for(collection, scopes))
