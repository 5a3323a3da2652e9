"""Subscriber endpoints: registering, changing and verifying them, as dev.fitbit.com's app settings did.

On add and on a URL change the endpoint is verified as Fitbit verified it [reference §8.3]: a GET with
``?verify=<the right code>`` must answer 204 and a GET with a wrong code must answer 404. Until both do, the
subscriber is unverified and gets no notifications; the outcome of each GET is kept and shown (CLI, admin API).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

import orjson

from fitbit_local.ids import secret_matches
from fitbit_local.notify.outbound import call
from fitbit_local.notify.signing import seal_secret
from fitbit_local.services import Services
from fitbit_local.store.apps import LOOPBACK_HOSTS
from fitbit_local.store.subscriptions import Subscriber

SUBSCRIBER_ID = re.compile(r"^[A-Za-z0-9_.-]{1,50}$")


def check_url(url: str) -> None:
    """Fitbit required https subscribers [3P AsyncAPI: TLS 1.2]; plain http is let through for loopback only."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"a subscriber URL must be an absolute http(s) URL: {url}")
    if parts.fragment:
        raise ValueError(f"a subscriber URL must not contain a fragment: {url}")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"a subscriber URL must use https unless its host is loopback: {url}")


def _with_verify(url: str, code: str) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode({'verify': code})}" if parts.query else urlencode({"verify": code})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def verify(services: Services, subscriber: Subscriber) -> Subscriber:
    """The two verification GETs; the subscriber is verified when the right code gets 204 and a wrong one 404."""
    wrong = secrets.token_hex(16)
    checks = []
    for code, expected in ((subscriber.verification_code, 204), (wrong, 404)):
        answer = call("GET", _with_verify(subscriber.url, code))
        checks.append(
            {
                "verify": "correct" if code == subscriber.verification_code else "wrong",
                "expected": expected,
                "status": answer.status,
                "error": answer.error,
                "ok": answer.status == expected,
            }
        )
    verified = all(check["ok"] for check in checks)
    store = services.store.subscriptions
    store.record_verification(subscriber.pk, verified, orjson.dumps(checks).decode())
    found = store.subscriber_by_pk(subscriber.pk)
    assert found is not None
    return found


def add_subscriber(
    services: Services,
    client_id: str,
    *,
    url: str,
    client_secret: str,
    subscriber_id: str | None = None,
    verification_code: str | None = None,
    run_verification: bool = True,
) -> Subscriber:
    """Register (and verify) a subscriber. The client secret must be the app's: notifications are signed with it."""
    app = services.store.apps.get(client_id)
    if app is None:
        raise ValueError(f"no app {client_id!r}")
    if not secret_matches(client_secret, app.secret_hash):
        raise ValueError("the client secret is not this app's (notifications are signed with it)")
    check_url(url)
    store = services.store.subscriptions
    if subscriber_id is None:  # Fitbit numbered an app's subscribers 1, 2, … by default
        taken = {s.subscriber_id for s in store.subscribers(client_id)}
        subscriber_id = next(str(n) for n in range(1, len(taken) + 2) if str(n) not in taken)
    if not SUBSCRIBER_ID.match(subscriber_id):
        raise ValueError("a subscriber id is 1 to 50 letters, digits, '.', '_' or '-'")
    code = verification_code or secrets.token_hex(32)
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", code):
        raise ValueError("a verification code is 8 to 64 letters, digits, '_' or '-'")
    sealed = seal_secret(services.signing_key, client_id, client_secret)
    subscriber = store.add_subscriber(client_id, subscriber_id, url, code, sealed)
    return verify(services, subscriber) if run_verification else subscriber


def change_url(services: Services, subscriber: Subscriber, url: str) -> Subscriber:
    check_url(url)
    services.store.subscriptions.change_subscriber_url(subscriber.pk, url)
    changed = services.store.subscriptions.subscriber_by_pk(subscriber.pk)
    assert changed is not None
    return verify(services, changed)


def find_subscriber(services: Services, client_id: str, subscriber_id: str | None) -> Subscriber:
    store = services.store.subscriptions
    wanted = subscriber_id or store.default_subscriber_id(client_id)
    found = store.subscriber(client_id, wanted) if wanted is not None else None
    if found is None:
        raise ValueError(f"app {client_id} has no subscriber {subscriber_id or '(default)'!r}")
    return found
