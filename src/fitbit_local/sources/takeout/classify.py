"""Which export generation a file comes from and what it holds, by its file name and parent folder only.

Generations (reference takeout-and-data §1.1): A ``user-site-export/<metric>/<metric>-DATE.json`` (about 2016–19),
B ``MyFitbitData/<Name>/<Category>/…`` (2020–22), C ``Takeout/Fitbit/…`` with ``Global Export Data`` and category
CSVs (2023 to spring 2026), D ``Takeout/Google Health/…`` with ``Health Fitness Data_GoogleData`` and one
``Physical Activity_GoogleData`` subfolder per family (mid-2026 on). A file is classified by (parent folder,
file-name pattern), never by its full path, so a renamed or re-nested root still imports. Files no rule claims go to
an ``unclassified`` bucket; the machine-learning bulk and the families not imported are ``skipped`` with a reason.
Neither is ever read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from fitbit_local.sources.takeout.archive import Entry

LAYOUT_ROOTS = {"user-site-export": "A", "MyFitbitData": "B", "Fitbit": "C", "Google Health": "D"}

# Folders that hold the legacy per-metric JSON: Gen C/D flatten it into one folder, Gen B sorts it by category,
# Gen A gives every metric its own folder (named like the metric; matched below).
JSON_FOLDERS = frozenset(
    {"Global Export Data", "Physical Activity", "Sleep", "Personal & Account", "user-site-export"}
)
GOOGLE_DATA = "Physical Activity_GoogleData"
_DATE = r"(\d{4}-\d{2}-\d{2})"


@dataclass(frozen=True)
class Rule:
    family: str
    pattern: re.Pattern[str]
    folders: frozenset[str] | None  # parent folder names it may sit in; None: the legacy JSON folders
    skip: str | None = None  # a reason: classified, reported, never read


def _rule(family: str, pattern: str, folders: set[str] | str | None = None, skip: str | None = None) -> Rule:
    folder_set = frozenset({folders} if isinstance(folders, str) else folders) if folders else None
    return Rule(family, re.compile(pattern + r"\Z"), folder_set, skip)


DERIVED = "derived by the server from the imported heart rate and activity (not read)"
_LEGACY_JSON = (
    "heart_rate",
    "steps",
    "distance",
    "calories",
    "altitude",
    "sedentary_minutes",
    "lightly_active_minutes",
    "moderately_active_minutes",
    "very_active_minutes",
    "resting_heart_rate",
    "sleep",
    "weight",
    "height",
)
_NOT_IMPORTED_JSON = (
    "demographic_vo2_max",
    "run_vo2_max",
    "swim_lengths_data",
    "estimated_oxygen_variation",
)
ML_SKIP = "machine-learning data, not a measurement (never read)"
NOT_IMPORTED = "a family the API does not serve from exports (not imported)"

RULES: tuple[Rule, ...] = (
    # legacy JSON (Global Export Data and its older homes)
    *(_rule(f, re.escape(f) + "-" + _DATE + r"\.json") for f in _LEGACY_JSON),
    _rule("exercise", r"exercise-(\d+)\.json"),
    *(
        _rule(f, re.escape(f) + "-" + _DATE + r"\.(?:json|csv)", skip=NOT_IMPORTED)
        for f in _NOT_IMPORTED_JSON
    ),
    _rule("time_in_heart_rate_zones", r"time_in_heart_rate_zones-" + _DATE + r"\.json", skip=DERIVED),
    _rule("other_json", r"(?:badge|trophy|food_logs-\d+|water_logs-\d+|.*)\.json", skip=NOT_IMPORTED),
    # category CSV folders (Gen B–D)
    _rule("profile", r"Profile\.csv", {"Your Profile", "Personal & Account"}),
    _rule("sleep_score", r"sleep_score\.csv", {"Sleep Score", "Sleep"}, skip=NOT_IMPORTED),
    _rule("hrv_daily", r"Daily Heart Rate Variability Summary - .*\.csv", "Heart Rate Variability"),
    _rule("breathing_daily", r"Daily Respiratory Rate Summary - .*\.csv", "Heart Rate Variability"),
    _rule("spo2_minute", r"Minute SpO2 - .*\.csv", "Oxygen Saturation (SpO2)"),
    _rule("spo2_daily", r"Daily SpO2 - .*\.csv", "Oxygen Saturation (SpO2)"),
    _rule("temperature_nightly", r"Computed Temperature - .*\.csv", "Temperature"),
    _rule("devices", r"(?:Trackers|Devices|Scales)\.csv", "Paired Devices"),
    # Physical Activity_GoogleData (Gen C flat, Gen D one subfolder per family; matched on the ancestor)
    *(
        _rule(f"gd_{f}", re.escape(f) + "_" + _DATE + r"\.csv", GOOGLE_DATA)
        for f in ("heart_rate", "steps", "distance", "calories", "body_fat", "oxygen_saturation")
    ),
    _rule("gd_resting_heart_rate", r"daily_resting_heart_rate\.csv", GOOGLE_DATA),
    _rule("gd_weight", r"weight\.csv", GOOGLE_DATA),
    _rule("gd_daily_oxygen_saturation", r"daily_oxygen_saturation\.csv", GOOGLE_DATA),
    _rule("gd_daily_respiratory_rate", r"daily_respiratory_rate\.csv", GOOGLE_DATA),
    # never read
    _rule("ml", r"(?:UserActivityProbabilities|UserSensorCompressionToken)_.*", None, skip=ML_SKIP),
    _rule("readme", r"(?i:.*readme.*\.(?:txt|md|pdf))", None, skip="documentation"),
)
_ANYWHERE = frozenset({"ml", "readme"})


@dataclass(frozen=True)
class Classified:
    entry: Entry
    family: str
    day: date | None  # the date in the file name (chunk start), when it has one
    number: int | None  # the page number of paged files (exercise-N.json)
    layout: str  # A–D, or "?" without a known root


@dataclass
class Inventory:
    """The classified files by family, plus what was skipped and why."""

    files: dict[str, list[Classified]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> files
    skipped_bytes: Counter[str] = field(default_factory=Counter)
    unclassified: list[str] = field(default_factory=list)
    layouts: Counter[str] = field(default_factory=Counter)
    relative: dict[Entry, str] = field(default_factory=dict)

    def of(self, family: str) -> list[Classified]:
        return self.files.get(family, [])


def layout_of(parts: tuple[str, ...]) -> tuple[str, int]:
    """The generation and the index of the first path part below the export's root (0 when none is recognised)."""
    for index in range(len(parts) - 1, -1, -1):
        layout = LAYOUT_ROOTS.get(parts[index])
        if layout == "C" and index > 0 and parts[index - 1] not in ("Takeout",) and "Takeout" not in parts:
            continue  # a folder merely named "Fitbit" somewhere else
        if layout is not None:
            return layout, index + (2 if layout == "B" else 1)  # B: MyFitbitData/<Name>/
    return "?", 0


