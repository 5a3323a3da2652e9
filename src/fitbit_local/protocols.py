"""uvicorn's HTTP protocols, answering a request they cannot parse in Fitbit's envelope.

uvicorn answers a request line or header it cannot parse (NUL or 0xff bytes, an over-long header, a negative
Content-Length) with a plain-text "Invalid HTTP request received." before the application sees anything. These
subclasses send the seed's 400 "There was an error reading the request body" as a classic JSON error body instead
(and still close the connection), so a client's error handling sees the envelope it sees everywhere else.

They also bound the time a request's head may take: uvicorn times out an idle keep-alive connection, not one
trickling its head a byte at a time, which would hold the connection (and its memory) for as long as the client
likes. A head that has begun and is not complete `head_timeout` seconds later gets the same 400, and the
connection is closed. The timer starts only when a piece of data leaves a head unfinished, so a request that
arrives whole (nearly all) costs nothing.
"""

from __future__ import annotations

import asyncio

import h11
import orjson
from uvicorn.protocols.http.h11_impl import H11Protocol

from fitbit_local.edge import JSON_MEDIA_TYPE
from fitbit_local.errors import FitbitError, render_fitbit_error

MAX_HEAD_BYTES = 64 * 1024  # request line and headers; a Bearer token is under 1 KiB
# Seconds a begun request head may take to complete: the body timeout (FITBIT_LOCAL_BODY_TIMEOUT), which
# app.create_app sets here from the settings of the app this process serves.
head_timeout = 10.0


def unparseable_request_response() -> bytes:
    body = orjson.dumps(render_fitbit_error(FitbitError("request_body_unreadable")))
    head = (
        b"HTTP/1.1 400 Bad Request\r\n"
        b"content-type: " + JSON_MEDIA_TYPE.encode() + b"\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n"
        b"connection: close\r\n\r\n"
    )
    return head + body


class _HeadDeadline:
    """The head timer both protocols share: `_head_pending` says whether a head has begun and not ended."""

    _head_timer: asyncio.TimerHandle | None = None
    _head_cycle: object = None

    def _watch_head(self) -> None:
        if self._head_timer is None and self._head_pending():
            self._head_cycle = self.cycle  # type: ignore[attr-defined]
            self._head_timer = self.loop.call_later(head_timeout, self._head_too_slow)  # type: ignore[attr-defined]

    def _head_too_slow(self) -> None:
        self._head_timer = None
        # still the same unfinished head: no request began since the timer did
        if self._head_pending() and self.cycle is self._head_cycle and not self.transport.is_closing():  # type: ignore[attr-defined]
            self.send_400_response("request head too slow")  # type: ignore[attr-defined]

    def _stop_watching_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_pending(self) -> bool:
        raise NotImplementedError


class FitbitH11Protocol(_HeadDeadline, H11Protocol):
    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_head()

    def _head_pending(self) -> bool:
        return self.conn.their_state is h11.IDLE and bool(self.conn.trailing_data[0])

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_watching_head()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        self._stop_watching_head()
        self.transport.write(unparseable_request_response())
        self.transport.close()


try:  # uvicorn[standard]'s fast parser; the classes live at module level so workers can unpickle them
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools not installed
    HTTPTOOLS: type[asyncio.Protocol] | None = None
else:

    class FitbitHttpToolsProtocol(_HeadDeadline, HttpToolsProtocol):
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
            self._watch_head()

        def _head_pending(self) -> bool:
            return self._in_head and self._head_bytes > 0

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._stop_watching_head()
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._in_head, self._head_bytes = True, 0  # what arrives next is the next request's head

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_watching_head()
            super().connection_lost(exc)

        def send_400_response(self, msg: str) -> None:
            self._stop_watching_head()
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
