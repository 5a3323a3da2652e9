"""Bounded kill -9 rounds: `FITBIT_LOCAL_CRASH_ROUNDS` (default 3 per kind) and `FITBIT_LOCAL_CRASH_SEED` (default
8) choose how many and where the kills fall. What every round did is printed at the end of the run."""

from __future__ import annotations

import os

import pytest

ROUNDS = int(os.environ.get("FITBIT_LOCAL_CRASH_ROUNDS", "3"))
SEED = int(os.environ.get("FITBIT_LOCAL_CRASH_SEED", "8"))
_REPORT: list[str] = []


@pytest.fixture
def crash_rounds() -> int:
    return ROUNDS


@pytest.fixture
def crash_seed() -> int:
    return SEED


@pytest.fixture
def crash_report(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Lines saying what each round did, printed in the terminal summary (kept in the note)."""
    name = request.node.name

    def report(line: str) -> None:
        _REPORT.append(f"{name}: {line}")

    return report


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _REPORT:
        terminalreporter.section(f"crash rounds (seed {SEED}, {ROUNDS} rounds per kind)")
        for line in _REPORT:
            terminalreporter.write_line(line)
