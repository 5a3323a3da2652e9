"""The command's surfaces: readable lines and a progress bar on a terminal, one JSON object with --json, Fitbit-less
paths refused with exit status 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from rich.console import Console

from fitbit_local.services import Services
from fitbit_local.sources.takeout import import_takeout
from fitbit_local.sources.takeout.cli import ProgressBar
from tests.takeout.writer import write_layout

ROOT = Path(__file__).resolve().parents[2]


def fitbit_local(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fitbit_local", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )


def test_readable_summary_and_json(tmp_path: Path) -> None:
    write_layout(tmp_path / "tree", "B")
    readable = fitbit_local("import", "takeout", str(tmp_path / "tree"), "--data", str(tmp_path / "db"))
    assert readable.returncode == 0, readable.stderr
    lines = dict(line.split(": ", 1) for line in readable.stdout.splitlines())
    assert lines["created_user"] == "True" and lines["days_stored"] == "6"
    assert json.loads(lines["days_per_series"])["heart_rate"] == 6
    again = fitbit_local(
        "import", "takeout", str(tmp_path / "tree"), "--data", str(tmp_path / "db"), "--json"
    )
    report = json.loads(again.stdout)
    assert report["user_id"] == lines["user_id"] and report["days_stored"] == 0 and "password" not in report


def test_bad_paths_exit_2(tmp_path: Path) -> None:
    missing = fitbit_local("import", "takeout", str(tmp_path / "nope"), "--data", str(tmp_path), "--json")
    assert missing.returncode == 2 and json.loads(missing.stdout) == {
        "error": f"{tmp_path / 'nope'} does not exist"
    }
    (tmp_path / "empty").mkdir()
    empty = fitbit_local("import", "takeout", str(tmp_path / "empty"), "--data", str(tmp_path))
    assert empty.returncode == 2 and "no Fitbit export files found" in empty.stderr
    unknown = fitbit_local(
        "import", "takeout", str(tmp_path / "empty"), "--data", str(tmp_path), "--user", "XXXXXX"
    )
    assert unknown.returncode == 2 and "no user 'XXXXXX'" in unknown.stderr


def test_progress_bar_counts_days_and_samples(services: Services, tmp_path: Path) -> None:
    write_layout(tmp_path / "tree", "C")
    screen = io.StringIO()
    with ProgressBar(Console(file=screen, force_terminal=True, width=160)) as bar:
        report = import_takeout(services.store, [tmp_path / "tree"], today=date(2026, 12, 1), progress=bar)
    drawn = screen.getvalue()
    assert "importing days" in drawn and f"{report.heart_samples:,} HR samples" in drawn
