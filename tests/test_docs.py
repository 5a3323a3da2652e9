"""The generated reference pages in docs/ match the catalogue and the registry, and the generator's command line
(`python -m fitbit_local.reference [--check] [DIRECTORY]`) writes, checks and explains itself."""

import subprocess
import sys
from pathlib import Path

import pytest

from fitbit_local.reference import PAGES, main, page_difference, write_pages

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def snapshot(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(directory.iterdir())}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generated_page_is_current(name):
    difference = page_difference(DOCS / name, PAGES[name]())
    assert difference is None, f"{difference}\nrun: python -m fitbit_local.reference docs/"


def test_check_passes_on_current_pages_and_fails_on_drift_without_writing(tmp_path, capsys):
    write_pages(tmp_path)
    assert snapshot(tmp_path) == {name: render() for name, render in PAGES.items()}
    assert main(["--check", str(tmp_path)]) == 0

    endpoints = tmp_path / "endpoints.md"
    endpoints.write_text(endpoints.read_text().replace("| GET |", "| POST |", 1))
    (tmp_path / "errors.md").unlink()
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main(["--check", str(tmp_path)]) == 1
    assert snapshot(tmp_path) == before  # --check never writes
    err = capsys.readouterr().err
    assert f"{endpoints}: differs from the generated page (+1 -1 lines)" in err
    assert f"{tmp_path / 'errors.md'}: missing" in err
    assert f"run: python -m fitbit_local.reference {tmp_path}" in err


def test_help_prints_usage_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m fitbit_local.reference") and "--check" in out
    assert list(tmp_path.iterdir()) == []  # not a directory called --help


def test_the_command_checks_the_committed_docs():
    result = subprocess.run(
        [sys.executable, "-m", "fitbit_local.reference", "--check", str(DOCS)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
