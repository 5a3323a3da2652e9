"""Sandbox controls no real API had: the settable clock and fault injection, shared by the CLI and the admin API."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from fitbit_local.errors.catalogue import CATALOGUE, Envelope, ErrorKey, rows_for_status

_DURATION = re.compile(r"^(-)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_ISO_DURATION = re.compile(r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def parse_duration(text: str) -> float:
    """Seconds from ``3600``, ``90s``, ``15m``, ``2h``, ``1d12h`` or ISO 8601 ``PT1H``/``P1DT2H``."""
    value = text.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        if not math.isfinite(seconds):
            raise ValueError(f"not a duration: {text!r} (examples: 3600, 90s, 15m, 2h, 1d, PT1H)")
        return seconds
    match = _DURATION.match(value) or _ISO_DURATION.match(value.upper())
    if not match or not any(match.groups()[1:]):
        raise ValueError(f"not a duration: {text!r} (examples: 3600, 90s, 15m, 2h, 1d, PT1H)")
    sign = -1 if match[1] else 1
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups()[1:])
    return sign * float(days * 86400 + hours * 3600 + minutes * 60 + seconds)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; a naive one is taken as UTC."""
    value = text.strip().replace("Z", "+00:00")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not an ISO 8601 date-time: {text!r}") from exc
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def fault_error_key(status: int | None, error: str | None) -> ErrorKey:
    """The catalogue row a fault injects: named directly, or the first row documented for a status."""
    if error is not None:
        if error not in CATALOGUE or CATALOGUE[error].envelope is Envelope.CONSENT_PAGE:
            raise ValueError(f"unknown error {error!r}; see `fitbit-local faults errors`")
        if status is not None and CATALOGUE[error].status != status:
            raise ValueError(f"error {error!r} has status {CATALOGUE[error].status}, not {status}")
        return CATALOGUE[error].key
    if status is None:
        raise ValueError("give --status or --error")
    rows = rows_for_status(status)
    if not rows:
        raise ValueError(f"no documented error has status {status}")
    preferred: dict[int, ErrorKey] = {
        500: "internal_error",
        429: "too_many_requests",
        401: "expired_token",
        403: "insufficient_permissions_fitbit",
    }
    return preferred.get(status, rows[0].key)


def injectable_errors() -> list[dict[str, object]]:
    return [
        {"error": row.key, "status": row.status, "errorType": row.error_type, "message": row.message}
        for row in CATALOGUE.values()
        if row.envelope is not Envelope.CONSENT_PAGE
    ]
