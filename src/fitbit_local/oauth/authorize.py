"""The authorization request: validation in Fitbit's order, the CSRF binding of the consent form, authorization
codes, the implicit grant, and the redirects back to the client. Framework-neutral (plain values in and out).

Check order (the first failure is shown on the page, never redirected): client_id → redirect_uri → response_type →
scope → code_challenge_method → code_challenge.

Strict mode (`Settings.oauth_strict`, RFC 9700 instead of Fitbit) adds three refusals at the same steps: no implicit
grant for any app type (A8), no `plain` PKCE (P2), and a PKCE challenge required from Client apps (P7).

`prompt` is a space-separated set of words [DOC authorize]: `login` forces sign-in, `consent` forces the consent
form, `none` is the default behaviour. Fitbit documented no error for any other word, so unknown words are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote

import orjson

from fitbit_local.errors import ErrorKey, FitbitError
from fitbit_local.ids import new_authorization_code, token_hash
from fitbit_local.oauth import pkce
from fitbit_local.oauth import scopes as scope_names
from fitbit_local.oauth.tokens import IMPLICIT_DEFAULT_LIFETIME, IMPLICIT_LIFETIMES, issue_for_consent
from fitbit_local.store import Store
from fitbit_local.store.apps import App, AppRepository

CODE_LIFETIME = 600  # "only valid for 10 minutes" [DOC oauth2-token]
# The authorize parameters carried through the consent form (hidden fields, covered by the CSRF HMAC).
FIELDS = (
    "client_id",
    "response_type",
    "scope",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "expires_in",
)
# A repeated parameter (anchors A7) is that parameter's "invalid" row; other repeats keep the first value.
_REPEAT_ROWS: dict[str, ErrorKey] = {
    "client_id": "authorize_client_id_invalid",
    "redirect_uri": "authorize_redirect_uri_invalid",
    "response_type": "authorize_response_type_invalid",
    "code_challenge_method": "authorize_code_challenge_method",
    "code_challenge": "authorize_code_challenge_invalid",
}
ALLOWED_RESPONSE_TYPES = {"server": ("code",), "client": ("code", "token"), "personal": ("code", "token")}
# The checklist's public clients (anchors P7): in strict mode they must send a PKCE challenge (RFC 9700 §2.1.1).
PKCE_REQUIRED_IN_STRICT = ("client",)
PROMPT_WORDS = ("none", "login", "consent")


@dataclass(frozen=True)
class AuthorizeRequest:
    app: App
    raw: dict[str, str]  # the parameters as received (first value of each), for the hidden form fields
    response_type: str
    redirect_uri: str  # where to send the browser
    redirect_uri_sent: str | None  # as sent (None when omitted): codes are bound to it
    scopes: tuple[str, ...]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    expires_in: int
    prompt: frozenset[str] = frozenset()  # the known words of `prompt`

    @property
    def force_login(self) -> bool:
        return "login" in self.prompt

    @property
    def force_consent(self) -> bool:
        return "consent" in self.prompt


def parse_prompt(value: str | None) -> frozenset[str]:
    return frozenset(word for word in (value or "").split() if word in PROMPT_WORDS)


def first_values(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], set[str]]:
    values: dict[str, str] = {}
    repeated: set[str] = set()
    for name, value in pairs:
        if name in values:
            repeated.add(name)
        else:
            values[name] = value
    return values, repeated


def implicit_lifetime(value: str | None) -> int:
    """One of the four documented lifetimes; anything else falls back to the default (one day)."""
    try:
        seconds = int(value) if value else IMPLICIT_DEFAULT_LIFETIME
    except ValueError:
        return IMPLICIT_DEFAULT_LIFETIME
    return seconds if seconds in IMPLICIT_LIFETIMES else IMPLICIT_DEFAULT_LIFETIME


def validate(apps: AppRepository, pairs: list[tuple[str, str]], *, strict: bool = False) -> AuthorizeRequest:
    values, repeated = first_values(pairs)

    def param(name: str) -> str | None:
        if name in repeated and name in _REPEAT_ROWS:
            raise FitbitError(_REPEAT_ROWS[name])
        return values.get(name) or None

    client_id = param("client_id")
    if client_id is None:
        raise FitbitError("authorize_client_id_missing")
    app = apps.get(client_id) if len(client_id) <= 64 else None
    if app is None:
        raise FitbitError("authorize_client_id_invalid")

    redirect_sent = param("redirect_uri")
    if redirect_sent is None:
        if len(app.redirect_uris) != 1 or param("prompt") is not None:
            raise FitbitError("authorize_redirect_uri_missing")
        redirect_uri = app.redirect_uris[0]
    elif redirect_sent in app.redirect_uris:  # exact string match, nothing normalised (anchors A2)
        redirect_uri = redirect_sent
    else:
        raise FitbitError("authorize_redirect_uri_invalid")

    response_type = param("response_type")
    if response_type is None:
        raise FitbitError("authorize_response_type_missing")
    if response_type not in ("code", "token") or (strict and response_type == "token"):
        raise FitbitError("authorize_response_type_invalid")  # strict: implicit unsupported (RFC 9700 §2.1.2)
    if response_type not in ALLOWED_RESPONSE_TYPES[app.app_type]:
        raise FitbitError("authorize_response_type_unauthorized")

    scope_raw = " ".join(v for n, v in pairs if n == "scope")
    requested = scope_names.parse_scope_param(scope_raw)
    if not requested:
        raise FitbitError("authorize_scope_missing")
    unknown = scope_names.unknown_scopes(requested)
    if unknown:
        raise FitbitError("authorize_scope_invalid", scope=" ".join(unknown))

    challenge, method = pkce.check_challenge(
        param("code_challenge"), param("code_challenge_method"), strict=strict
    )
    if strict and challenge is None and app.app_type in PKCE_REQUIRED_IN_STRICT:
        raise FitbitError("authorize_code_challenge_missing")
    return AuthorizeRequest(
        app=app,
        raw={name: values[name] for name in FIELDS if values.get(name)} | {"scope": scope_raw},
        response_type=response_type,
        redirect_uri=redirect_uri,
        redirect_uri_sent=redirect_sent,
        scopes=tuple(requested),
        state=values.get("state") if "state" in values else None,
        code_challenge=challenge if response_type == "code" else None,
        code_challenge_method=method if response_type == "code" else None,
        expires_in=implicit_lifetime(values.get("expires_in")),
        prompt=parse_prompt(values.get("prompt")),
    )


# --- CSRF: a random nonce in a SameSite=Strict cookie, and an HMAC over it and every authorize parameter --------


def csrf_token(key: bytes, nonce: str, raw: dict[str, str]) -> str:
    message = orjson.dumps([nonce, *[raw.get(name, "") for name in FIELDS]])
    return hmac.new(key, b"consent-csrf\0" + message, hashlib.sha256).hexdigest()


def csrf_valid(key: bytes, nonce: str | None, raw: dict[str, str], presented: str | None) -> bool:
    if not nonce or not presented:
        return False
    return hmac.compare_digest(csrf_token(key, nonce, raw), presented)


# --- Outcomes -----------------------------------------------------------------------------------------------------


def create_code(store: Store, req: AuthorizeRequest, user_id: str, granted: set[str]) -> str:
    code = new_authorization_code()  # 160 bits (anchors C6); only its hash is stored
    with store.write() as tx:
        store.grants.add_code(
            tx,
            code_hash=token_hash(code),
            client_id=req.app.client_id,
            user_id=user_id,
            redirect_uri=req.redirect_uri_sent,
            scopes=scope_names.canonical(granted),
            code_challenge=req.code_challenge,
            code_challenge_method=req.code_challenge_method,
            lifetime=CODE_LIFETIME,
        )
    return code


def _q(value: str) -> str:
    return quote(value, safe="")


def _join(uri: str, separator: str, parts: list[tuple[str, str]]) -> str:
    encoded = "&".join(f"{name}={_q(value)}" for name, value in parts)
    if separator == "?":
        return f"{uri}{'&' if '?' in uri else '?'}{encoded}"
    return f"{uri}#{encoded}"


def code_redirect(req: AuthorizeRequest, code: str) -> str:
    parts = [("code", code)] + ([("state", req.state)] if req.state is not None else [])
    return _join(req.redirect_uri, "?", parts) + "#_=_"  # Fitbit's trailing fragment [DOC oauth tutorial]


def implicit_redirect(
    store: Store, signing_key: bytes, req: AuthorizeRequest, user_id: str, granted: set[str]
) -> str:
    body = issue_for_consent(
        store.engine,
        signing_key=signing_key,
        app=req.app,
        user_id=user_id,
        granted=granted,
        expires_in=req.expires_in,
        with_refresh=False,
    )
    parts = [
        (name, str(body[name])) for name in ("access_token", "user_id", "scope", "token_type", "expires_in")
    ]
    if req.state is not None:
        parts.append(("state", req.state))
    return _join(req.redirect_uri, "#", parts)


def denied_redirect(req: AuthorizeRequest) -> str:
    parts = [("error", "access_denied")] + ([("state", req.state)] if req.state is not None else [])
    return _join(req.redirect_uri, "#" if req.response_type == "token" else "?", parts)
