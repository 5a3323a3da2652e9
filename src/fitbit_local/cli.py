"""The ``fitbit-local`` command: serve, users, apps, tokens, generate, clock, faults.

Every admin command prints one JSON object with ``--json`` (other tools script it) and readable lines without.
Errors go to stderr with exit status 2 (bad input) or 1 (anything else); with ``--json`` a bad-input error is also
printed to stdout as ``{"error": "<message>"}``, the shape the /_sandbox API answers with.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import orjson

from fitbit_local.config import Settings
from fitbit_local.console.cli import add_console_commands
from fitbit_local.notify.commands import add_subscription_commands
from fitbit_local.oauth.scopes import ALL_SCOPES, parse_scope_param, unknown_scopes
from fitbit_local.services import Services
from fitbit_local.sources.takeout.cli import add_takeout_commands


class CommandError(Exception):
    """A user mistake: printed without a traceback, exit status 2."""


def _emit(args: argparse.Namespace, payload: dict[str, Any]) -> None:
    if getattr(args, "json", False):
        sys.stdout.write(orjson.dumps(payload).decode() + "\n")
        return
    for key, value in payload.items():
        if isinstance(value, list | dict):
            value = orjson.dumps(value).decode()
        sys.stdout.write(f"{key}: {value}\n")


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if getattr(args, "data", None):
        settings.data_dir = args.data
    if getattr(args, "database_url", None):
        settings.database_url = args.database_url
    return settings


def _services(args: argparse.Namespace) -> Services:
    return Services.build(_settings(args))


def _user_or_fail(services: Services, user_ref: str):
    user = services.store.users.find(user_ref)
    if user is None:
        raise CommandError(f"no user {user_ref!r}")
    return user


# --- users -------------------------------------------------------------------------------------------------------


def cmd_users_create(args: argparse.Namespace) -> None:
    from fitbit_local.api.params import local_today
    from fitbit_local.sources.load import NewUser, create_user_with_history
    from fitbit_local.store.users import check_timezone

    services = _services(args)
    today = services.clock.now_datetime().date()
    try:
        new = NewUser(
            name=args.name,
            password=args.password,
            timezone=args.timezone,
            locale=args.locale,
            birth_date=date.fromisoformat(args.birth_date),
            sex=args.sex.upper(),
            height_cm=args.height_cm,
            weight_kg=args.weight_kg,
        ).with_body(args.seed)
        if args.synthetic_days is None:
            user = services.store.users.create(**asdict(new), member_since=today)
            _emit(args, user.to_json())
            return
        if args.synthetic_days < 1:
            raise CommandError("--synthetic-days must be at least 1")
        check_timezone(new.timezone)
        # all or nothing: a killed run leaves no visible user, and the same command run again finishes the job
        user, stored = create_user_with_history(
            services.store,
            new,
            days=args.synthetic_days,
            seed=args.seed,
            end=local_today(new.timezone, services.clock.now()),
            member_since=today,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    _emit(args, {**user.to_json(), "synthetic_days": stored})


def cmd_users_list(args: argparse.Namespace) -> None:
    services = _services(args)
    _emit(args, {"users": [u.to_json() for u in services.store.users.list()]})


# --- apps --------------------------------------------------------------------------------------------------------


def cmd_apps_create(args: argparse.Namespace) -> None:
    services = _services(args)
    if args.owner and services.store.users.get(args.owner) is None:
        raise CommandError(f"no user {args.owner!r}")
    try:
        app, secret = services.store.apps.create(
            name=args.name,
            app_type=args.type,
            redirect_uris=args.redirect_uri,
            owner_user_id=args.owner,
            read_only=args.read_only,
            intraday=args.intraday,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    _emit(args, {**app.to_json(), "client_secret": secret})


def cmd_apps_update(args: argparse.Namespace) -> None:
    services = _services(args)
    try:
        app = services.store.apps.update(
            args.client_id,
            app_type=args.type,
            intraday=args.intraday,
            read_only=args.read_only,
            owner_user_id=args.owner,
            redirect_uris=args.redirect_uri,
        )
    except KeyError as exc:
        raise CommandError(f"no app {args.client_id!r}") from exc
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    _emit(args, app.to_json())


def cmd_apps_list(args: argparse.Namespace) -> None:
    services = _services(args)
    _emit(args, {"apps": [a.to_json() for a in services.store.apps.list()]})


# --- tokens ------------------------------------------------------------------------------------------------------


def cmd_tokens_issue(args: argparse.Namespace) -> None:
    from fitbit_local.oauth.tokens import CODE_FLOW_LIFETIME, issue_for_consent

    services = _services(args)
    app = services.store.apps.get(args.app)
    if app is None:
        raise CommandError(f"no app {args.app!r}")
    user = _user_or_fail(services, args.user)
    scopes = parse_scope_param(args.scope)
    bad = unknown_scopes(scopes)
    if bad or not scopes:
        raise CommandError(
            f"unknown scopes: {' '.join(bad) or '(none given)'}; known: {' '.join(ALL_SCOPES)}"
        )
    body = issue_for_consent(
        services.store.engine,
        signing_key=services.signing_key,
        app=app,
        user_id=user.id,
        granted=set(scopes),
        now=services.clock.now(),
        expires_in=args.expires_in or CODE_FLOW_LIFETIME,
    )
    _emit(args, body)


# --- data --------------------------------------------------------------------------------------------------------


def _generate(services: Services, user, days: int, end: str | None, seed: int | None) -> int:
    from fitbit_local.api.params import local_today
    from fitbit_local.sources.load import history_seed, store_synthetic_days

    if days < 1:
        raise CommandError("--days must be at least 1")
    try:
        end_day = date.fromisoformat(end) if end else local_today(user.current_timezone, services.clock.now())
    except ValueError as exc:
        raise CommandError(f"--end: {exc}") from exc
    return store_synthetic_days(services.store, user, days=days, end=end_day, seed=history_seed(user, seed))


def cmd_generate(args: argparse.Namespace) -> None:
    services = _services(args)
    user = _user_or_fail(services, args.user)
    stored = _generate(services, user, args.days, args.end, args.seed)
    _emit(args, {"user_id": user.id, "days": stored})


# --- clock and faults --------------------------------------------------------------------------------------------


def cmd_clock(args: argparse.Namespace) -> None:
    from fitbit_local.sandbox import parse_duration, parse_instant

    services = _services(args)
    try:
        if args.clock_command == "set":
            services.clock.set(parse_instant(args.instant), frozen=args.frozen)
        elif args.clock_command == "advance":
            services.clock.advance(parse_duration(args.duration))
        elif args.clock_command == "reset":
            services.clock.reset()
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    _emit(args, services.clock.describe())


def cmd_faults(args: argparse.Namespace) -> None:
    from fitbit_local.sandbox import fault_error_key, injectable_errors

    services = _services(args)
    store = services.store.faults
    if args.faults_command == "add":
        try:
            fault = store.add_fault(
                fault_error_key(args.status, args.error),
                client_id=args.app,
                user_id=args.user,
                path_prefix=args.path_prefix,
                count=args.count,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        _emit(args, fault.to_json())
    elif args.faults_command == "list":
        _emit(args, {"faults": [f.to_json() for f in store.list_faults()]})
    elif args.faults_command == "clear":
        _emit(args, {"removed": store.clear_faults(args.id)})
    else:
        _emit(args, {"errors": injectable_errors()})


# --- serve -------------------------------------------------------------------------------------------------------


def serve_settings(args: argparse.Namespace) -> Settings:
    """The environment's settings with the `serve` flags applied on top."""
    settings = _settings(args)
    settings.rate_limit = args.rate_limit if args.rate_limit is not None else settings.rate_limit
    if args.redis_url:
        settings.redis_url = args.redis_url
        settings.rate_limit_backend = "redis"
    if args.workers > 1 and settings.rate_limit_backend == "memory":
        settings.rate_limit_backend = "sql"  # counters must be shared by the workers
    if args.oauth_strict:
        settings.oauth_strict = True
    return settings


