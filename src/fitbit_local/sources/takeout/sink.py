"""Where the parsed records that are not day arrays go: one function per record kind.

Today's store keeps day arrays, summaries and users only; the stores for sleep logs, body logs, activity logs,
devices and the HRV/SpO2/breathing/temperature metrics are built on other branches. Until they are wired in, each
kind is counted as *parsed, not stored* and reported, so nothing is silently dropped. Wiring a kind is giving
`ImportSink` a function for it (`sink.handlers["sleep_logs"] = store_sleep_logs`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

RECORD_KINDS = (
    "sleep_logs",
    "weights",
    "body_fat",
    "exercises",
    "spo2_minutes",
    "spo2_daily",
    "hrv_daily",
    "breathing_daily",
    "skin_temperature",
    "devices",
)

Handler = Callable[[str, Sequence[object]], int]  # (user id, records) -> records stored


@dataclass
class ImportSink:
    handlers: dict[str, Handler] = field(default_factory=dict)
    parsed: Counter[str] = field(default_factory=Counter)
    stored: Counter[str] = field(default_factory=Counter)

    def put(self, kind: str, user_id: str, records: Sequence[object]) -> None:
        if kind not in RECORD_KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        self.parsed[kind] += len(records)
        handler = self.handlers.get(kind)
        if handler is not None and records:
            self.stored[kind] += handler(user_id, records)

    @property
    def not_stored(self) -> dict[str, int]:
        """Kinds parsed without a store to put them in, with their record counts."""
        return {k: n for k, n in self.parsed.items() if k not in self.handlers and n}
