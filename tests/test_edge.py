"""The HTTP edge: one 500 net that logs an unexpected error once, under the id its response carries; one
FitbitError handler; injected faults with the headers their real counterparts carried."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time

import pytest

from fitbit_local.app import REQUEST_ID_HEADER, create_app
from tests.conftest import start_server
from tests.factories import bearer, issue_token, make_app, make_user

PROFILE = "/1/user/-/profile.json"


@pytest.fixture
def token(services):
    user = make_user(services)
    app = make_app(services)
    return issue_token(services, app.client_id, user.id, scopes="profile activity")


def test_an_unexpected_error_is_logged_once_with_the_responses_request_id(services, http, token, caplog):
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE daily_summaries")
    with caplog.at_level(logging.ERROR, logger="fitbit_local"):
        response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 500
    request_id = response.headers[REQUEST_ID_HEADER]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 1, [r.getMessage() for r in logged]
    assert request_id in logged[0].getMessage()
    assert logged[0].exc_info is not None  # the traceback goes to the log, never to the client
    assert "Traceback" not in response.text


def test_an_injected_429_carries_retry_after_and_the_rate_limit_headers(services, http, token):
    """python-fitbit reads response.headers['Retry-After'] on every 429 [fidelity audit row 3]."""
    services.store.sandbox.add_fault("too_many_requests", count=1)
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    assert response.headers["Fitbit-Rate-Limit-Remaining"] == "0"
    assert response.headers["Fitbit-Rate-Limit-Reset"] == str(retry_after)
    assert response.headers["Fitbit-Rate-Limit-Limit"] == "150"


def test_an_injected_503_carries_retry_after(services, http, token):
    services.store.sandbox.add_fault("maintenance", count=1)
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()


def test_a_refusal_after_the_rate_limit_step_keeps_the_rate_limit_headers(http, token):
    response = http.get("/1/user/-/activities/steps/date/2024-13-01/7d.json", headers=bearer(token))
    assert response.status_code == 400
    assert response.headers["Fitbit-Rate-Limit-Remaining"].isdigit()


def test_openapi_is_served_without_a_token(http):
    response = http.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert "/1/user/{user-id}/profile.json" in document["paths"]


# --- bodies: bounded in size and in time (issue 8 items 2 and 9) ------------------------------------------------


def _raw(server, request: bytes, *, wait: float = 15.0) -> tuple[bytes, float, bool]:
    """Send raw bytes to the real server; return (response bytes, seconds to the answer, connection closed)."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        started = time.monotonic()
        sock.sendall(request)
        data = b""
        closed = False
        while b"\r\n\r\n" not in data or not _complete(data):
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
        elapsed = time.monotonic() - started
        if not closed:
            try:
                closed = sock.recv(1) == b""
            except TimeoutError:
                closed = False
            except ConnectionResetError:  # closed while our bytes were still unread
                closed = True
    return data, elapsed, closed


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def test_a_client_that_declares_more_body_than_it_sends_is_refused_and_closed(services, live_server, token):
    services.settings.body_timeout = 1.0
    request = (
        b"POST /1/user/-/profile.json HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + str(token["access_token"]).encode()
        + b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlocal"
    )
    data, elapsed, closed = _raw(live_server, request)
    assert data.startswith(b"HTTP/1.1 400")
    assert b"There was an error reading the request body" in data
    assert elapsed < 10 and closed


@pytest.mark.parametrize("length", [str(2**64), "-1", "12abc", str(2 * 1024 * 1024)])
def test_an_absurd_or_oversized_content_length_is_refused_before_reading(live_server, token, length):
    request = (
        b"POST /1/user/-/profile.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: " + length.encode() + b"\r\n\r\n"
    )
    data, elapsed, _closed = _raw(live_server, request)
    assert data.startswith(b"HTTP/1.1 400"), data[:200]
    assert elapsed < 5


