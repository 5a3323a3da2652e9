"""A real subscriber endpoint on a loopback port, written as a Fitbit developer would: it answers the verification
GETs (204 for its code, 404 for any other), checks ``X-Fitbit-Signature`` on every notification POST with the app's
secret, keeps what it received, and can be taken down and brought back on the same port."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from tests.conftest import free_port


def fitbit_signature_ok(body: bytes, secret: str, header: str) -> bool:
    """The check Fitbit's docs told subscribers to make, written from the docs (not the server's code): Base64 of
    HMAC-SHA1 over the raw body, keyed with the client secret and "&", compared in constant time."""
    expected = base64.b64encode(hmac.new(f"{secret}&".encode(), body, hashlib.sha1).digest())
    return hmac.compare_digest(expected, header.encode())


@dataclass
class Received:
    body: bytes
    signature: str
    signed_ok: bool
    content_type: str

    @property
    def notifications(self) -> list[dict[str, Any]]:
        return orjson.loads(self.body)  # type: ignore[no-any-return]


@dataclass
class Subscriber:
    code: str
    secret: str
    port: int = field(default_factory=free_port)
    answer: int = 204  # what a notification POST gets
    delay: float = 0.0  # seconds before answering a notification POST
    verify_answers: tuple[int, int] | None = (
        None  # (right code, wrong code) overrides, for broken subscribers
    )
    received: list[Received] = field(default_factory=list)
    verify_requests: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/fitbit/webhook"

    def start(self) -> Subscriber:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                verify = parse_qs(urlsplit(self.path).query).get("verify", [""])[0]
                owner.verify_requests.append(verify)
                right = verify == owner.code
                status = 204 if right else 404
                if owner.verify_answers is not None:
                    status = owner.verify_answers[0 if right else 1]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                time.sleep(owner.delay)
                header = self.headers.get("X-Fitbit-Signature", "")
                with owner._lock:
                    if 200 <= owner.answer < 300:
                        owner.received.append(
                            Received(
                                body,
                                header,
                                fitbit_signature_ok(body, owner.secret, header),
                                self.headers.get("Content-Type", ""),
                            )
                        )
                self.send_response(owner.answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def notifications(self) -> list[dict[str, Any]]:
        with self._lock:
            return [n for r in self.received for n in r.notifications]

    def wait_for(self, predicate: Any, timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.notifications()
            if predicate(found):
                return found
            time.sleep(0.02)
        raise AssertionError(
            f"the subscriber did not receive what was expected; it has {self.notifications()}"
        )
