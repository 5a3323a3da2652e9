"""The tree is formatted and linted by ruff and type-checked by mypy (STYLE.md), so CI keeps reviews about substance."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = {
    "ruff check": [str(BIN / "ruff"), "check", "src", "tests", "bench", "dev.py"],
    "ruff format": [str(BIN / "ruff"), "format", "--check", "src", "tests", "bench", "dev.py"],
    "mypy": [sys.executable, "-m", "mypy"],
}


@pytest.mark.parametrize("name", CHECKS)
def test_tree_passes(name: str) -> None:
    result = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}{result.stderr}"
