"""`fitbit-local serve` as a real process: several workers share the clock, caches and rate-limit counters."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx

from tests.conftest import free_port
from tests.test_cli import as_json, run


def wait_until_up(url: str, process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {process.stderr.read() if process.stderr else ''}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def test_two_workers_share_quota_clock_and_revocation(tmp_path):
    data = str(tmp_path)
    user = as_json(run("users", "create", "--data", data, "--name", "ann", "--json"))
    app = as_json(
        run(
            "apps",
            "create",
            "--data",
            data,
            "--name",
            "a",
            "--type",
            "server",
            "--redirect-uri",
            "https://a.example/cb",
            "--json",
        )
    )
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
            "profile",
            "--json",
        )
    )
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fitbit_local",
            "serve",
            "--data",
            data,
            "--port",
            str(port),
            "--workers",
            "2",
            "--rate-limit",
            "6",
            "--log-level",
            "warning",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/1/user/-/profile.json", process)
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        statuses = []
        for _ in range(8):  # new connections each time: the kernel spreads them over both workers
            with httpx.Client() as http:
                statuses.append(http.get(base + "/1/user/-/profile.json", headers=headers).status_code)
        assert statuses[:6] == [200] * 6 and statuses[6:] == [429, 429]
        run("clock", "advance", "--data", data, "1h")  # a new window for every worker
        with httpx.Client() as http:
            assert http.get(base + "/1/user/-/profile.json", headers=headers).status_code == 200
        revoke = httpx.post(
            base + "/oauth2/revoke",
            auth=(app["client_id"], app["client_secret"]),
            data={"token": token["access_token"]},
        )
        assert revoke.status_code == 200
        for _ in range(4):
            with httpx.Client() as http:
                assert http.get(base + "/1/user/-/profile.json", headers=headers).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=30)
