#!/usr/bin/env python3
"""Set up and run fitbit-local from a fresh clone with nothing but Python 3.11+.

    python3 dev.py demo   # the server with demo apps and synthetic users on http://127.0.0.1:8080
    python3 dev.py test   # the test suite

Both create ./.venv and install the project into it on first use (and again when pyproject.toml changes).
Extra arguments are passed on: `python3 dev.py test -k oauth`, `python3 dev.py demo --port 9000`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 is, to say so
        sys.exit(f"fitbit-local needs Python 3.11 or newer (this is {sys.version.split()[0]})")
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    print(f"installing fitbit-local{f'[{extras}]' if extras else ''} into .venv ...", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(fingerprint)


def ensure_chromium() -> None:
    """The console's browser tests drive Debian's Chromium (never a downloaded browser): install it when missing and
    this runs as root on Debian; otherwise those tests skip, saying why."""
    if shutil.which("chromium") or os.name == "nt" or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    if shutil.which("apt-get"):
        print("installing chromium (Debian package) for the browser tests ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=False)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "demo":
        ensure_environment("")
        args = ["-m", "fitbit_local", "serve", "--demo", "--data", str(ROOT / "demo-data"), *rest]
    else:
        ensure_environment("test")
        ensure_chromium()
        args = ["-m", "pytest", *rest]
    return subprocess.call([str(PYTHON), *args], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
