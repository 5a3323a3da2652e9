"""The long-lived objects a running server shares: store, sandbox state (clock, epoch, signing key), settings, token
validator, rate limiter."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from fitbit_local.api.response_cache import ResponseCache
from fitbit_local.clock import SandboxState
from fitbit_local.config import Settings
from fitbit_local.oauth.tokens import AccessTokenValidator
from fitbit_local.ratelimit import RateLimiter, make_rate_limiter
from fitbit_local.store import Store
from fitbit_local.store.faults import Fault
from fitbit_local.store.users import User

T = TypeVar("T")

log = logging.getLogger("fitbit_local")


@dataclass
class Services:
    settings: Settings
    store: Store
    clock: SandboxState  # the sandbox clock, the cache epoch and the signing key (fitbit_local/clock.py)
    tokens: AccessTokenValidator
    rate_limiter: RateLimiter
    responses: ResponseCache  # rendered read bodies (api/response_cache.py)
    _cache: dict[object, object] = field(default_factory=dict)
    _cache_epoch: int = -1

    @classmethod
    def build(cls, settings: Settings, store: Store | None = None) -> Services:
        store = store or Store.open(data_dir=settings.data_dir, database_url=settings.database_url)
        clock = SandboxState(store.engine)
        return cls(
            settings=settings,
            store=store,
            clock=clock,
            tokens=AccessTokenValidator(store.engine, clock, clock.signing_key),
            rate_limiter=make_rate_limiter(
                settings.rate_limit,
                settings.rate_limit_backend,
                engine=store.engine,
                redis_url=settings.redis_url,
            ),
            responses=ResponseCache(lambda: clock.epoch),
        )

    @property
    def signing_key(self) -> bytes:
        return self.clock.signing_key

    def cached(self, key: object, load: Callable[[], T]) -> T:
        """A value read from the store, kept until the sandbox epoch moves (every write that matters to a cached
        value goes through store.write(), which bumps it in the same transaction, so all workers see changes on
        their next request)."""
        if self._cache_epoch != self.clock.epoch:
            self._cache.clear()
            self._cache_epoch = self.clock.epoch
        if key not in self._cache:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = load()
        return self._cache[key]  # type: ignore[return-value]

    def user(self, user_id: str) -> User | None:
        return self.cached(("user", user_id), lambda: self.store.users.get(user_id))

    def active_faults(self) -> list[Fault]:
        return self.cached("faults", self.store.faults.list_faults)

    def matching_fault(self, path: str, client_id: str | None, user_id: str | None) -> Fault | None:
        """The first injected fault that matches this request and still has firings left (consumes one)."""
        for fault in self.active_faults():
            if fault.matches(path, client_id, user_id) and self.store.faults.consume_fault(fault):
                return fault
        return None
