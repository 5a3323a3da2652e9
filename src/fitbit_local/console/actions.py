"""The operations the console, the CLI (console/cli.py) and the admin API share beyond what store/ offers: a user's
authorised apps and revoking one, the rate-limit state per app and user, and resetting the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from fitbit_local.services import Services
from fitbit_local.store.request_log import clear_requests
from fitbit_local.store.schema import apps, grants, request_log


@dataclass(frozen=True)
class AuthorisedApp:
    client_id: str
    name: str
    app_type: str
    scopes: tuple[str, ...]
    granted_at: float

    def to_json(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "name": self.name,
            "type": self.app_type,
            "scopes": list(self.scopes),
            "granted_at": self.granted_at,
        }


def authorised_apps(services: Services, user_id: str) -> list[AuthorisedApp]:
    """The apps `user_id` has authorised, with the scopes granted (Fitbit's "Apps" settings page)."""
    query = (
        select(apps.c.client_id, apps.c.name, apps.c.app_type, grants.c.scopes, grants.c.created_at)
        .join(grants, grants.c.client_id == apps.c.client_id)
        .where(grants.c.user_id == user_id)
        .order_by(grants.c.created_at)
    )
    with services.store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        AuthorisedApp(r.client_id, r.name, r.app_type, tuple(r.scopes.split()), r.created_at) for r in rows
    ]


def revoke_app(services: Services, user_id: str, client_id: str) -> bool:
    """The user withdraws the app's access: the grant and its tokens go, subscribers hear userRevokedAccess."""
    if not any(a.client_id == client_id for a in authorised_apps(services, user_id)):
        return False
    with services.store.write() as tx:
        services.store.grants.revoke_user_app(tx, client_id, user_id, user_revoked=True)
    return True


@dataclass(frozen=True)
class QuotaState:
    client_id: str
    user_id: str
    remaining: int
    seen_at: float


def rate_limit_state(services: Services) -> list[QuotaState]:
    """Per app and user, the quota left as the last response of the current hour reported it (its
    ``Fitbit-Rate-Limit-Remaining``, from the request log): the same figure whatever counter backend runs."""
    now = services.clock.now()
    hour_start = now - now % 3600
    newest = (
        select(func.max(request_log.c.id).label("id"))
        .where(
            request_log.c.recorded_at >= hour_start,
            request_log.c.rate_remaining.is_not(None),
            request_log.c.client_id.is_not(None),
            request_log.c.user_id.is_not(None),
        )
        .group_by(request_log.c.client_id, request_log.c.user_id)
        .subquery()
    )
    query = (
        select(request_log).join(newest, newest.c.id == request_log.c.id).order_by(request_log.c.id.desc())
    )
    with services.store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [QuotaState(r.client_id, r.user_id, r.rate_remaining, r.recorded_at) for r in rows]


def reset_sandbox(services: Services) -> dict[str, object]:
    """The clock back to real time, every fault cleared, the request log emptied. Users, apps and grants stay."""
    services.clock.reset()
    removed = services.store.faults.clear_faults(None)
    logged = clear_requests(services.store.engine)
    return {"clock": services.clock.describe(), "faults_removed": removed, "requests_removed": logged}
