"""The real processes the crash tests kill: `fitbit-local serve` and the admin CLI, run from this worktree's code.

Every process started here is killed (SIGKILL) or stopped in a ``finally`` by its caller; `ServerProcess` is a
context manager for that reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from tests.conftest import free_port

SRC = Path(__file__).resolve().parents[2] / "src"


def child_env() -> dict[str, str]:
    """The environment of a child: this worktree's `src` first on the path, the rate limit out of the way."""
    path = os.pathsep.join([str(SRC), *sys.path])
    return {**os.environ, "PYTHONPATH": path, "FITBIT_LOCAL_RATE_LIMIT": "0"}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "fitbit_local", *args]


def store_option(url: str) -> list[str]:
    return ["--database-url", url]


class ServerProcess:
    """`fitbit-local serve` on a free loopback port, one worker, no rate limit."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = cli("serve", *store_option(url), "--port", str(self.port), "--rate-limit", "0")
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning"],
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.started = time.monotonic()
        self._wait_until_up()
        self.startup_seconds = time.monotonic() - self.started

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited: {self._stderr()}")
            try:
                httpx.get(f"{self.base_url}/_sandbox/clock", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.kill()
        raise AssertionError("the server did not start within 60 s")

    def _stderr(self) -> str:
        return self.process.stderr.read().decode(errors="replace") if self.process.stderr else ""

    def kill(self) -> None:
        """kill -9, and reap it."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        if self.process.stderr:
            self.process.stderr.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.kill()


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), env=child_env(), capture_output=True, text=True, timeout=timeout)


def start_cli(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cli(*args), env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill(process: subprocess.Popen[bytes]) -> bool:
    """kill -9 a CLI process and reap it; True when it was still running (the kill interrupted it)."""
    running = process.poll() is None
    if running:
        os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    return running


def store_opened(process: subprocess.Popen[bytes], url: str) -> bool:
    """Has the process opened the database yet (the SQLite file, or its first socket: the PostgreSQL connection)?
    Read from /proc, so a kill can be aimed at the part of a short command that writes instead of its imports."""
    wanted = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else "socket:"
    try:
        names = os.listdir(f"/proc/{process.pid}/fd")
    except FileNotFoundError:
        return False
    for name in names:
        try:
            target = os.readlink(f"/proc/{process.pid}/fd/{name}")
        except FileNotFoundError:
            continue
        if target.startswith(wanted):
            return True
    return False


def wait_for_store(process: subprocess.Popen[bytes], url: str, timeout: float = 60) -> float:
    """Wait until the process opens the database; the monotonic time it was seen (it may have exited already)."""
    deadline = time.monotonic() + timeout
    while not store_opened(process, url):
        if process.poll() is not None:
            break
        assert time.monotonic() < deadline, "the command never opened the database"
        time.sleep(0.002)
    return time.monotonic()
