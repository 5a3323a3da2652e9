"""The command-line contract, run as a real subprocess: one JSON object per admin command with --json."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx

from fitbit_local.ids import is_encoded_id


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "fitbit_local", *args], capture_output=True, text=True, timeout=120
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def as_json(result: subprocess.CompletedProcess[str]) -> dict:
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0])


def test_users_apps_tokens_clock_and_faults(tmp_path):
    data = str(tmp_path)
    user = as_json(
        run(
            "users",
            "create",
            "--data",
            data,
            "--name",
            "ann",
            "--password",
            "pw",
            "--timezone",
            "Europe/Berlin",
            "--birth-date",
            "1985-06-01",
            "--sex",
            "FEMALE",
            "--height-cm",
            "165",
            "--weight-kg",
            "60",
            "--json",
        )
    )
    assert is_encoded_id(user["user_id"])
    assert user["timezone"] == "Europe/Berlin"
    app = as_json(
        run(
            "apps",
            "create",
            "--data",
            data,
            "--name",
            "study",
            "--type",
            "server",
            "--redirect-uri",
            "https://example.org/cb",
            "--redirect-uri",
            "https://example.org/cb2",
            "--json",
        )
    )
    assert app["type"] == "server" and len(app["client_secret"]) == 32
    assert app["redirect_uris"] == ["https://example.org/cb", "https://example.org/cb2"]
    updated = as_json(
        run("apps", "update", "--data", data, app["client_id"], "--intraday", "--read-only", "--json")
    )
    assert updated["intraday"] is True and updated["read_only"] is True
    listed = as_json(run("apps", "list", "--data", data, "--json"))
    assert [a["client_id"] for a in listed["apps"]] == [app["client_id"]]
    token = as_json(
        run(
            "tokens",
            "issue",
            "--data",
            data,
            "--app",
            app["client_id"],
            "--user",
            user["user_id"],
            "--scope",
            "activity heartrate profile",
            "--json",
        )
    )
    assert set(token) == {"access_token", "expires_in", "refresh_token", "scope", "token_type", "user_id"}
    assert token["scope"] == "activity heartrate profile" and token["user_id"] == user["user_id"]
    frozen = as_json(run("clock", "set", "--data", data, "2026-01-15T08:00:00Z", "--frozen", "--json"))
    assert frozen == {"now": "2026-01-15T08:00:00Z", "frozen": True, "offset_seconds": 0.0}
    moved = as_json(run("clock", "advance", "--data", data, "1h30m", "--json"))
    assert moved["now"] == "2026-01-15T09:30:00Z"
    fault = as_json(
        run(
            "faults",
            "add",
            "--data",
            data,
            "--status",
            "503",
            "--app",
            app["client_id"],
            "--count",
            "2",
            "--json",
        )
    )
    assert fault["error"] == "maintenance" and fault["remaining"] == 2
    assert len(as_json(run("faults", "list", "--data", data, "--json"))["faults"]) == 1
    assert as_json(run("faults", "clear", "--data", data, "--json")) == {"removed": 1}


def test_bad_input_is_a_message_not_a_traceback(tmp_path):
    data = str(tmp_path)
    for args in (
        (
            "apps",
            "create",
            "--data",
            data,
            "--name",
            "x",
            "--type",
            "server",
            "--redirect-uri",
            "https://a/#frag",
        ),
        ("tokens", "issue", "--data", data, "--app", "NOAPP1", "--user", "nobody"),
        ("clock", "advance", "--data", data, "soon"),
        ("faults", "add", "--data", data, "--status", "299"),
    ):
        result = run(*args, check=False)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr and result.stderr.startswith("fitbit-local: ")


def test_out_of_range_input_is_refused_and_changes_nothing(tmp_path):
    """Issue #8 items 7 and 8 on the CLI: the clock stays within 2000-01-01 .. 9900-01-01, fault counts within
    1 .. 10^6, and profile values follow the store's rules."""
    data = str(tmp_path)
    run("clock", "set", "--data", data, "2026-01-15T08:00:00Z", "--frozen")
    for args in (
        ("clock", "set", "--data", data, "0001-01-01T00:00:00Z"),
        ("clock", "set", "--data", data, "9999-12-31T00:00:00Z", "--frozen"),
        ("clock", "advance", "--data", data, "1e400"),
        ("clock", "advance", "--data", data, "--", "-P10000D"),
        ("faults", "add", "--data", data, "--status", "503", "--count", "0"),
        ("faults", "add", "--data", data, "--status", "503", "--count", "1000001"),
        ("faults", "add", "--data", data, "--status", "503", "--app", "not-an-id"),
        ("users", "create", "--data", data, "--locale", "klingon"),
        ("users", "create", "--data", data, "--timezone", "Nowhere/Land", "--synthetic-days", "3"),
        ("users", "create", "--data", data, "--synthetic-days", "0"),
    ):
        result = run(*args[:4], "--json", *args[4:], check=False)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and set(as_json(result)) == {"error"}
    assert as_json(run("clock", "show", "--data", data, "--json"))["now"] == "2026-01-15T08:00:00Z"
    assert as_json(run("faults", "list", "--data", data, "--json")) == {"faults": []}
    assert as_json(run("users", "list", "--data", data, "--json")) == {"users": []}


