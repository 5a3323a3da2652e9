"""Client authentication at the token, revoke and recover endpoints, per Fitbit application type.

* Server apps must prove the secret: `Authorization: Basic base64(id:secret)` or `client_id` + `client_secret` in
  the body (fitbit-data-pipeline sends body only).
* Client apps identify themselves with `client_id` in the body; a Basic header is fine too (with the correct
  secret, or an empty secret as some public clients send).
* Personal apps may do either.
* A Basic header and body credentials together must agree.

Every failure is a 401 `invalid_client` catalogue row; the caller adds `WWW-Authenticate: Basic realm=...`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from fitbit_local.errors import FitbitError
from fitbit_local.ids import secret_matches
from fitbit_local.oauth.params import OAuthParams
from fitbit_local.store.apps import App, AppRepository

BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="api.fitbit.com"'}


@dataclass(frozen=True)
class BasicCredentials:
    client_id: str
    secret: str


def parse_basic(header: str) -> BasicCredentials:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise FitbitError("client_auth_method_incorrect")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError) as exc:
        raise FitbitError("client_auth_header_format") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id:
        raise FitbitError("client_auth_header_format")
    return BasicCredentials(client_id, secret)


def claimed_client_id(authorization: str | None, params: OAuthParams) -> str | None:
    """The client id a request claims, before any check (used to match injected faults)."""
    if authorization:
        try:
            return parse_basic(authorization).client_id
        except FitbitError:
            return None
    return params.get("client_id")


def authenticate_client(
    apps: AppRepository, authorization: str | None, params: OAuthParams, *, basic_required: bool = False
) -> App:
    """The authenticated app, or a 401 catalogue error. `basic_required`: the endpoint only takes Basic
    (client credentials, recovery)."""
    basic = parse_basic(authorization) if authorization else None
    body_id = params.get("client_id")
    body_secret = params.get("client_secret")
    if basic is None and (basic_required or body_id is None):
        raise FitbitError("client_auth_header_required")
    client_id = basic.client_id if basic is not None else body_id
    assert client_id is not None
    if basic is not None and body_id is not None and body_id != basic.client_id:
        raise FitbitError("client_id_invalid")
    app = apps.get(client_id) if len(client_id) <= 64 else None
    if app is None:
        raise FitbitError("client_id_invalid")
    presented = [s for s in (basic.secret if basic is not None else None, body_secret) if s]
    for secret in presented:
        if not secret_matches(secret, app.secret_hash):
            raise FitbitError("client_secret_invalid")
    if not presented and (app.app_type == "server" or basic_required):
        # A Server app (or a Basic-only endpoint) without a secret: the header it needed is missing.
        if basic is not None:
            raise FitbitError("client_secret_invalid")
        raise FitbitError("client_auth_header_required")
    return app