def test_a_body_streamed_past_the_limit_is_refused_before_it_is_buffered(services, token):
    """Through HTTP the declared Content-Length is checked first; a body that streams past the limit anyway (a
    DELETE with a chunked body, a server in front that lets one through) is cut off at the limit."""
    services.settings.max_body_bytes = 1000
    app = create_app(services)
    sent: list[dict] = []
    pieces = [b"fullName=" + b"a" * 500] * 100  # 50 KB offered, in pieces
    taken = 0

    async def receive():
        nonlocal taken
        taken += 1
        return {"type": "http.request", "body": pieces[taken - 1], "more_body": taken < len(pieces)}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PROFILE,
        "raw_path": PROFILE.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"x"),
            (b"authorization", b"Bearer " + str(token["access_token"]).encode()),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"999"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 400
    assert taken <= 3  # stopped reading at the limit
    assert b"There was an error reading the request body" in sent[1]["body"]


# --- requests the HTTP parser refuses (issue 8 item 12) ---------------------------------------------------------


@pytest.fixture(params=["h11", "httptools"])
def parser_server(request, services):
    """A real uvicorn with fitbit-local's protocol class for each parser `fitbit-local serve` can run."""
    running = start_server(services, request.param)
    running.parser = request.param  # type: ignore[attr-defined]
    yield running
    running.stop()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /1/user/-/profile.json\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /1/user/-/profile.json HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n",
        b"GET /1/user/-/profile.json HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"GET /1/user/-/profile.json HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n",
        b"\xff\xfe GARBAGE\r\n\r\n",
    ],
    ids=["nul-in-target", "nul-in-header", "negative-length", "1mb-header", "garbage"],
)
def test_requests_the_parser_refuses_get_fitbits_envelope(parser_server, request_bytes):
    data, _elapsed, closed = _raw(parser_server, request_bytes)
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert json.loads(body) == {
        "errors": [
            {"errorType": "invalid_request", "message": "There was an error reading the request body"}
        ],
        "success": False,
    }
    assert closed


@pytest.fixture(params=["h11", "httptools"])
def quick_parser_server(request, services):
    """As `parser_server`, with the body (and head) timeout at 1 s."""
    services.settings.body_timeout = 1.0
    running = start_server(services, request.param)
    yield running
    running.stop()


HEAD = b"GET /1/user/-/profile.json HTTP/1.1\r\nHost: x\r\nUser-Agent: slow\r\n"


def test_a_head_that_stops_half_way_is_refused_after_the_timeout(quick_parser_server):
    data, elapsed, closed = _raw(quick_parser_server, HEAD)
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and closed
    assert json.loads(body)["errors"][0]["message"] == "There was an error reading the request body"
    assert 0.9 <= elapsed < 5


def test_a_head_sent_slowly_within_the_timeout_is_served(quick_parser_server):
    host, port = quick_parser_server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        for piece in (HEAD[:20], HEAD[20:], b"\r\n"):
            sock.sendall(piece)
            time.sleep(0.3)  # 0.6 s in all: under the 1 s bound
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 401")  # no token: the API's answer, not the edge's 400
        # the connection stays open and idle past the head timeout: nothing more is sent on it
        sock.settimeout(1.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)


# --- NUL bytes never reach a database (issue 8 item 3) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "form"),
    [
        ("GET", "/oauth2/authorize?client_id=%00&response_type=code&scope=profile", None),
        ("GET", "/1/user/-/profile.json?x=a%00b", None),
        ("POST", "/oauth2/token", {"client_id": "\x00", "grant_type": "authorization_code", "code": "x"}),
        ("POST", "/oauth2/authorize", {"username": "a\x00", "password": "x"}),
        ("POST", "/oauth2/recover", {"user_id": "\x00", "grant_type": "refresh_token"}),
        ("POST", "/1/user/-/profile.json", {"fullName": "a\x00b"}),
        ("POST", "/oauth2/token", {"client_id": "%00"}),  # "%2500": a literal "%00" in the value is fine
    ],
)
def test_a_nul_byte_anywhere_is_a_400_on_every_database(http, token, method, path, form):
    response = http.request(method, path, headers=bearer(token), data=form)
    if form == {"client_id": "%00"}:
        assert response.status_code != 500
        return
    assert response.status_code == 400, response.text
    if path == "/oauth2/authorize" and method == "POST":  # the sign-in form answers with its own page
        assert "invalid_request - There was an error reading the request body" in response.text
        return
    error = response.json()["errors"][0]
    assert error["errorType"] in ("validation", "invalid_request")
