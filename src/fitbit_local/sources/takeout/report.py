"""What an import reports, and how the command follows it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class TakeoutError(ValueError):
    """An export that cannot be imported (nothing recognisable, unknown user)."""


@dataclass
class Progress:
    """Callbacks the CLI draws its progress bar from (all optional)."""

    start: Callable[[int], None] = lambda total_days: None
    advance: Callable[[int, int], None] = lambda days, heart_samples: None


@dataclass
class ImportReport:
    user_id: str = ""
    created_user: bool = False
    password: str | None = None
    resumed_from: str | None = None
    layouts: dict[str, int] = field(default_factory=dict)
    days_stored: int = 0
    days_unchanged: int = 0
    days_per_series: Counter[str] = field(default_factory=Counter)
    heart_samples: int = 0
    first_day: str | None = None
    last_day: str | None = None
    placeholder_days: int = 0
    rows_outside_account: int = 0
    duplicate_sleep_logs: int = 0
    conflicting_sleep_logs: int = 0  # duplicates whose copies differ (the first one is kept)
    offset_corrected_days: int = 0
    skipped_files: dict[str, int] = field(default_factory=dict)
    unclassified_files: list[str] = field(default_factory=list)
    records_parsed: dict[str, int] = field(default_factory=dict)
    records_not_stored: dict[str, int] = field(default_factory=dict)
    dropped_by_file: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "dropped_by_file"}
        out["days_per_series"] = dict(sorted(self.days_per_series.items()))
        if self.password is None:
            del out["password"]
        return out
