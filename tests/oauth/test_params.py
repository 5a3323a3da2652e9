"""Request bodies of the OAuth endpoints: an oversized body is refused by its declared Content-Length before it is
read, and a body whose length lies (chunked framing under a small Content-Length; a POST with no Content-Length at
all is the edge's 411) is refused as soon as it passes 64 KiB. Proved with a raw socket: the answer arrives while
most of the body has not been sent (or never will be), so the server cannot have buffered it."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from fitbit_local.oauth.params import MAX_BODY
from tests.conftest import start_server
from tests.factories import issue_token
from tests.oauth.helpers import basic

READING_ERROR = b"There was an error reading the request body"
ENDPOINTS = [
    "/oauth2/token",
    "/oauth2/revoke",
    "/oauth2/recover",
    "/1.1/oauth2/introspect",
    "/oauth2/introspect",
]


@pytest.fixture
def live_server(services):  # type: ignore[no-untyped-def]
    """The OAuth server's own body limits, behind h11, which lets a chunked body under a Content-Length through to
    them; httptools refuses that framing in its parser, before any route (tests/test_edge.py covers the parser)."""
    running = start_server(services, "h11")
    yield running
    running.stop()


def send_partial(base_url: str, path: str, headers: dict[str, str], body_parts: list[bytes]) -> bytes:
    """Send the request head and `body_parts` (not the whole body the head announces), then read the answer."""
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        head = [
            f"POST {path} HTTP/1.1",
            f"Host: {url.netloc}",
            "Content-Type: application/x-www-form-urlencoded",
        ]
        head += [f"{name}: {value}" for name, value in headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        for part in body_parts:
            sock.sendall(part)
        answer = b""
        while b"\r\n\r\n" not in answer or not _complete(answer):
            chunk = sock.recv(65536)  # a server waiting for the rest of the body times out here
            if not chunk:
                break
            answer += chunk
    return answer


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def chunked(total: int, size: int = 16 * 1024) -> list[bytes]:
    """`total` bytes of form data in chunks, without the terminating zero-length chunk: the body never ends."""
    return [b"%x\r\n%s\r\n" % (size, b"a" * size) for _ in range(total // size)]


@pytest.fixture
def auth(services, ann, app):  # type: ignore[no-untyped-def]
    """Credentials each endpoint accepts, so only the body can be what is refused."""
    token = str(issue_token(services, app.client_id, ann.id)["access_token"])
    credentials = basic(app.client_id, app.secret)["Authorization"]

    def header(path: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}" if "introspect" in path else credentials}

    return header


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_declared_oversized_body_is_refused_before_it_is_read(live_server, auth, path):
    answer = send_partial(
        live_server.base_url, path, {**auth(path), "Content-Length": str(300 * 1024 * 1024)}, [b"a=1"]
    )
    assert answer.startswith(b"HTTP/1.1 400") and READING_ERROR in answer


LYING = {"Content-Length": "10", "Transfer-Encoding": "chunked"}  # the chunked framing wins (RFC 9112 §6.3)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_an_endless_body_under_a_lying_length_is_refused_once_past_the_limit(live_server, auth, path):
    answer = send_partial(live_server.base_url, path, {**auth(path), **LYING}, chunked(2 * MAX_BODY))
    assert answer.startswith(b"HTTP/1.1 400") and READING_ERROR in answer


@pytest.mark.parametrize("framing", ["declared", "lying"])
def test_the_authorize_form_is_refused_the_same_way(live_server, framing):
    if framing == "declared":
        headers, parts = {"Content-Length": str(300 * 1024 * 1024)}, [b"client_id=X"]
    else:
        headers, parts = LYING, chunked(2 * MAX_BODY)
    answer = send_partial(live_server.base_url, "/oauth2/authorize", headers, parts)
    assert answer.startswith(b"HTTP/1.1 400") and b"text/html" in answer
    assert b"invalid_request - There was an error reading the request body" in answer


def test_a_body_at_the_limit_is_still_read(http, app):
    filler = "x" * (MAX_BODY - len("grant_type=nope&pad="))
    response = http.post(
        "/oauth2/token",
        content=f"grant_type=nope&pad={filler}",
        headers={**basic(app.client_id, app.secret), "content-type": "application/x-www-form-urlencoded"},
    )
    assert (
        response.status_code == 400 and response.json()["errors"][0]["errorType"] == "unsupported_grant_type"
    )


def test_a_malformed_content_length_is_the_reading_error(live_server, auth):
    answer = send_partial(
        live_server.base_url, "/oauth2/token", {**auth("/oauth2/token"), "Content-Length": "+5"}, []
    )
    assert answer.startswith(b"HTTP/1.1 400")
