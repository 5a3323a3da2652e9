"""The request log: the most recent API and OAuth requests (a ring of ``size`` rows), for the console's log page,
``GET /_sandbox/requests`` and ``fitbit-local requests list``.

The edge hands each finished request to `RequestLog.append`, which only queues it: a background thread writes the
queue in batches and trims the table to its bound, so a request never waits on the log. It is a log, not data:
rows are written beside the change seam (store/changes.py), never through it, so logging a request does not move
the cache epoch. Entries still queued when a process is killed are lost; every worker writes its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, event, func, select

from fitbit_local.store.schema import request_log

DEFAULT_SIZE = 1000
_COLUMNS = (
    "recorded_at",
    "client_id",
    "user_id",
    "method",
    "path",
    "status",
    "latency_ms",
    "rate_remaining",
    "explanation",
)
# One flush a second: the queue keeps the ring's size, so a busy server writes at most `size` rows a second (the ones
# a reader could still see) and the console's live page is at most a second behind.
FLUSH_SECONDS = 1.0
IDLE_SECONDS = 2.0


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


Row = tuple[float, str | None, str | None, str, str, int, float, int | None, str | None]  # in _COLUMNS order


def as_row(entry: LoggedRequest) -> Row:
    if not isinstance(entry, LoggedRequest):
        raise TypeError(f"not a LoggedRequest: {entry!r}")
    return (
        entry.recorded_at,
        entry.client_id,
        entry.user_id,
        entry.method,
        entry.path,
        entry.status,
        entry.latency_ms,
        entry.rate_remaining,
        entry.explanation,
    )


@dataclass(frozen=True)
class QuotaState:
    client_id: str
    user_id: str
    remaining: int
    seen_at: float


_ROWS_PER_INSERT = 100  # 900 bound values a statement: under SQLite's oldest limit of 999


def latest_quotas(engine: Engine, *, since: float) -> list[QuotaState]:
    """Per app and user, the ``Fitbit-Rate-Limit-Remaining`` of their newest logged response since `since`,
    newest first."""
    newest = (
        select(func.max(request_log.c.id).label("id"))
        .where(
            request_log.c.recorded_at >= since,
            request_log.c.rate_remaining.is_not(None),
            request_log.c.client_id.is_not(None),
            request_log.c.user_id.is_not(None),
        )
        .group_by(request_log.c.client_id, request_log.c.user_id)
        .subquery()
    )
    query = (
        select(request_log).join(newest, newest.c.id == request_log.c.id).order_by(request_log.c.id.desc())
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [QuotaState(r.client_id, r.user_id, r.rate_remaining, r.recorded_at) for r in rows]


def clear_requests(engine: Engine) -> int:
    with engine.begin() as conn:
        return conn.execute(delete(request_log)).rowcount or 0


class RequestLog:
    """The writer side: requests are appended raw to a bounded deque (no lock, no wake-up: a request pays for one
    tuple and one append), and one daemon thread turns them into rows (`convert`) and writes them in batches."""

    def __init__(
        self, engine: Engine, size: int = DEFAULT_SIZE, convert: Callable[[Any], Row] | None = None
    ) -> None:
        self.engine = engine
        self.size = size
        self._convert = convert or as_row  # the writer thread turns each entry into its row
        self._pending: deque[Any] = deque(maxlen=max(size, 1))  # the writer fell behind: the newest are kept
        self._lock = threading.Lock()
        self._running = False
        self._closed = False  # the engine was disposed (the store closed): nothing more is written
        event.listen(engine, "engine_disposed", self._close)

    def _close(self, engine: Engine) -> None:
        self._closed = True
        self._pending.clear()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def append(self, entry: Any) -> None:
        if not self.enabled or self._closed:
            return
        self._pending.append(entry)  # first append, then look at _running: see _run's exit
        if not self._running:
            with self._lock:
                if not self._running:
                    self._running = True
                    threading.Thread(target=self._run, name="request-log", daemon=True).start()

    def flush(self) -> None:
        """Write what is queued now (the writer thread calls this; tests may too)."""
        batch = []
        while self._pending:
            try:
                batch.append(self._convert(self._pending.popleft()))
            except IndexError:
                break
        if batch and not self._closed:  # a closed store must not be reopened by a late batch
            self._write(batch)

    def _run(self) -> None:
        """Write batches while requests come; end after a second without any (the next append starts a new
        thread), so an idle or discarded app holds no thread and no database connection."""
        idle = 0.0
        while True:
            time.sleep(FLUSH_SECONDS)
            if self._pending:
                idle = 0.0
                try:
                    self.flush()
                except Exception as exc:  # a log must never take the server down; the batch is dropped
                    logging.getLogger("fitbit_local").warning("request log: a batch was not written: %s", exc)
                continue
            idle += FLUSH_SECONDS
            if idle >= IDLE_SECONDS:
                with self._lock:
                    self._running = False  # first give up the flag, then look at the queue: see append
                    if not self._pending:
                        return
                    self._running = True

    def _write(self, rows: Sequence[Row]) -> None:
        # Multi-row INSERTs of plain tuples through the driver: SQLAlchemy's per-row parameter handling cost more
        # than the insert, and this thread shares the interpreter with the requests. The driver lets go of the
        # interpreter lock around every statement it steps and must then wait for the request thread to hand it
        # back; one statement per 100 rows instead of one per row makes that a dozen waits a flush, not a thousand.
        mark = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        one = f"({', '.join([mark] * len(_COLUMNS))})"
        rows = list(rows[-self.size :])  # older rows of a long batch would be trimmed anyway
        with self.engine.begin() as conn:
            for start in range(0, len(rows), _ROWS_PER_INSERT):
                chunk = rows[start : start + _ROWS_PER_INSERT]
                values = ", ".join([one] * len(chunk))
                conn.exec_driver_sql(
                    f"INSERT INTO request_log ({', '.join(_COLUMNS)}) VALUES {values}",
                    tuple(value for row in chunk for value in row),
                )
            newest = conn.execute(select(func.max(request_log.c.id))).scalar_one()
            conn.execute(delete(request_log).where(request_log.c.id <= newest - self.size))
