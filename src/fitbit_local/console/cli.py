"""The console's commands, so every console action is also a CLI command: ``apps details``, ``apps secret``,
``grants list|revoke``, ``requests list`` and ``sandbox reset`` (added to the parser by `add_console_commands`)."""

from __future__ import annotations

import argparse

from fitbit_local.store.apps import DETAIL_FIELDS


def _run(args: argparse.Namespace) -> None:
    from fitbit_local.cli import CommandError, _emit, _services, _user_or_fail
    from fitbit_local.console import actions
    from fitbit_local.store.request_log import recent_requests

    services = _services(args)
    command = args.console_command
    try:
        if command == "apps details":
            values = {k: getattr(args, k) for k in DETAIL_FIELDS if getattr(args, k) is not None}
            if services.store.apps.get(args.client_id) is None:
                raise CommandError(f"no app {args.client_id!r}")
            details = services.store.app_details.set(args.client_id, **values) if values else None
            _emit(
                args,
                {"client_id": args.client_id, **(details or services.store.app_details.get(args.client_id))},
            )
        elif command == "apps secret":
            if services.store.apps.get(args.client_id) is None:
                raise CommandError(f"no app {args.client_id!r}")
            _emit(
                args,
                {
                    "client_id": args.client_id,
                    "client_secret": services.store.app_details.regenerate_secret(args.client_id),
                },
            )
        elif command == "grants list":
            user = _user_or_fail(services, args.user)
            _emit(
                args,
                {
                    "user_id": user.id,
                    "apps": [a.to_json() for a in actions.authorised_apps(services, user.id)],
                },
            )
        elif command == "grants revoke":
            user = _user_or_fail(services, args.user)
            if not actions.revoke_app(services, user.id, args.app):
                raise CommandError(f"user {user.id} has not authorised app {args.app!r}")
            _emit(args, {"user_id": user.id, "revoked": args.app})
        elif command == "requests list":
            found = recent_requests(
                services.store.engine,
                client_id=args.app,
                user_id=args.user,
                status=args.status,
                limit=args.limit,
            )
            _emit(args, {"requests": [r.to_json() for r in found]})
        else:
            _emit(args, actions.reset_sandbox(services))
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def add_console_commands(sub: argparse._SubParsersAction) -> None:
    from fitbit_local.cli import _store_options

    def command(
        parent: argparse._SubParsersAction, name: str, full: str, help: str | None = None
    ) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = parent.add_parser(name, help=help)
        _store_options(parser)
        parser.set_defaults(func=_run, console_command=full)
        return parser

    apps = next(a for a in sub.choices["apps"]._actions if isinstance(a, argparse._SubParsersAction))
    details = command(apps, "details", "apps details", help="show or set the registration form's fields")
    details.add_argument("client_id")
    for field in DETAIL_FIELDS:
        details.add_argument("--" + field.replace("_", "-"), dest=field)
    command(apps, "secret", "apps secret", help="generate a new client secret (shown once)").add_argument(
        "client_id"
    )

    grants = sub.add_parser("grants", help="the apps a user authorised").add_subparsers(
        dest="grants_command", required=True
    )
    command(grants, "list", "grants list").add_argument("--user", required=True)
    revoke = command(grants, "revoke", "grants revoke", help="withdraw an app's access")
    revoke.add_argument("--user", required=True)
    revoke.add_argument("--app", required=True)

    requests = sub.add_parser("requests", help="the request log").add_subparsers(
        dest="requests_command", required=True
    )
    listing = command(requests, "list", "requests list", help="the most recent API and OAuth requests")
    listing.add_argument("--app")
    listing.add_argument("--user")
    listing.add_argument("--status", help="a code (403), a class (4xx) or 'errors'")
    listing.add_argument("--limit", type=int, default=50)

    sandbox = sub.add_parser("sandbox", help="the sandbox as a whole").add_subparsers(
        dest="sandbox_command", required=True
    )
    command(sandbox, "reset", "sandbox reset", help="clock to real time, faults cleared, request log emptied")
