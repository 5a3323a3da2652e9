"""Per (user, app) hourly quotas with Fitbit's headers [DOC application-design: 150 requests per hour for each user
who has consented, reset at the top of each hour].

Backends: in-process memory (one server process), SQL (shared by every worker through the database) and Redis.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError

from fitbit_local.store.schema import rate_counters

HOUR = 3600


def seconds_to_next_hour(now: float) -> int:
    """Seconds until the quota resets at the top of the hour (1 to 3600): ``Fitbit-Rate-Limit-Reset``."""
    return HOUR - int(now) % HOUR


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int  # seconds to the top of the hour
    exceeded: bool

    def headers(self) -> dict[str, str]:
        return {
            "Fitbit-Rate-Limit-Limit": str(self.limit),
            "Fitbit-Rate-Limit-Remaining": str(self.remaining),
            "Fitbit-Rate-Limit-Reset": str(self.reset),
        }


class CounterBackend(Protocol):
    def increment(self, client_id: str, user_id: str, window_start: int) -> int: ...


class MemoryCounters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], tuple[int, int]] = {}

    def increment(self, client_id: str, user_id: str, window_start: int) -> int:
        key = (client_id, user_id)
        with self._lock:
            window, count = self._counts.get(key, (window_start, 0))
            count = count + 1 if window == window_start else 1
            self._counts[key] = (window_start, count)
            return count


class SqlCounters:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def increment(self, client_id: str, user_id: str, window_start: int) -> int:
        key = (
            (rate_counters.c.client_id == client_id)
            & (rate_counters.c.user_id == user_id)
            & (rate_counters.c.window_start == window_start)
        )
        for _attempt in range(3):
            with self._engine.begin() as conn:
                if conn.execute(
                    update(rate_counters).where(key).values(count=rate_counters.c.count + 1)
                ).rowcount:
                    return int(conn.execute(select(rate_counters.c.count).where(key)).scalar_one())
                try:
                    with conn.begin_nested():
                        conn.execute(
                            rate_counters.insert().values(
                                client_id=client_id, user_id=user_id, window_start=window_start, count=1
                            )
                        )
                    conn.execute(
                        rate_counters.delete().where(rate_counters.c.window_start < window_start - HOUR)
                    )
                    return 1
                except IntegrityError:
                    continue  # another worker inserted the row first: update it
        raise RuntimeError("rate counter contention")


class RedisCounters:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def increment(self, client_id: str, user_id: str, window_start: int) -> int:
        key = f"fitbit-local:rate:{client_id}:{user_id}:{window_start}"
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, 2 * HOUR)
        count, _ = pipe.execute()
        return int(count)


class RateLimiter:
    def __init__(self, limit: int, backend: CounterBackend) -> None:
        self.limit = limit
        self._backend = backend

    @property
    def enabled(self) -> bool:
        return self.limit > 0

    def hit(self, client_id: str, user_id: str, now: float) -> Quota:
        window_start = int(now // HOUR * HOUR)
        reset = seconds_to_next_hour(now)
        count = self._backend.increment(client_id, user_id, window_start)
        return Quota(self.limit, max(0, self.limit - count), reset, count > self.limit)


def make_rate_limiter(limit: int, backend: str, *, engine: Engine, redis_url: str | None) -> RateLimiter:
    if backend == "memory":
        return RateLimiter(limit, MemoryCounters())
    if backend == "sql":
        return RateLimiter(limit, SqlCounters(engine))
    if backend == "redis":
        if not redis_url:
            raise ValueError("the redis rate-limit backend needs --redis-url")
        return RateLimiter(limit, RedisCounters(redis_url))
    raise ValueError(f"unknown rate-limit backend {backend!r} (memory, sql or redis)")
