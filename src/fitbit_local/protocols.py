"""uvicorn's HTTP protocols, answering a request they cannot parse in Fitbit's envelope.

uvicorn answers a request line or header it cannot parse (NUL or 0xff bytes, an over-long header, a negative
Content-Length) with a plain-text "Invalid HTTP request received." before the application sees anything. These
subclasses send the seed's 400 "There was an error reading the request body" as a classic JSON error body instead
(and still close the connection), so a client's error handling sees the envelope it sees everywhere else.
"""

from __future__ import annotations

import asyncio

import orjson
from uvicorn.protocols.http.h11_impl import H11Protocol

from fitbit_local.edge import JSON_MEDIA_TYPE
from fitbit_local.errors import FitbitError, render_fitbit_error

MAX_HEAD_BYTES = 64 * 1024  # request line and headers; a Bearer token is under 1 KiB


def unparseable_request_response() -> bytes:
    body = orjson.dumps(render_fitbit_error(FitbitError("request_body_unreadable")))
    head = (
        b"HTTP/1.1 400 Bad Request\r\n"
        b"content-type: " + JSON_MEDIA_TYPE.encode() + b"\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n"
        b"connection: close\r\n\r\n"
    )
    return head + body


class FitbitH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        self.transport.write(unparseable_request_response())
        self.transport.close()


try:  # uvicorn[standard]'s fast parser; the classes live at module level so workers can unpickle them
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools not installed
    HTTPTOOLS: type[asyncio.Protocol] | None = None
else:

    class FitbitHttpToolsProtocol(HttpToolsProtocol):
        """httptools sets no limit on a request's head (h11 refuses one past 16 KiB); this one counts the bytes
        received while a head is incomplete and refuses it past MAX_HEAD_BYTES, before buffering more."""

        _in_head = True
        _head_bytes = 0

        def data_received(self, data: bytes) -> None:
            if self._in_head:
                self._head_bytes += len(data)
                if self._head_bytes > MAX_HEAD_BYTES:
                    self.send_400_response("request head too large")
                    return
            super().data_received(data)

        def on_headers_complete(self) -> None:
            self._in_head = False
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._in_head, self._head_bytes = True, 0  # what arrives next is the next request's head

        def send_400_response(self, msg: str) -> None:
            self.transport.write(unparseable_request_response())
            self.transport.close()

    HTTPTOOLS = FitbitHttpToolsProtocol


def http_protocol(parser: str = "auto") -> type[asyncio.Protocol]:
    """uvicorn's protocol for `parser` ("h11", "httptools", or "auto": httptools when installed), answering an
    unparseable request in Fitbit's envelope."""
    if parser == "h11" or (parser == "auto" and HTTPTOOLS is None):
        return FitbitH11Protocol
    if HTTPTOOLS is None:
        raise ImportError("httptools is not installed (pip install 'uvicorn[standard]')")
    return HTTPTOOLS
