"""The fifteen Fitbit scopes [SW securityDefinitions], their JWT claim codes and introspection names."""

from __future__ import annotations

from collections.abc import Collection

# name -> three-letter code used in the access token's "scopes" claim, e.g. "ract rhr" [OBS decoded tokens].
SCOPE_CODES: dict[str, str] = {
    "activity": "act",
    "cardio_fitness": "cfi",
    "electrocardiogram": "ecg",
    "heartrate": "hr",
    "irregular_rhythm_notifications": "irn",
    "location": "loc",
    "nutrition": "nut",
    "oxygen_saturation": "oxy",
    "profile": "pro",
    "respiratory_rate": "res",
    "settings": "set",
    "sleep": "sle",
    "social": "soc",
    "temperature": "tem",
    "weight": "wei",
}
ALL_SCOPES: tuple[str, ...] = tuple(SCOPE_CODES)


def parse_scope_param(value: str) -> list[str]:
    """Split a scope parameter (space-, plus- or comma-separated) keeping first-seen order, without duplicates."""
    seen: list[str] = []
    for part in value.replace("+", " ").replace(",", " ").split():
        if part not in seen:
            seen.append(part)
    return seen


def unknown_scopes(scopes: list[str]) -> list[str]:
    return [s for s in scopes if s not in SCOPE_CODES]


def canonical(scopes: Collection[str]) -> str:
    """Scopes as the token response lists them: space-separated, in catalogue order."""
    return " ".join(s for s in ALL_SCOPES if s in scopes)


def claim(scopes: Collection[str], *, read_only: bool) -> str:
    prefix = "r" if read_only else "w"
    return " ".join(prefix + SCOPE_CODES[s] for s in ALL_SCOPES if s in scopes)


def introspection_scope(scopes: Collection[str], *, read_only: bool) -> str:
    """Fitbit's odd Java-map format: ``{ACTIVITY=READ_WRITE, SLEEP=READ_WRITE}`` [DOC introspect]."""
    access = "READ" if read_only else "READ_WRITE"
    return "{" + ", ".join(f"{s.upper()}={access}" for s in ALL_SCOPES if s in scopes) + "}"
