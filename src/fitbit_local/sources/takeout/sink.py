"""Where the parsed records that are not day arrays go: one function per record kind, or kept for the importer.

A kind with a handler (`sink.handlers["weights"] = fn`, `fn(user_id, records) -> records stored`) is handed to it;
any other kind is kept (`kept`) and stored by the importer through its family's store (stores.py) once the day
windows are stored. What is parsed and not stored is reported.
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
    kept: dict[str, list[object]] = field(default_factory=dict)

    def put(self, kind: str, user_id: str, records: Sequence[object]) -> None:
        if kind not in RECORD_KINDS:
            raise ValueError(f"unknown record kind {kind!r}")
        self.parsed[kind] += len(records)
        handler = self.handlers.get(kind)
        if handler is not None:
            if records:
                self.stored[kind] += handler(user_id, records)
        else:
            self.kept.setdefault(kind, []).extend(records)

    @property
    def not_stored(self) -> dict[str, int]:
        """Kinds with records parsed and not stored, with their counts."""
        return {k: n - self.stored[k] for k, n in self.parsed.items() if n > self.stored[k]}