def event_loop_and_http(loop: str, http: str) -> tuple[str, str]:
    """uvicorn's `loop` and `http` settings for `serve`: uvloop and httptools (``uvicorn[standard]``) when they are
    installed, asyncio and h11 otherwise; an explicit choice is kept."""
    if loop == "auto":
        loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    if http == "auto":
        http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, http


def cmd_serve(args: argparse.Namespace) -> None:
    import logging

    import uvicorn

    from fitbit_local.protocols import http_protocol

    settings = serve_settings(args)
    services = Services.build(settings)
    if args.demo:
        from fitbit_local.demo import ensure_demo, print_demo

        store_option = (
            f"--database-url {settings.database_url}"
            if settings.database_url
            else f"--data {settings.data_dir}"
        )
        print_demo(ensure_demo(services), f"http://{args.host}:{args.port}", store_option)
    loop, http = event_loop_and_http(args.loop, args.http)
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "loop": loop,
        "http": http_protocol(http),  # uvicorn's, answering unparseable requests in Fitbit's envelope
        "log_level": args.log_level,
        "access_log": False,
    }
    if args.workers > 1:
        os.environ.update(
            {
                "FITBIT_LOCAL_DATA": settings.data_dir,
                "FITBIT_LOCAL_DATABASE_URL": settings.database_url or "",
                "FITBIT_LOCAL_RATE_LIMIT": str(settings.rate_limit),
                "FITBIT_LOCAL_RATE_LIMIT_BACKEND": settings.rate_limit_backend,
                "FITBIT_LOCAL_REDIS_URL": settings.redis_url or "",
                "FITBIT_LOCAL_OAUTH_STRICT": "1" if settings.oauth_strict else "0",
            }
        )
        target: Any = "fitbit_local.app:app_from_env"
        options.update(factory=True, workers=args.workers)
    else:
        from fitbit_local.app import create_app, settle_for_serving

        target = create_app(services)
        settle_for_serving()
    uvicorn.Config(target, **options)  # sets up uvicorn's log handlers, so this line shows like uvicorn's own
    logging.getLogger("uvicorn.error").info(
        "fitbit-local: event loop %s, HTTP parser %s, %d worker(s)", loop, http, args.workers
    )
    uvicorn.run(target, **options)


