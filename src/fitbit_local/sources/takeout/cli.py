"""``fitbit-local import takeout PATH… [--user USER_ID] [--json]``."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from typing import Any

from fitbit_local.sources.takeout.importer import import_takeout
from fitbit_local.sources.takeout.report import Progress, TakeoutError


def cmd_import_takeout(args: argparse.Namespace) -> None:
    from fitbit_local.api.params import local_today
    from fitbit_local.cli import CommandError, _emit, _services

    services = _services(args)
    zone = "UTC"
    if args.user:
        found = services.store.users.find(args.user)
        if found is None:
            raise CommandError(f"no user {args.user!r}")
        zone = found.current_timezone
    # the latest day kept: the sandbox clock's date, a day ahead of UTC so no zone's today is cut
    today = local_today("Etc/GMT-14" if zone == "UTC" else zone, services.clock.now())
    with ExitStack() as stack:
        progress = None
        if not args.json and sys.stderr.isatty():
            progress = stack.enter_context(ProgressBar())
        try:
            report = import_takeout(
                services.store, args.path, today=today, user_id=args.user, progress=progress
            )
        except (TakeoutError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
    _emit(args, report.to_json())


class ProgressBar(Progress):
    """A rich progress bar on the terminal: days done, heart-rate samples and their rate."""

    def __init__(self, console: Any = None) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("importing days"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[samples]:,} HR samples ({task.fields[rate]:,.0f}/s)"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            transient=False,
            console=console,
        )
        self._task: Any = None
        self._samples = 0
        super().__init__(start=self._start, advance=self._advance)

    def __enter__(self) -> ProgressBar:
        self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(None, None, None)

    def _start(self, total: int) -> None:
        self._task = self._bar.add_task("import", total=total, samples=0, rate=0.0)

    def _advance(self, days: int, samples: int) -> None:
        self._samples += samples
        elapsed = self._bar.tasks[0].elapsed or 1e-9
        self._bar.update(self._task, advance=days, samples=self._samples, rate=self._samples / elapsed)


def add_takeout_commands(sub: Any) -> None:
    from fitbit_local.cli import _store_options

    group = sub.add_parser("import", help="import your own data").add_subparsers(
        dest="import_command", required=True
    )
    takeout = group.add_parser(
        "takeout", help="a Google Takeout / Fitbit account export (.zip files or unpacked folders)"
    )
    _store_options(takeout)
    takeout.add_argument("path", nargs="+", help="the export's .zip file(s) and/or unpacked folder(s)")
    takeout.add_argument(
        "--user", help="import into this user (default: create one from the export's profile)"
    )
    takeout.set_defaults(func=cmd_import_takeout)
