"""What an import reports, and how the command follows it."""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from fitbit_local.sources.takeout.archive import Archive, Entry

T = TypeVar("T")

# What reading or parsing one file can raise when it is not what its name says: truncated or malformed JSON or CSV
# (ValueError, csv.Error), a record without a field (KeyError, TypeError, IndexError, AttributeError), a value out
# of range (OverflowError), a damaged zip member (BadZipFile, zlib.error, EOFError).
UNREADABLE = (
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    OverflowError,
    csv.Error,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
)


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
    unreadable_files: dict[str, str] = field(default_factory=dict)  # path -> why (read as holding nothing)
    records_parsed: dict[str, int] = field(default_factory=dict)
    records_not_stored: dict[str, int] = field(default_factory=dict)
    dropped_by_file: dict[str, int] = field(default_factory=dict)

    def parsed(
        self, archive: Archive, entry: Entry, parse: Callable[[Any], T], *, text: bool = False
    ) -> T | None:
        """`parse` of a file's bytes (its text lines with `text`); None for a file that cannot be read or parsed
        (truncated, damaged, not what its name says), which is reported with why: one bad file does not stop an
        import, and its days are imported from the other families."""
        try:
            return parse(archive.lines(entry) if text else archive.read(entry))
        except UNREADABLE as exc:
            self.unreadable_files.setdefault(entry.path, f"{type(exc).__name__}: {exc}"[:300])
            return None

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "dropped_by_file"}
        out["days_per_series"] = dict(sorted(self.days_per_series.items()))
        if self.password is None:
            del out["password"]
        return out
