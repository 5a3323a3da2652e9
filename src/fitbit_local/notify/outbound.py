"""The one outgoing HTTP call: verification GETs and notification POSTs, each within Fitbit's five seconds."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 5.0  # a subscriber had to answer within 5 s [reference §8.3, §8.4]
_MAX_READ = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer (refused, timed out, not HTTP)
    error: str | None
    duration_ms: float


def call(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.perf_counter()
    connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read(_MAX_READ)
        return Answer(response.status, None, (time.perf_counter() - started) * 1000)
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, f"{exc.__class__.__name__}: {exc}"[:300], (time.perf_counter() - started) * 1000)
    finally:
        connection.close()