def _folder_matches(rule: Rule, entry: Entry) -> bool:
    parts = entry.parts
    if rule.family in _ANYWHERE:
        return True
    parent = entry.parent
    if rule.folders is None:  # the legacy JSON: its folders, or Gen A's one folder per metric
        return parent in JSON_FOLDERS or entry.name.startswith(parent + "-")
    if GOOGLE_DATA in rule.folders:
        return GOOGLE_DATA in parts[-3:-1]
    return parent in rule.folders


def classify(entry: Entry) -> tuple[Rule, re.Match[str]] | None:
    for rule in RULES:
        match = rule.pattern.match(entry.name)
        if match and _folder_matches(rule, entry):
            return rule, match
    return None


def inventory(entries: list[Entry]) -> Inventory:
    found = Inventory()
    for entry in entries:
        layout, root = layout_of(entry.parts)
        found.relative[entry] = "/".join(entry.parts[root:]) if root else entry.path
        hit = classify(entry)
        if hit is None:
            found.unclassified.append(found.relative[entry])
            continue
        rule, match = hit
        if rule.skip is not None:
            found.skipped[rule.skip] += 1
            found.skipped_bytes[rule.skip] += entry.size
            continue
        found.layouts[layout] += 1
        groups = match.groups()
        day = number = None
        if groups and groups[-1] is not None:
            if "-" in groups[-1]:
                day = date.fromisoformat(groups[-1])
            else:
                number = int(groups[-1])
        found.files.setdefault(rule.family, []).append(Classified(entry, rule.family, day, number, layout))
    for files in found.files.values():
        files.sort(key=lambda c: (c.day or date.min, c.number or 0, found.relative[c.entry]))
    return found
