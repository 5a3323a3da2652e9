"""`serve --workers 2` starts with uvicorn's fast HTTP parser (httptools, part of uvicorn[standard]) installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concurrency.conftest import serve


def test_two_workers_start_with_httptools_installed(tmp_path: Path) -> None:
    pytest.importorskip("httptools")
    database_url = f"sqlite:///{tmp_path / 'fitbit-local.sqlite3'}"
    with serve(database_url, tmp_path, "--rate-limit", "0"):
        pass
