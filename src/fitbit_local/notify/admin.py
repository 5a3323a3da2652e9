"""The sandbox admin API for subscriptions (``/_sandbox/subscribers``, ``/_sandbox/deliveries``), with the rules of
the rest of ``/_sandbox`` (sandbox/routes.py): the admin token when one is set, JSON bodies only, query strings never
read, every refusal ``{"error": …}``.

- ``GET /_sandbox/subscribers``: every subscriber with its verification result and state;
  ``POST`` ``{"app", "url", "client_secret", "subscriber_id"?, "verification_code"?, "verify"?}`` registers one
  (and verifies it); ``DELETE`` ``{"app", "subscriber_id"}`` removes one.
- ``POST /_sandbox/subscribers/verify`` ``{"app", "subscriber_id"?, "url"?}``: verify again, with a new URL if given.
- ``GET /_sandbox/deliveries``: the newest deliveries, each with its notifications, attempts, codes and timing;
  ``POST /_sandbox/deliveries/replay`` ``{"id"}`` sends one again now; ``POST /_sandbox/deliveries/run`` ``{}`` runs
  one pass of the worker now (fan-out and every due delivery).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from fitbit_local.edge import json_response
from fitbit_local.notify import subscribers as subscriber_service
from fitbit_local.notify.worker import replay, run_once
from fitbit_local.services import Services

Handler = Callable[[Request], Awaitable[Response]]


def routes(services: Services, authorised: Callable[[Request], bool]) -> list[BaseRoute]:
    from starlette.concurrency import run_in_threadpool

    from fitbit_local.sandbox.routes import AdminRefusal, _flag, _integer, _json_body, _problem, _string

    def guarded(handler: Callable[[Request], Awaitable[Any]]) -> Handler:
        async def run(request: Request) -> Response:
            if not authorised(request):
                return _problem("admin token required", 401)
            try:
                result = await handler(request)
            except AdminRefusal as refusal:
                return _problem(str(refusal), refusal.status)
            except ValueError as exc:  # the subscriber rules: URL, secret, ids
                return _problem(str(exc))
            return result if isinstance(result, Response) else json_response(result)

        return run

    def required(body: dict[str, Any], key: str) -> str:
        value = _string(body, key)
        if value is None:
            raise AdminRefusal(f'"{key}" is required')
        return value

    async def subscribers(request: Request) -> Any:
        store = services.store.subscriptions
        if request.method == "POST":
            body = await _json_body(
                request,
                frozenset({"app", "url", "client_secret", "subscriber_id", "verification_code", "verify"}),
            )
            added = await run_in_threadpool(
                subscriber_service.add_subscriber,
                services,
                required(body, "app"),
                url=required(body, "url"),
                client_secret=required(body, "client_secret"),
                subscriber_id=_string(body, "subscriber_id"),
                verification_code=_string(body, "verification_code"),
                run_verification=_flag({"verify": body.get("verify", True)}, "verify"),
            )
            return json_response(added.to_json(), 201)
        if request.method == "DELETE":
            body = await _json_body(request, frozenset({"app", "subscriber_id"}))
            found = subscriber_service.find_subscriber(
                services, required(body, "app"), _string(body, "subscriber_id")
            )
            store.remove_subscriber(found.pk)
            return {"removed": found.subscriber_id}
        return {"subscribers": [s.to_json() for s in store.subscribers()]}

    async def verify(request: Request) -> Any:
        body = await _json_body(request, frozenset({"app", "subscriber_id", "url"}))
        found = subscriber_service.find_subscriber(
            services, required(body, "app"), _string(body, "subscriber_id")
        )
        url = _string(body, "url")
        if url is not None:
            return (await run_in_threadpool(subscriber_service.change_url, services, found, url)).to_json()
        return (await run_in_threadpool(subscriber_service.verify, services, found)).to_json()

    async def deliveries(request: Request) -> Any:
        return {
            "pending": services.store.deliveries.pending_count(),
            "deliveries": services.store.deliveries.deliveries(),
        }

    async def replay_delivery(request: Request) -> Any:
        body = await _json_body(request, frozenset({"id"}))
        delivery_id = _integer(body, "id", 1, 2**31 - 1)
        if delivery_id is None:
            raise AdminRefusal('"id" is required')
        result = await run_in_threadpool(replay, services, delivery_id)
        if result is None:
            return _problem(f"no delivery {delivery_id}", 404)
        return {"id": delivery_id, "status_code": result.status_code, "error": result.error}

    async def run_pass(request: Request) -> Any:
        await _json_body(request, frozenset())
        return {"sent": await run_in_threadpool(run_once, services)}

    return [
        Route("/_sandbox/subscribers", guarded(subscribers), methods=["GET", "POST", "DELETE"]),
        Route("/_sandbox/subscribers/verify", guarded(verify), methods=["POST"]),
        Route("/_sandbox/deliveries", guarded(deliveries), methods=["GET"]),
        Route("/_sandbox/deliveries/replay", guarded(replay_delivery), methods=["POST"]),
        Route("/_sandbox/deliveries/run", guarded(run_pass), methods=["POST"]),
    ]
