"""POST /oauth2/token, POST /oauth2/revoke and POST /oauth2/recover, framework-neutral: merged parameters and the
Authorization header in, a JSON body out (or a catalogue error).

Order: injected fault (matched on the path and the client id the request claims) → client authentication (401
rows) → grant_type → the grant's own checks. The password grant is not supported (anchors T7).
"""

from __future__ import annotations

import secrets

from fitbit_local.edge import raise_injected_fault
from fitbit_local.errors import FitbitError
from fitbit_local.oauth import code_grant, refresh, revocation
from fitbit_local.oauth.client_auth import authenticate_client, claimed_client_id
from fitbit_local.oauth.params import OAuthParams
from fitbit_local.oauth.tokens import sign_jwt
from fitbit_local.services import Services

CLIENT_CREDENTIALS_LIFETIMES = (
    3_600,
    28_800,
    86_400,
    604_800,
    2_592_000,
    31_536_000,
)  # [DOC client-credentials]
CLIENT_CREDENTIALS_DEFAULT = 28_800


def check_fault(services: Services, path: str, authorization: str | None, params: OAuthParams) -> None:
    raise_injected_fault(services, path, claimed_client_id(authorization, params), None)


def token(services: Services, path: str, authorization: str | None, params: OAuthParams) -> dict[str, object]:
    check_fault(services, path, authorization, params)
    grant_type = params.get("grant_type")
    basic_only = grant_type == "client_credentials"
    app = authenticate_client(services.store.apps, authorization, params, basic_required=basic_only)
    if grant_type is None:
        raise FitbitError("grant_type_missing")
    if grant_type == "authorization_code":
        return code_grant.exchange(services, app, params)
    if grant_type == "refresh_token":
        return refresh.refresh(services, app, params)
    if grant_type == "client_credentials":
        return client_credentials(services, app.client_id, params)
    raise FitbitError("unsupported_grant_type")


def client_credentials(services: Services, client_id: str, params: OAuthParams) -> dict[str, object]:
    """A token for Fitbit's Commerce APIs, which this server does not emulate: signed, Fitbit-shaped, but with no
    user, no scopes, no refresh token and no database row, so every user-data endpoint answers 401 invalid_token
    and introspection reports it inactive."""
    try:
        expires_in = int(params.get("expires_in") or CLIENT_CREDENTIALS_DEFAULT)
    except ValueError:
        expires_in = CLIENT_CREDENTIALS_DEFAULT
    if expires_in not in CLIENT_CREDENTIALS_LIFETIMES:
        expires_in = CLIENT_CREDENTIALS_DEFAULT
    iat = int(services.clock.now())
    claims = {
        "aud": client_id,
        "iss": "Fitbit",
        "typ": "client_access_token",
        "scopes": "",
        "exp": iat + expires_in,
        "iat": iat,
        "jti": secrets.token_hex(8),
    }
    return {
        "access_token": sign_jwt(claims, services.signing_key),
        "expires_in": expires_in,
        "scope": "",
        "token_type": "Bearer",
    }


def revoke(
    services: Services, path: str, authorization: str | None, params: OAuthParams
) -> dict[str, object]:
    check_fault(services, path, authorization, params)
    app = revocation.authenticate_revoker(services.store, authorization, params)
    revocation.revoke(services.store, app, params.get("token"))
    return {}


def recover(
    services: Services, path: str, authorization: str | None, params: OAuthParams
) -> dict[str, object]:
    check_fault(services, path, authorization, params)
    app = authenticate_client(services.store.apps, authorization, params, basic_required=True)
    return refresh.recover(services, app, params)
