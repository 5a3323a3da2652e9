"""Browser-like helpers for the OAuth tests: parse the consent form, submit it with its CSRF cookie, exchange."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from fitbit_local.errors.catalogue import OAUTH_SUFFIX
from fitbit_local.oauth.session import SESSION_COOKIE

PASSWORD = "correct horse"
REDIRECT = "https://client.example/callback"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 Appendix B
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
BASIC_REALM = 'Basic realm="api.fitbit.com"'


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.texts: dict[str, str] = {}
        self._capture: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input":
            self.inputs.append(attributes)
        if attributes.get("id") in ("error", "signin-error"):
            self._capture = attributes["id"]

    def handle_data(self, data: str) -> None:
        if self._capture:
            self.texts[self._capture] = self.texts.get(self._capture, "") + data

    def handle_endtag(self, tag: str) -> None:
        self._capture = None


def parse_page(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def page_error(response: httpx.Response) -> str | None:
    return parse_page(response.text).texts.get("error")


def form_fields(html: str) -> list[tuple[str, str]]:
    """What a browser would submit by default (hidden fields and checked boxes)."""
    fields: list[tuple[str, str]] = []
    for item in parse_page(html).inputs:
        kind = item.get("type")
        if kind == "hidden" or (kind == "checkbox" and "checked" in item):
            fields.append((str(item["name"]), item.get("value") or ""))
    return fields


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def open_consent(http: httpx.Client, **params: str) -> httpx.Response:
    return http.get("/oauth2/authorize", params=params)


def submit(
    http: httpx.Client,
    page: httpx.Response,
    *,
    username: str = "ann",
    password: str = PASSWORD,
    action: str = "allow",
    scopes: list[str] | None = None,
) -> httpx.Response:
    fields = form_fields(page.text)
    if scopes is not None:
        fields = [(n, v) for n, v in fields if n != "scope"] + [("scope", s) for s in scopes]
    fields += [("username", username), ("password", password), ("action", action)]
    return post_form(http, "/oauth2/authorize", fields)


def post_form(http: httpx.Client, url: str, fields: list[tuple[str, str]], **kw: object) -> httpx.Response:
    headers = {"content-type": "application/x-www-form-urlencoded", **kw.pop("headers", {})}  # type: ignore[dict-item]
    return http.post(url, content=urlencode(fields), headers=headers, **kw)  # type: ignore[arg-type]


def authorize(
    http: httpx.Client,
    client_id: str,
    *,
    scope: str = "activity profile",
    response_type: str = "code",
    redirect_uri: str | None = REDIRECT,
    username: str = "ann",
    scopes: list[str] | None = None,
    **extra: str,
) -> httpx.Response:
    """Sign in as `username` and allow, as in a private browser window: no sign-in session before (so the form asks
    for a password even after an earlier flow on the same client) and none left behind. test_session.py covers
    sessions."""
    sign_out(http)
    params = {"client_id": client_id, "response_type": response_type, "scope": scope, **extra}
    if redirect_uri is not None:
        params["redirect_uri"] = redirect_uri
    page = open_consent(http, **params)
    assert page.status_code == 200, page.text
    response = submit(http, page, username=username, scopes=scopes)
    sign_out(http)
    return response


def sign_out(http: httpx.Client) -> None:
    """Forget the sign-in session, as a fresh browser would."""
    for cookie in list(http.cookies.jar):
        if cookie.name == SESSION_COOKIE:
            http.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)


def redirect_params(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 303, response.text
    parts = urlsplit(response.headers["location"])
    source = (
        parts.fragment if "access_token=" in parts.fragment or "error=" in parts.fragment else parts.query
    )
    return {k: v[0] for k, v in parse_qs(source, keep_blank_values=True).items()}


def get_code(http: httpx.Client, client_id: str, **kw: str) -> str:
    return redirect_params(authorize(http, client_id, **kw))["code"]  # type: ignore[arg-type]


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    item = response.json()["errors"][0]
    return response.status_code, item["errorType"], item["message"]


def oauth_message(text: str) -> str:
    return text + OAUTH_SUFFIX
