"""The operations the console, the CLI (console/cli.py) and the admin API share: a user's authorised apps and
revoking one, the rate-limit state per app and user, and resetting the sandbox (the SQL is the store's)."""

from __future__ import annotations

from fitbit_local.services import Services
from fitbit_local.store.grants import AuthorisedApp
from fitbit_local.store.request_log import QuotaState, clear_requests, latest_quotas


def authorised_apps(services: Services, user_id: str) -> list[AuthorisedApp]:
    """The apps `user_id` has authorised, with the scopes granted (Fitbit's "Apps" settings page)."""
    return services.store.grants.authorised_apps(user_id)


def revoke_app(services: Services, user_id: str, client_id: str) -> bool:
    """The user withdraws the app's access: the grant and its tokens go, subscribers hear userRevokedAccess."""
    if not any(a.client_id == client_id for a in authorised_apps(services, user_id)):
        return False
    with services.store.write() as tx:
        services.store.grants.revoke_user_app(tx, client_id, user_id, user_revoked=True)
    return True


def rate_limit_state(services: Services) -> list[QuotaState]:
    """Per app and user, the quota left as the last response of the current hour reported it (its
    ``Fitbit-Rate-Limit-Remaining``, from the request log): the same figure whatever counter backend runs."""
    now = services.clock.now()
    return latest_quotas(services.store.engine, since=now - now % 3600)


def reset_sandbox(services: Services) -> dict[str, object]:
    """The clock back to real time, every fault cleared, the request log emptied. Users, apps and grants stay."""
    services.clock.reset()
    removed = services.store.faults.clear_faults(None)
    logged = clear_requests(services.store.engine)
    return {"clock": services.clock.describe(), "faults_removed": removed, "requests_removed": logged}
