"""grant_type=authorization_code: single use (an atomic UPDATE … WHERE used_at IS NULL), 10-minute life on the
sandbox clock, bound to the client and to the redirect_uri as sent on /authorize, PKCE in both directions.

A second exchange of a code is `invalid_grant` and revokes the user's grant to the app, which takes every token
issued from that code with it (RFC 6749 §4.1.2 SHOULD; see docs/oauth.md).
"""

from __future__ import annotations

import re

from fitbit_local.errors import FitbitError
from fitbit_local.ids import token_hash
from fitbit_local.oauth import pkce
from fitbit_local.oauth import scopes as scope_names
from fitbit_local.oauth.params import OAuthParams
from fitbit_local.oauth.tokens import CODE_FLOW_LIFETIME, issue_tokens
from fitbit_local.services import Services
from fitbit_local.store.apps import App

_CODE = re.compile(r"[0-9a-f]{40}")


def _check_redirect(app: App, bound: str | None, sent: str | None) -> None:
    if bound is not None:
        if sent is None:
            raise FitbitError("redirect_uri_mismatch_missing")
        if sent != bound:
            raise FitbitError("redirect_uri_mismatch", redirect_uri=sent)
    elif sent is not None and sent not in app.redirect_uris:
        # omitted on /authorize (the app's only URI was used): a URI sent now must be that one
        raise FitbitError("redirect_uri_mismatch", redirect_uri=sent)


def exchange(services: Services, app: App, params: OAuthParams) -> dict[str, object]:
    code = params.get("code")
    if code is None:
        raise FitbitError("code_missing")
    if not _CODE.fullmatch(code):
        raise FitbitError("code_invalid_request", code=code)
    store = services.store
    digest = token_hash(code)
    row = store.grants.authorization_code(digest)
    if row is None or row.client_id != app.client_id:
        raise FitbitError("code_invalid_grant", code=code)
    if row.used_at is not None:
        _revoke_after_reuse(services, row.client_id, row.user_id)
        raise FitbitError("code_invalid_grant", code=code)
    if row.expires_at <= services.clock.now():
        raise FitbitError("code_expired", code=code)
    _check_redirect(app, row.redirect_uri, params.get("redirect_uri"))
    pkce.check_verifier(params.get("code_verifier"), row.code_challenge, row.code_challenge_method)
    with store.write() as tx:
        if store.grants.claim_code(tx, digest):
            grant_id = store.grants.save_grant(
                tx, app.client_id, row.user_id, scope_names.canonical(row.scopes)
            )
            return issue_tokens(
                tx,
                store.grants,
                signing_key=services.signing_key,
                app=app,
                user_id=row.user_id,
                grant_id=grant_id,
                granted=row.scopes,
                expires_in=CODE_FLOW_LIFETIME,
            )
    # Lost the race to a concurrent exchange of the same code (anchors C3): that is a reuse too.
    _revoke_after_reuse(services, row.client_id, row.user_id)
    raise FitbitError("code_invalid_grant", code=code)


def _revoke_after_reuse(services: Services, client_id: str, user_id: str) -> None:
    with services.store.write() as tx:  # a security revocation, not the user's: no userRevokedAccess
        services.store.grants.revoke_user_app(tx, client_id, user_id, user_revoked=False)
