"""``fitbit-local serve --demo``: one app of each type and synthetic users with months of data, created once."""

from __future__ import annotations

import base64
import hashlib
import secrets
import shlex
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from fitbit_local.api.params import local_today
from fitbit_local.services import Services
from fitbit_local.store.apps import App
from fitbit_local.store.users import User

DEMO_DAYS = 120
DEMO_REDIRECT_URI = "http://localhost:8000/callback"
DEMO_PASSWORD = "demo-password"
SEED_SCOPES = (
    "temperature location oxygen_saturation heartrate sleep activity settings profile weight cardio_fitness "
    "nutrition respiratory_rate electrocardiogram social"
)


@dataclass(frozen=True)
class _DemoPerson:
    name: str
    timezone: str
    birth_date: date
    sex: str
    height_cm: float
    weight_kg: float
    seed: int


_USERS = (
    _DemoPerson("demo", "America/New_York", date(1988, 4, 12), "FEMALE", 166.0, 61.5, seed=1),
    _DemoPerson("alex", "Europe/London", date(1979, 9, 3), "MALE", 181.0, 83.0, seed=2),
)


def _command() -> str:
    """How to run the CLI from here: the script beside this Python (the venv's), else the name on PATH."""
    beside = Path(sys.executable).with_name("fitbit-local")
    return shlex.quote(str(beside)) if beside.exists() else "fitbit-local"


@dataclass
class Demo:
    users: list[User]
    apps: list[tuple[App, str | None]]  # the secret only when this run created the app


def ensure_demo(services: Services) -> Demo:
    from fitbit_local.sources.load import NewUser, create_user_with_history

    store = services.store
    users: list[User] = []
    for spec in _USERS:
        user = store.users.find(spec.name)
        if user is None:  # never created, or its creation was interrupted: (re)create it with its history
            today = local_today(spec.timezone, services.clock.now())
            user, _ = create_user_with_history(
                store,
                NewUser(
                    name=spec.name,
                    password=DEMO_PASSWORD,
                    timezone=spec.timezone,
                    birth_date=spec.birth_date,
                    sex=spec.sex,
                    height_cm=spec.height_cm,
                    weight_kg=spec.weight_kg,
                ),
                days=DEMO_DAYS,
                seed=spec.seed,
                end=today,
                member_since=today,
            )
        users.append(user)
    owner = users[0]
    apps: list[tuple[App, str | None]] = []
    for app_type in ("server", "client", "personal"):
        name = f"Demo {app_type.capitalize()} App"
        existing = store.apps.find_by_name(name)
        if existing is not None:
            apps.append((existing, None))
            continue
        app, secret = store.apps.create(
            name=name,
            app_type=app_type,
            redirect_uris=[DEMO_REDIRECT_URI],
            owner_user_id=owner.id if app_type == "personal" else None,
        )
        apps.append((app, secret))
    return Demo(users, apps)


def authorize_url(base_url: str, app: App) -> tuple[str, str]:
    """A ready-made PKCE authorize URL and its code_verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode(
        {
            "client_id": app.client_id,
            "response_type": "code",
            "scope": SEED_SCOPES,
            "redirect_uri": app.redirect_uris[0],
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": secrets.token_urlsafe(8),
        }
    )
    return f"{base_url}/oauth2/authorize?{query}", verifier


def print_demo(demo: Demo, base_url: str, store_option: str) -> None:
    """Print credentials; `store_option` is the CLI option naming this database (``--data DIR``)."""
    lines = [
        f"Console: {base_url}/console/  (apps, the OAuth 2.0 tutorial, users' charts, the request log, sandbox)",
        "",
        "fitbit-local demo (synthetic data)",
        "",
        "Users (sign in on the consent page with name or id):",
    ]
    for user in demo.users:
        lines.append(
            f"  {user.name:6} id {user.id}  password {DEMO_PASSWORD}  timezone {user.current_timezone}"
        )
    lines += ["", "Apps:"]
    for app, secret in demo.apps:
        shown = secret if secret else "(shown when first created)"
        owner = f"  owner {app.owner_user_id}" if app.owner_user_id else ""
        lines.append(f"  {app.app_type:8} client_id {app.client_id}  client_secret {shown}{owner}")
    server_app = next(app for app, _ in demo.apps if app.app_type == "server")
    url, verifier = authorize_url(base_url, server_app)
    lines += [
        "",
        "Authorize the Server app (then exchange the code at POST /oauth2/token with Basic auth):",
        f"  {url}",
        f"  code_verifier: {verifier}",
        f"  redirect_uri: {DEMO_REDIRECT_URI}",
        "",
        "Or mint a token directly:",
        f"  {_command()} tokens issue {store_option} --app {server_app.client_id} --user {demo.users[0].id} "
        f'--scope "{SEED_SCOPES}"',
        "",
    ]
    print("\n".join(lines), flush=True)
