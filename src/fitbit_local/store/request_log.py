"""The request log: the most recent API and OAuth requests (a ring of ``size`` rows), for the console's log page,
``GET /_sandbox/requests`` and ``fitbit-local requests list``.

The edge hands each finished request to `RequestLog.append`, which only queues it: a background thread writes the
queue in batches and trims the table to its bound, so a request never waits on the log. It is a log, not data:
rows are written beside the change seam (store/changes.py), never through it, so logging a request does not move
the cache epoch. Entries still queued when a process is killed are lost; every worker writes its own.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, insert, select

from fitbit_local.store.schema import request_log

DEFAULT_SIZE = 1000
FLUSH_SECONDS = 0.2


@dataclass(frozen=True)
class LoggedRequest:
    recorded_at: float
    client_id: str | None
    user_id: str | None
    method: str
    path: str
    status: int
    latency_ms: float
    rate_remaining: int | None
    explanation: str | None
    id: int | None = None

    def to_json(self) -> dict[str, object]:
        out = asdict(self)
        out["time"] = (
            datetime.fromtimestamp(self.recorded_at, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"
        )
        return out


def recent_requests(
    engine: Engine,
    *,
    client_id: str | None = None,
    user_id: str | None = None,
    status: str | None = None,
    after_id: int = 0,
    limit: int = 200,
) -> list[LoggedRequest]:
    """The newest logged requests first. `status` is an exact code (``403``), a class (``4xx``) or ``errors``
    (every status from 400 on)."""
    query = select(request_log).where(request_log.c.id > after_id)
    if client_id:
        query = query.where(request_log.c.client_id == client_id)
    if user_id:
        query = query.where(request_log.c.user_id == user_id)
    if status:
        low, high = status_range(status)
        query = query.where(request_log.c.status >= low, request_log.c.status <= high)
    query = query.order_by(request_log.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [LoggedRequest(**row._mapping) for row in rows]


def status_range(status: str) -> tuple[int, int]:
    text = status.strip().lower()
    if text == "errors":
        return 400, 599
    if len(text) == 3 and text[0] in "12345" and text[1:] == "xx":
        return int(text[0]) * 100, int(text[0]) * 100 + 99
    if text.isdigit() and len(text) == 3:
        return int(text), int(text)
    raise ValueError(f"status filter must be a code (403), a class (4xx) or 'errors', not {status!r}")


def clear_requests(engine: Engine) -> int:
    with engine.begin() as conn:
        return conn.execute(delete(request_log)).rowcount or 0


class RequestLog:
    """The writer side: a queue drained by one daemon thread into the ring."""

    def __init__(self, engine: Engine, size: int = DEFAULT_SIZE) -> None:
        self.engine = engine
        self.size = size
        self._pending: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def append(self, entry: LoggedRequest) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._pending.append(entry)
            if len(self._pending) > self.size:  # the writer fell behind: keep the newest, as the ring would
                del self._pending[: len(self._pending) - self.size]
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="request-log", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Write what is queued now (the writer thread calls this; tests may too)."""
        with self._lock:
            batch, self._pending = self._pending, []
        if batch:
            self._write(batch)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # a log must never take the server down; the next batch tries again
                import logging

                logging.getLogger("fitbit_local").exception("request log: write failed")
            threading.Event().wait(FLUSH_SECONDS)

    def _write(self, batch: Sequence[LoggedRequest]) -> None:
        rows = [{k: v for k, v in asdict(e).items() if k != "id"} for e in batch]
        with self.engine.begin() as conn:
            conn.execute(insert(request_log), rows)
            newest = conn.execute(select(func.max(request_log.c.id))).scalar_one()
            conn.execute(delete(request_log).where(request_log.c.id <= newest - self.size))
