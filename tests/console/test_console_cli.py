"""The CLI commands behind the console's actions: apps details|secret, grants list|revoke, requests list, sandbox
reset (one JSON object each with --json; bad input exits 2)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from fitbit_local.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    status = main([*argv, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return status, orjson.loads(out[-1]) if out else {}


def test_console_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = ("--data", str(tmp_path))
    _, user = run(capsys, "users", "create", "--name", "dee", *data)
    _, app = run(
        capsys,
        "apps",
        "create",
        "--name",
        "A",
        "--type",
        "server",
        "--redirect-uri",
        "https://a.example/cb",
        *data,
    )
    client_id = str(app["client_id"])
    _, details = run(capsys, "apps", "details", client_id, "--terms-url", "https://a.example/terms", *data)
    assert details["terms_url"] == "https://a.example/terms" and details["website"] == ""
    status, refused = run(capsys, "apps", "details", client_id, "--website", "ftp://a", *data)
    assert status == 2 and "http(s) URL" in str(refused["error"])
    _, secret = run(capsys, "apps", "secret", client_id, *data)
    assert secret["client_secret"] != app["client_secret"]
    run(capsys, "tokens", "issue", "--app", client_id, "--user", "dee", "--scope", "activity profile", *data)
    _, grants = run(capsys, "grants", "list", "--user", "dee", *data)
    assert grants["apps"] == [
        {
            "client_id": client_id,
            "name": "A",
            "type": "server",
            "scopes": ["activity", "profile"],
            "granted_at": grants["apps"][0]["granted_at"],
        }  # type: ignore[index]
    ]
    assert run(capsys, "grants", "revoke", "--user", str(user["user_id"]), "--app", client_id, *data)[0] == 0
    assert run(capsys, "grants", "revoke", "--user", "dee", "--app", client_id, *data)[0] == 2
    _, listed = run(capsys, "requests", "list", "--status", "4xx", *data)
    assert listed == {"requests": []}
    assert run(capsys, "requests", "list", "--status", "4x", *data)[0] == 2
    run(capsys, "faults", "add", "--status", "503", *data)
    _, reset = run(capsys, "sandbox", "reset", *data)
    assert reset["faults_removed"] == 1
