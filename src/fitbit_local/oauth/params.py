"""Request parameters of the token, revoke, recover and introspect endpoints.

Fitbit read them from the query string and from an urlencoded body alike (fitbit-web-api sends everything in the
query with an empty JSON body), so both are merged. Unknown parameters are ignored; an empty value counts as
absent; a parameter repeated with *different* values is refused (anchors A7) with "There was an error reading the
request body". Bodies that are not urlencoded (JSON, binary) contribute nothing; undecodable or oversized
urlencoded bodies are the same "error reading the request body" row, and an oversized body is refused by its
declared length before it is read (or, without one, as soon as it passes MAX_BODY while streaming). Nothing here can raise anything but a
catalogue error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.requests import Request

from fitbit_local.errors import FitbitError

MAX_BODY = 64 * 1024
# Credentials are only read from the Authorization header or the body, never from the URL (anchors T1).
BODY_ONLY = frozenset({"client_secret"})


@dataclass
class OAuthParams:
    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value else None

    def __contains__(self, name: str) -> bool:
        return self.get(name) is not None


def parse_pairs(raw: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw, keep_blank_values=True, strict_parsing=False, max_num_fields=200)
    except ValueError as exc:  # too many fields
        raise FitbitError("request_body_unreadable") from exc


def merge(query: list[tuple[str, str]], body: list[tuple[str, str]]) -> OAuthParams:
    values: dict[str, str] = {}
    for source, pairs in (("query", query), ("body", body)):
        for name, value in pairs:
            if source == "query" and name in BODY_ONLY:
                continue
            if name in values and values[name] != value:
                if not values[name]:
                    values[name] = value
                    continue
                if not value:
                    continue
                raise FitbitError("request_body_unreadable")
            values[name] = value
    return OAuthParams(values)


def decode_body(raw: bytes, content_type: str) -> list[tuple[str, str]]:
    if not raw or not content_type.lower().startswith("application/x-www-form-urlencoded"):
        return []
    if len(raw) > MAX_BODY:
        raise FitbitError("request_body_unreadable")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FitbitError("request_body_unreadable") from exc
    return parse_pairs(text)


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The body of an OAuth request, at most `limit` bytes. A declared Content-Length over the limit is refused
    before anything is read; without one (chunked), reading stops at the first chunk past the limit. Either way
    the answer is "There was an error reading the request body", and nothing more is buffered."""
    declared = request.headers.get("content-length")
    if declared is not None and not (declared.isascii() and declared.isdigit() and int(declared) <= limit):
        raise FitbitError("request_body_unreadable")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise FitbitError("request_body_unreadable")
            chunks.append(chunk)
    except FitbitError:
        raise
    except Exception as exc:  # client disconnects, malformed chunked encoding
        raise FitbitError("request_body_unreadable") from exc
    return b"".join(chunks)


async def read_params(request: Request) -> OAuthParams:
    """Merge a Starlette request's query string and urlencoded body (see `read_body` for the size limit)."""
    raw = await read_body(request)
    query_raw = request.scope.get("query_string", b"").decode("latin-1")
    try:
        query = parse_pairs(query_raw)
    except UnicodeDecodeError as exc:
        raise FitbitError("request_body_unreadable") from exc
    body = decode_body(raw, request.headers.get("content-type", ""))
    return merge(query, body)
