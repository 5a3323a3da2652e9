"""The robustness suites report what they sent at the end of the run (one line per suite and database)."""

from __future__ import annotations

from typing import Any

import pytest

SUMMARY = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for line in config.stash.get(SUMMARY, []):
        terminalreporter.write_line(line)
