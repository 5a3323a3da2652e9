"""CLI commands: ``fitbit-local apps subscriber add|list|verify|update|remove`` and ``fitbit-local subscriptions
deliveries|replay|worker``. Registered by `add_subscription_commands`, called once from ``cli.build_parser``."""

from __future__ import annotations

import argparse
import time
from typing import Any

from fitbit_local.notify import subscribers as subscriber_service
from fitbit_local.notify.worker import NotifyWorker, replay, run_once


def _cli() -> Any:
    from fitbit_local import cli  # the CLI's own helpers (_services, _emit, CommandError); imported late

    return cli


def cmd_subscriber(args: argparse.Namespace) -> None:
    cli = _cli()
    services = cli._services(args)
    action = args.subscriber_command
    try:
        if action == "add":
            found = subscriber_service.add_subscriber(
                services,
                args.client_id,
                url=args.url,
                client_secret=args.client_secret,
                subscriber_id=args.subscriber_id,
                verification_code=args.verification_code,
                run_verification=not args.no_verify,
            )
        elif action == "list":
            listed = services.store.subscriptions.subscribers(args.client_id)
            cli._emit(args, {"subscribers": [s.to_json() for s in listed]})
            return
        else:
            found = subscriber_service.find_subscriber(services, args.client_id, args.subscriber_id)
            if action == "verify":
                found = subscriber_service.verify(services, found)
            elif action == "update":
                found = subscriber_service.change_url(services, found, args.url)
            else:  # remove
                services.store.subscriptions.remove_subscriber(found.pk)
                cli._emit(args, {"removed": found.subscriber_id})
                return
    except ValueError as exc:
        raise cli.CommandError(str(exc)) from exc
    cli._emit(args, found.to_json())


def cmd_subscriptions(args: argparse.Namespace) -> None:
    cli = _cli()
    services = cli._services(args)
    action = args.subscriptions_command
    if action == "deliveries":
        listed = services.store.deliveries.deliveries(args.app, args.status, args.limit)
        cli._emit(args, {"deliveries": listed})
    elif action == "replay":
        result = replay(services, args.delivery_id)
        if result is None:
            raise cli.CommandError(f"no delivery {args.delivery_id}")
        cli._emit(
            args, {"delivery": args.delivery_id, "status_code": result.status_code, "error": result.error}
        )
    elif args.once:
        cli._emit(args, {"sent": run_once(services)})
    else:  # worker: until interrupted
        worker = NotifyWorker(services, args.interval).start()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            worker.stop()


def add_subscription_commands(sub: Any, apps: Any) -> None:
    """`sub`: the top-level subcommands; `apps`: the ``apps`` subcommands."""
    store_options = _cli()._store_options
    subscriber = apps.add_parser("subscriber", help="subscriber endpoints (webhooks)").add_subparsers(
        dest="subscriber_command", required=True
    )
    p = subscriber.add_parser("add", help="register a subscriber and verify it (GET ?verify=…)")
    store_options(p)
    p.add_argument("client_id")
    p.add_argument("--url", required=True)
    p.add_argument(
        "--client-secret", required=True, help="the app's secret: notifications are signed with it"
    )
    p.add_argument("--subscriber-id", help="default: 1, 2, … in order of registration")
    p.add_argument("--verification-code", help="default: a random code")
    p.add_argument(
        "--no-verify", action="store_true", help="register without verifying (no notifications yet)"
    )
    p.set_defaults(func=cmd_subscriber)
    p = subscriber.add_parser("list")
    store_options(p)
    p.add_argument("client_id", nargs="?")
    p.set_defaults(func=cmd_subscriber)
    for name, text in (("verify", "verify again (re-enables a disabled subscriber)"), ("remove", "remove")):
        p = subscriber.add_parser(name, help=text)
        store_options(p)
        p.add_argument("client_id")
        p.add_argument("--subscriber-id", help="default: the app's default subscriber")
        p.set_defaults(func=cmd_subscriber)
    p = subscriber.add_parser("update", help="change the URL (verified again)")
    store_options(p)
    p.add_argument("client_id")
    p.add_argument("--subscriber-id")
    p.add_argument("--url", required=True)
    p.set_defaults(func=cmd_subscriber)

    subscriptions = sub.add_parser("subscriptions", help="notification deliveries").add_subparsers(
        dest="subscriptions_command", required=True
    )
    p = subscriptions.add_parser("deliveries", help="each notification POST with its attempts")
    store_options(p)
    p.add_argument("--app", help="one app's deliveries")
    p.add_argument("--status", choices=["pending", "delivered"])
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_subscriptions)
    p = subscriptions.add_parser("replay", help="send a delivery again now")
    store_options(p)
    p.add_argument("delivery_id", type=int)
    p.set_defaults(func=cmd_subscriptions)
    p = subscriptions.add_parser("worker", help="run the delivery worker (the server runs one too)")
    store_options(p)
    p.add_argument("--interval", type=float, default=0.5)
    p.add_argument("--once", action="store_true", help="one pass, then exit")
    p.set_defaults(func=cmd_subscriptions)
