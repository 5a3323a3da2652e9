"""Why a request was refused, in plain words: which step refused it, why, and what would fix it.

The sentence travels with the refusal in a header of our own, ``X-Fitbit-Local-Explanation``, beside Fitbit's
unchanged body and headers (a client cannot tell), and into the request log the console shows. The steps are the
resource pipeline's (api/pipeline.py) and the token endpoint's (oauth/routes.py); the texts read the token and the
app as they are now, so "the token was issued before the grant" can be told apart from "the app has no grant".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fitbit_local.errors import FitbitError

if TYPE_CHECKING:
    from fitbit_local.api.registry import Endpoint
    from fitbit_local.services import Services
    from fitbit_local.store.grants import AccessToken
    from fitbit_local.store.users import User

EXPLANATION_HEADER = "X-Fitbit-Local-Explanation"
NEW_TOKEN = "then take a new token (tokens issued before the change keep the old permission)"
_MAX_LENGTH = 600


def header_value(text: str) -> str:
    """Printable ASCII only (a header cannot carry a newline, and Starlette encodes headers as latin-1), bounded:
    error messages quote request values, which may hold anything."""
    clean = "".join(c if " " <= c <= "~" else "?" for c in text)
    return clean if len(clean) <= _MAX_LENGTH else clean[: _MAX_LENGTH - 3] + "..."


def _app_label(services: Services, client_id: str, app_type: str | None = None) -> str:
    app = services.store.apps.get(client_id)
    kind = (app_type or (app.app_type if app else "")).capitalize()
    return f"{kind} app {client_id}".strip()


def explain_intraday(services: Services, token: AccessToken, user: User) -> str:
    app = services.store.apps.get(token.client_id)
    label = f"{token.app_type.capitalize()} app {token.client_id}"
    if token.app_type == "personal":
        if token.owner_user_id is None:
            return (
                f"intraday denied: {label} has no owner, and a Personal app reads intraday data only of its owner; "
                f"set the owner (fitbit-local apps update {token.client_id} --owner USER), {NEW_TOKEN}"
            )
        return (
            f"intraday denied: {label} reads intraday data only of its owner ({token.owner_user_id}), and this "
            f"token is for user {user.id}; use a Server or Client app with an intraday grant for other users"
        )
    if app is not None and app.app_type == "personal" and app.owner_user_id == user.id:
        return f"intraday denied: {label} became a Personal app after this token was issued; {NEW_TOKEN}"
    if app is not None and app.intraday:
        return (
            f"intraday denied: this token was issued before {label} got its intraday grant; take a new token "
            "(tokens issued before the change keep the old permission)"
        )
    return f"intraday denied: {label} has no intraday grant; grant it, {NEW_TOKEN}"


def explain_pipeline(
    step: str,
    error: FitbitError,
    *,
    services: Services,
    row: Endpoint,
    token: AccessToken | None,
    user: User | None,
) -> str:
    """The sentence for a refusal at `step` of the resource pipeline."""
    key = error.key
    if step == "authentication":
        if key == "auth_header_required":
            return "authentication: no Authorization header; send 'Authorization: Bearer <access token>'"
        if key == "auth_token_type_invalid":
            return "authentication: the Authorization header is not 'Bearer <access token>'"
        if key == "expired_token":
            return "authentication: the access token has expired; refresh it (grant_type=refresh_token) for a new pair"
        return (
            "authentication: the access token is unknown, revoked, or from before the app's access type changed; "
            "authorize again or refresh for a new token"
        )
    if step == "user" and token is not None:
        return (
            f"user: the path names another user than the token's ({token.user_id}); use '-' or {token.user_id}, "
            "or a token the other user granted"
        )
    if step == "scope" and token is not None:
        granted = " ".join(sorted(token.scopes)) or "none"
        return (
            f"scope: {row.name} needs the '{row.scope}' scope and this token has: {granted}; authorize again asking "
            f"for {row.scope} (the user must allow it on the consent page)"
        )
    if step == "write permission" and token is not None:
        return (
            f"write permission: {_app_label(services, token.client_id)} is registered read-only; switch it to "
            f"read-write (fitbit-local apps update {token.client_id} --read-write), {NEW_TOKEN}"
        )
    if step == "intraday" and token is not None and user is not None:
        return explain_intraday(services, token, user)
    if step == "rate limit" and token is not None:
        reset = error.headers.get("Retry-After", "?")
        return (
            f"rate limit: {_app_label(services, token.client_id)} has used its {services.rate_limiter.limit} "
            f"requests this hour for user {token.user_id}; wait {reset} s for the top of the hour "
            "(or run the server with --rate-limit 0)"
        )
    return f"{step}: {_fitbit_words(error)}"


def explain_token_endpoint(path: str, error: FitbitError) -> str:
    """The sentence for a refusal at the OAuth token, revoke or recover endpoint."""
    endpoint = path.rstrip("/").rsplit("/", 1)[-1]
    hints = {
        "client_secret_invalid": "the client secret does not match the app's; copy it again, or regenerate it in the console",
        "client_id_invalid": "no app has this client id",
        "code_invalid_grant": "the authorization code is unknown or was already used (a code works once); authorize again",
        "code_expired": "the authorization code is older than 10 minutes; authorize again",
        "code_verifier_mismatch": "the code_verifier does not hash to the code_challenge sent to /oauth2/authorize",
        "code_verifier_missing": "the code was requested with a code_challenge, so the exchange needs its code_verifier",
        "redirect_uri_mismatch": "redirect_uri must be exactly the one sent to /oauth2/authorize",
        "redirect_uri_mismatch_missing": "redirect_uri was sent to /oauth2/authorize, so the exchange must repeat it",
        "refresh_token_invalid": "the refresh token is unknown, already used, or its grant was revoked; authorize again",
    }
    why = hints.get(error.key) or _fitbit_words(error)
    return f"token endpoint ({endpoint}): {why}"


def _fitbit_words(error: FitbitError) -> str:
    """The catalogue's own words: the message and, where Fitbit gave one, its recommendation."""
    text = f"{error.row.error_type or error.status}: {error.message}"
    return f"{text}; {error.row.recommendation}" if error.row.recommendation else text
