"""Build real state through the public store and token APIs (no row poking)."""

from __future__ import annotations

from dataclasses import dataclass

from fitbit_local.oauth.scopes import ALL_SCOPES
from fitbit_local.oauth.tokens import CODE_FLOW_LIFETIME, issue_for_consent
from fitbit_local.services import Services
from fitbit_local.store.apps import App
from fitbit_local.store.users import User

SEED_SCOPES = (
    "temperature location oxygen_saturation heartrate sleep activity settings profile weight cardio_fitness "
    "nutrition respiratory_rate electrocardiogram social"
)


@dataclass
class RegisteredApp:
    app: App
    secret: str

    @property
    def client_id(self) -> str:
        return self.app.client_id


def make_user(services: Services, name: str = "ann", password: str = "correct horse", **kw: object) -> User:
    return services.store.users.create(name=name, password=password, **kw)  # type: ignore[arg-type]


def make_app(
    services: Services,
    app_type: str = "server",
    *,
    name: str | None = None,
    redirect_uris: list[str] | None = None,
    owner: str | None = None,
    read_only: bool = False,
    intraday: bool = False,
) -> RegisteredApp:
    app, secret = services.store.apps.create(
        name=name or f"{app_type} app",
        app_type=app_type,
        redirect_uris=redirect_uris or ["https://client.example/callback"],
        owner_user_id=owner,
        read_only=read_only,
        intraday=intraday,
    )
    return RegisteredApp(app, secret)


def issue_token(
    services: Services,
    client_id: str,
    user_id: str,
    scopes: str = " ".join(ALL_SCOPES),
    expires_in: int = CODE_FLOW_LIFETIME,
) -> dict[str, object]:
    """The token-endpoint response a consenting user would have produced (what `fitbit-local tokens issue` does)."""
    app = services.store.apps.get(client_id)
    assert app is not None
    return issue_for_consent(
        services.store.engine,
        signing_key=services.signing_key,
        app=app,
        user_id=user_id,
        granted=set(scopes.split()),
        now=services.clock.now(),
        expires_in=expires_in,
    )


def bearer(token: dict[str, object] | str) -> dict[str, str]:
    value = token if isinstance(token, str) else str(token["access_token"])
    return {"Authorization": f"Bearer {value}"}
