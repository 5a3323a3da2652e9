"""Server settings: command-line flags, with FITBIT_LOCAL_* environment variables as defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    return os.environ.get(f"FITBIT_LOCAL_{name}", default)


@dataclass
class Settings:
    data_dir: str = field(default_factory=lambda: _env("DATA", "./fitbit-local-data"))
    database_url: str | None = field(
        default_factory=lambda: os.environ.get("FITBIT_LOCAL_DATABASE_URL") or None
    )
    # Requests per hour per (user, app); 0 turns rate limiting off [DOC: 150/hour, reset at the top of the hour].
    rate_limit: int = field(default_factory=lambda: int(_env("RATE_LIMIT", "150")))
    # memory (one process), sql (shared through the database) or redis (with redis_url)
    rate_limit_backend: str = field(default_factory=lambda: _env("RATE_LIMIT_BACKEND", "memory"))
    redis_url: str | None = field(default_factory=lambda: os.environ.get("FITBIT_LOCAL_REDIS_URL") or None)
    # How an intraday request without permission is denied: "google" (the 2026 PERMISSION_DENIED body from the
    # seed forum thread) or "classic" (403 insufficient_permissions from the status-code table).
    intraday_denial: str = field(default_factory=lambda: _env("INTRADAY_DENIAL", "google"))
    # Answer plain-http requests with the "This request should use https protocol." error.
    require_https: bool = field(default_factory=lambda: _env("REQUIRE_HTTPS", "0") == "1")
    # RFC 9700 behaviour instead of Fitbit's at the OAuth server (no plain PKCE, PKCE required for Client apps, no
    # implicit grant, refresh-token reuse revokes the grant, one winner among concurrent refreshes); docs/oauth.md.
    oauth_strict: bool = field(default_factory=lambda: _env("OAUTH_STRICT", "0") == "1")
    # Hosts the API answers for; others get "Request to invalid domain". Empty = any host.
    allowed_hosts: list[str] = field(
        default_factory=lambda: [h for h in _env("ALLOWED_HOSTS", "").split(",") if h.strip()]
    )
    # Seconds a client may take to send the next piece of a request body before the request is refused and the
    # connection closed (a client declaring more bytes than it sends must not hold a connection forever).
    body_timeout: float = field(default_factory=lambda: float(_env("BODY_TIMEOUT", "10")))
    # The largest request body accepted, by its declared Content-Length or as streamed.
    max_body_bytes: int = field(default_factory=lambda: int(_env("MAX_BODY_BYTES", str(1024 * 1024))))
    # Seconds between the notification worker's passes (issue 13: notify/worker.py); 0 = the server runs no worker.
    notify_interval: float = field(default_factory=lambda: float(_env("NOTIFY_INTERVAL", "0.5")))
    # How many of the most recent API and OAuth requests the request log keeps (0 = no log); the console shows them.
    request_log_size: int = field(default_factory=lambda: int(_env("REQUEST_LOG_SIZE", "1000")))
