"""The long-lived objects a running server shares: store, clock, settings, token validator, rate limiter."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from fitbit_local.clock import Clock
from fitbit_local.config import Settings
from fitbit_local.oauth.tokens import AccessTokenValidator
from fitbit_local.ratelimit import RateLimiter, make_rate_limiter
from fitbit_local.store import Store
from fitbit_local.store.sandbox import Fault

log = logging.getLogger("fitbit_local")


@dataclass
class Services:
    settings: Settings
    store: Store
    clock: Clock
    tokens: AccessTokenValidator
    rate_limiter: RateLimiter
    signing_key: bytes
    _faults: list[Fault] = field(default_factory=list)
    _faults_epoch: int = -1

    @classmethod
    def build(cls, settings: Settings, store: Store | None = None) -> Services:
        store = store or Store.open(data_dir=settings.data_dir, database_url=settings.database_url)
        clock = Clock(store.engine)
        key = store.sandbox.signing_key()
        return cls(
            settings=settings,
            store=store,
            clock=clock,
            tokens=AccessTokenValidator(store.engine, clock, key),
            rate_limiter=make_rate_limiter(
                settings.rate_limit, settings.rate_limit_backend, engine=store.engine, redis_url=settings.redis_url
            ),
            signing_key=key,
        )

    def active_faults(self) -> list[Fault]:
        if self._faults_epoch != self.clock.epoch:
            self._faults = self.store.sandbox.list_faults()
            self._faults_epoch = self.clock.epoch
        return self._faults

    def matching_fault(self, path: str, client_id: str | None, user_id: str | None) -> Fault | None:
        """The first injected fault that matches this request and still has firings left (consumes one)."""
        for fault in self.active_faults():
            if fault.matches(path, client_id, user_id) and self.store.sandbox.consume_fault(fault):
                return fault
        return None