def test_a_cli_token_works_against_the_server_and_sees_the_cli_clock(tmp_path):
    from fitbit_local.config import Settings
    from fitbit_local.services import Services
    from tests.conftest import in_process

    data = str(tmp_path)
    user = as_json(run("users", "create", "--data", data, "--name", "bo", "--json"))
    app = as_json(
        run(
            "apps",
            "create",
            "--data",
            data,
            "--name",
            "a",
            "--type",
            "client",
            "--redirect-uri",
            "https://x.example/cb",
            "--json",
        )
    )
    token = as_json(
        run("tokens", "issue", "--data", data, "--app", app["client_id"], "--user", "bo", "--json")
    )
    services = Services.build(Settings(data_dir=data))
    try:
        with in_process(services) as open_client, open_client() as http:
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            assert http.get("/1/user/-/profile.json", headers=headers).status_code == 200
            run("clock", "advance", "--data", data, "9h")  # another process moves the shared clock
            expired = http.get("/1/user/-/profile.json", headers=headers)
            assert expired.status_code == 401 and expired.json()["errors"][0]["errorType"] == "expired_token"
    finally:
        services.store.close()
    assert user["user_id"]


def test_redirect_uri_rules_on_apps_create_and_update(tmp_path):  # anchors A5
    data = str(tmp_path)
    create = ("apps", "create", "--data", data, "--name", "a", "--type", "client")
    refused = run(*create, "--redirect-uri", "http://client.example/cb", check=False)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == (
        "fitbit-local: a redirect URI must use https unless its host is localhost, 127.0.0.1 or [::1]: "
        "http://client.example/cb\n"
    )
    refused = run(*create, "--redirect-uri", "https://client.example/cb#x", "--json", check=False)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert as_json(refused) == {
        "error": "a redirect URI must not contain a fragment: https://client.example/cb#x"
    }
    assert as_json(run("apps", "list", "--data", data, "--json")) == {"apps": []}
    uris = [
        "http://localhost:8000/callback",
        "http://127.0.0.1:5000/cb",
        "http://[::1]/cb",
        "myapp://callback",
    ]
    app = as_json(run(*create, *[arg for uri in uris for arg in ("--redirect-uri", uri)], "--json"))
    assert app["redirect_uris"] == uris
    update = ("apps", "update", "--data", data, app["client_id"])
    refused = run(*update, "--redirect-uri", "/callback", "--json", check=False)
    assert refused.returncode == 2 and as_json(refused)["error"].startswith(
        "a redirect URI must be an absolute URI with a scheme"
    )
    updated = as_json(run(*update, "--redirect-uri", "https://new.example/cb", "--json"))
    assert updated["redirect_uris"] == ["https://new.example/cb"]


def test_oauth_strict_from_the_flag_or_the_environment(tmp_path, monkeypatch):
    from fitbit_local.cli import build_parser, serve_settings

    monkeypatch.delenv("FITBIT_LOCAL_OAUTH_STRICT", raising=False)
    assert serve_settings(build_parser().parse_args(["serve"])).oauth_strict is False
    assert serve_settings(build_parser().parse_args(["serve", "--oauth-strict"])).oauth_strict is True
    monkeypatch.setenv("FITBIT_LOCAL_OAUTH_STRICT", "1")
    assert serve_settings(build_parser().parse_args(["serve"])).oauth_strict is True


def test_serve_oauth_strict_reaches_every_worker(tmp_path):
    """`serve --oauth-strict --workers 2`: the flag travels to the worker processes through the environment."""
    from tests.conftest import free_port
    from tests.test_serve import wait_until_up

    data = str(tmp_path)
    app = as_json(
        run(
            "apps",
            "create",
            "--data",
            data,
            "--name",
            "a",
            "--type",
            "client",
            "--redirect-uri",
            "https://x.example/cb",
            "--json",
        )
    )
    port = free_port()
    command = [sys.executable, "-m", "fitbit_local", "serve", "--data", data, "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--oauth-strict", "--log-level", "warning"],
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/oauth2/authorize", process)
        for _ in range(6):  # a new connection each time: the kernel spreads them over both workers
            page = httpx.get(
                base + "/oauth2/authorize",
                params={
                    "client_id": app["client_id"],
                    "response_type": "token",
                    "scope": "profile",
                    "redirect_uri": "https://x.example/cb",
                },
            )
            assert page.status_code == 400
            assert "unsupported_response_type - Invalid response_type parameter value" in page.text
    finally:
        process.terminate()
        process.wait(timeout=30)
