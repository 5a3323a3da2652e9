"""Rendered bodies of read rows, kept until the sandbox epoch moves or the sandbox clock's minute changes.

A read's body is a function of: the row and the request's path and query; the unit system (``Accept-Language``);
the user and the token's scopes (the profile's location fields); the stored data, which changes only through
`store.write()` and so moves the epoch; and the sandbox clock, through "today" and the data horizon, which advance
by whole minutes (every time zone's offset is a whole number of minutes). The key holds all of these but the epoch,
whose move empties the cache. Authentication, faults, scope, the intraday gate and the rate limit still run on
every request; only the parsing, the store reads and the rendering are skipped on a hit. Errors are never cached.

The cache is bounded in bytes (least recently used out first), and a body larger than a tenth of the budget is
not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_BUDGET_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class CachedBody:
    body: bytes
    status: int
    media_type: str


class ResponseCache:
    def __init__(self, epoch: Callable[[], int], budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        self._epoch = epoch
        self._budget = budget_bytes
        self._entries: OrderedDict[object, CachedBody] = OrderedDict()
        self._bytes = 0
        self._seen_epoch = -1
        self._lock = threading.Lock()

    def _check_epoch(self) -> None:
        epoch = self._epoch()
        if epoch != self._seen_epoch:
            self._entries.clear()
            self._bytes = 0
            self._seen_epoch = epoch

    def get(self, key: object) -> CachedBody | None:
        with self._lock:
            self._check_epoch()
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: object, entry: CachedBody) -> None:
        size = len(entry.body)
        if size > self._budget // 10:
            return
        with self._lock:
            self._check_epoch()
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self._budget:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)

    @property
    def size_bytes(self) -> int:
        return self._bytes