# --- parser ------------------------------------------------------------------------------------------------------


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="directory holding the SQLite database (default ./fitbit-local-data)")
    parser.add_argument(
        "--database-url", help="e.g. postgresql+psycopg://user@127.0.0.1/db (instead of --data)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fitbit-local", description="A self-hosted Fitbit Web API.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API server")
    _store_options(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--demo", action="store_true", help="create demo apps and synthetic users; print credentials"
    )
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--rate-limit", type=int, help="requests per hour per user and app (0 = off; default 150)"
    )
    serve.add_argument("--redis-url", help="share rate-limit counters through Redis")
    serve.add_argument(
        "--oauth-strict",
        action="store_true",
        help="OAuth as RFC 9700 asks instead of as Fitbit did (see docs/oauth.md, Strict mode)",
    )
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--loop",
        default="auto",
        choices=["auto", "uvloop", "asyncio"],
        help="event loop (auto: uvloop if installed)",
    )
    serve.add_argument(
        "--http",
        default="auto",
        choices=["auto", "httptools", "h11"],
        help="HTTP parser (auto: httptools if installed)",
    )
    serve.set_defaults(func=cmd_serve)

    users = sub.add_parser("users", help="manage users").add_subparsers(dest="users_command", required=True)
    create = users.add_parser("create")
    _store_options(create)
    create.add_argument("--name", default="user")
    create.add_argument("--password", default="password")
    create.add_argument("--timezone", default="UTC")
    create.add_argument("--locale", default="en_US")
    create.add_argument("--birth-date", default="1990-01-01")
    create.add_argument("--sex", default="NA", choices=["MALE", "FEMALE", "NA", "male", "female", "na"])
    create.add_argument("--height-cm", type=float, help="default: drawn by sex and age")
    create.add_argument("--weight-kg", type=float, help="default: drawn by sex and age")
    create.add_argument("--synthetic-days", type=int, help="also generate this many days of synthetic data")
    create.add_argument("--seed", type=int)
    create.set_defaults(func=cmd_users_create)
    listing = users.add_parser("list")
    _store_options(listing)
    listing.set_defaults(func=cmd_users_list)

    apps = sub.add_parser("apps", help="manage registered apps").add_subparsers(
        dest="apps_command", required=True
    )
    create = apps.add_parser("create")
    _store_options(create)
    create.add_argument("--name", required=True)
    create.add_argument("--type", required=True, choices=["server", "client", "personal"])
    create.add_argument("--redirect-uri", action="append", required=True)
    create.add_argument("--owner", help="the owner's encoded user id (Personal apps)")
    create.add_argument("--read-only", action="store_true")
    create.add_argument(
        "--intraday", action="store_true", help="grant intraday access (Server and Client apps)"
    )
    create.set_defaults(func=cmd_apps_create)
    update = apps.add_parser("update")
    _store_options(update)
    update.add_argument("client_id")
    update.add_argument("--type", choices=["server", "client", "personal"])
    update.add_argument("--owner")
    update.add_argument("--intraday", dest="intraday", action="store_true", default=None)
    update.add_argument("--no-intraday", dest="intraday", action="store_false")
    update.add_argument("--read-only", dest="read_only", action="store_true", default=None)
    update.add_argument("--read-write", dest="read_only", action="store_false")
    update.add_argument(
        "--redirect-uri", action="append", help="replaces the registered redirect URIs (repeat for several)"
    )
    update.set_defaults(func=cmd_apps_update)
    listing = apps.add_parser("list")
    _store_options(listing)
    listing.set_defaults(func=cmd_apps_list)

    tokens = sub.add_parser("tokens", help="issue tokens").add_subparsers(
        dest="tokens_command", required=True
    )
    issue = tokens.add_parser("issue", help="the token response, as if the user had consented")
    _store_options(issue)
    issue.add_argument("--app", required=True)
    issue.add_argument("--user", required=True)
    issue.add_argument("--scope", default=" ".join(ALL_SCOPES))
    issue.add_argument("--expires-in", type=int)
    issue.set_defaults(func=cmd_tokens_issue)

    generate = sub.add_parser("generate", help="generate synthetic data for a user")
    _store_options(generate)
    generate.add_argument("--user", required=True)
    generate.add_argument("--days", type=int, required=True)
    generate.add_argument("--end", help="last day (default: the user's today)")
    generate.add_argument("--seed", type=int)
    generate.set_defaults(func=cmd_generate)

    from fitbit_local.sleep_commands import add_sleep_commands  # issue 10: sleep regenerate

    add_sleep_commands(sub)

    clock = sub.add_parser("clock", help="the sandbox clock").add_subparsers(
        dest="clock_command", required=True
    )
    for name in ("show", "reset"):
        p = clock.add_parser(name)
        _store_options(p)
        p.set_defaults(func=cmd_clock)
    p = clock.add_parser("set")
    _store_options(p)
    p.add_argument("instant", help="ISO 8601, e.g. 2026-01-15T08:00:00Z")
    p.add_argument("--frozen", action="store_true", help="stop the clock at that instant")
    p.set_defaults(func=cmd_clock)
    p = clock.add_parser("advance")
    _store_options(p)
    p.add_argument("duration", help="e.g. 3600, 90s, 15m, 2h, 1d, PT1H")
    p.set_defaults(func=cmd_clock)

    faults = sub.add_parser("faults", help="inject documented errors").add_subparsers(
        dest="faults_command", required=True
    )
    p = faults.add_parser("add")
    _store_options(p)
    p.add_argument("--status", type=int)
    p.add_argument("--error", help="a catalogue key (see `faults errors`)")
    p.add_argument("--app")
    p.add_argument("--user")
    p.add_argument("--path-prefix")
    p.add_argument("--count", type=int, help="fire this many times, then stop (default: until cleared)")
    p.set_defaults(func=cmd_faults)
    for name in ("list", "errors"):
        p = faults.add_parser(name)
        _store_options(p)
        p.set_defaults(func=cmd_faults)
    p = faults.add_parser("clear")
    _store_options(p)
    p.add_argument("--id", type=int)
    p.set_defaults(func=cmd_faults)
    add_subscription_commands(sub, apps)  # issue 13: apps subscriber …, subscriptions …
    add_console_commands(sub)
    add_takeout_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except CommandError as exc:
        if getattr(args, "json", False):
            sys.stdout.write(orjson.dumps({"error": str(exc)}).decode() + "\n")
        sys.stderr.write(f"fitbit-local: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
