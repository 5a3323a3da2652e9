"""The delivery worker: fan out new changes, claim due deliveries, POST them signed, record every attempt.

At least once: a delivery is marked delivered only after the subscriber answered 2xx, and a worker that dies
holding one leaves a lease that runs out (`LEASE_SECONDS`, wall clock), after which any worker sends it again.
A failed attempt (no answer within 5 s, or a non-2xx status) is retried with exponential backoff on the sandbox
clock (`retry_delay`), so advancing the clock brings retries forward; a subscriber failing with no success for
`DISABLE_AFTER_SECONDS` is disabled, as Fitbit disabled subscribers that failed "for an extended period" [DOC
subscriptions-debugging], and its queue is held, not dropped, until it is verified again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fitbit_local.notify.fanout import fan_out
from fitbit_local.notify.outbound import call
from fitbit_local.notify.signing import signature, unseal_secret
from fitbit_local.services import Services
from fitbit_local.store.deliveries import AttemptResult, Claim
from fitbit_local.store.sandbox import wall_clock

log = logging.getLogger("fitbit_local.notify")

LEASE_SECONDS = 30.0  # longer than one attempt can take (5 s timeout)
FIRST_RETRY_SECONDS = 60.0
MAX_RETRY_SECONDS = 3600.0
DISABLE_AFTER_SECONDS = 3 * 86400.0  # "failing for days" [UNVERIFIED: Fitbit's threshold is not documented]
CLAIM_BATCH = 32
SENDERS = 4


def retry_delay(attempts_before: int) -> float:
    """60 s after the first failure, doubling up to an hour."""
    return min(FIRST_RETRY_SECONDS * 2**attempts_before, MAX_RETRY_SECONDS)


def send(services: Services, claim: Claim) -> AttemptResult:
    """One signed POST of a delivery's body (a JSON array) to its subscriber."""
    secret = unseal_secret(services.signing_key, claim.client_id, claim.signing_secret)
    body = claim.body.encode()
    answer = call(
        "POST",
        claim.url,
        body,
        {
            "Content-Type": "application/json",
            "X-Fitbit-Signature": signature(body, secret),
            "User-Agent": "fitbit-local subscriptions",
        },
    )
    return AttemptResult(answer.status, answer.error, answer.duration_ms)


def deliver(services: Services, claim: Claim) -> AttemptResult:
    result = send(services, claim)
    services.store.deliveries.finish_attempt(
        claim, result, retry_delay(claim.attempts), DISABLE_AFTER_SECONDS
    )
    return result


def replay(services: Services, delivery_id: int) -> AttemptResult | None:
    """Send one delivery again now, whatever its state (the sandbox's "replay delivery")."""
    claim = services.store.deliveries.claim_for_replay(delivery_id)
    if claim is None:
        return None
    result = send(services, claim)
    services.store.deliveries.finish_replay(claim, result)
    return result


def run_once(services: Services, pool: ThreadPoolExecutor | None = None) -> int:
    """One pass: queue new changes' notifications, then send every due delivery; how many were sent."""
    while fan_out(services):
        pass
    sent = 0
    while True:
        now = wall_clock()
        claims = services.store.deliveries.claim_due(now + LEASE_SECONDS, now, CLAIM_BATCH)
        if not claims:
            return sent
        if pool is None:
            for claim in claims:
                deliver(services, claim)
        else:
            list(pool.map(lambda c: deliver(services, c), claims))
        sent += len(claims)


class NotifyWorker:
    """The worker thread a server runs (started and stopped with the app, or by ``fitbit-local subscriptions
    worker``). Several workers, in one process or many, share the queue safely."""

    def __init__(self, services: Services, interval: float = 0.5) -> None:
        self._services = services
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fitbit-local-notify", daemon=True)

    def start(self) -> NotifyWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="fitbit-local-notify-send") as pool:
            while not self._stop.is_set():
                try:
                    run_once(self._services, pool)
                except Exception:  # a database hiccup must not end the worker; the next pass retries
                    log.exception("notification pass failed")
                self._stop.wait(self._interval)


def lifespan(services: Services) -> Callable[[object], AbstractAsyncContextManager[None]]:
    """The app's lifespan: a notification worker runs while the server does (unless `notify_interval` is 0)."""

    @asynccontextmanager
    async def run(app: object) -> AsyncIterator[None]:
        interval = services.settings.notify_interval
        worker = NotifyWorker(services, interval).start() if interval > 0 else None
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()

    return run
