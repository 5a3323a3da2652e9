"""The bad-input catalogue (issue #8, "Tests that keep it so", second bullet): every case is a row, sent over HTTP to
one app per database (SQLite and PostgreSQL), and must be refused with a 4xx in the envelope of the endpoint it
reached — never a 5xx, never a traceback, never uvicorn's plain text.

Envelopes: ``classic`` `{"errors": [...], "success": false}`; ``google`` `{"error": {"code", "message", "status"}}`;
``page`` the consent page's HTML error (`/oauth2/authorize`); ``admin`` the sandbox admin API's `{"error": "..."}`;
``any`` whichever of the JSON envelopes the route answers with (for paths that may match no route or several).

Rows carry a ``{token}`` / ``{refresh}`` placeholder where a real credential goes and name the tampered token they send
(`auth`). Rows with ``raw`` bytes go over a real socket to uvicorn running with fitbit-local's protocol class (as
``fitbit-local serve`` runs it); the rest go in-process. A row whose refusal is a known server bug is marked
``bug="…"`` and runs as ``xfail(strict=True)``, so the fix turns it into a failure to be unmarked. A few rows are
``expect="ignored"``: the server answers 2xx as if the bad part were absent, by design (see docs/robustness.md).
"""

from __future__ import annotations

import base64
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import jwt
import pytest

from fitbit_local.api.openapi import CLASSIC_ERROR, GOOGLE_ERROR
from fitbit_local.config import Settings
from fitbit_local.oauth.tokens import CODE_FLOW_LIFETIME
from fitbit_local.services import Services
from fitbit_local.sources.load import store_synthetic_days
from fitbit_local.store.db import DATABASE_FILE
from tests.conftest import RunningServer, SchemaPool, in_process, start_server
from tests.factories import issue_token, make_app, make_user
from tests.robustness.conftest import SUMMARY

CLASSIC = jsonschema.Draft202012Validator(CLASSIC_ERROR)
GOOGLE = jsonschema.Draft202012Validator(GOOGLE_ERROR)
ADMIN = jsonschema.Draft202012Validator(
    {
        "type": "object",
        "properties": {"error": {"type": "string"}},
        "required": ["error"],
        "additionalProperties": False,
    }
)
REDIRECT = "https://client.example/callback"
FORM = "application/x-www-form-urlencoded"
PROFILE = "/1/user/-/profile.json"
STEPS = "/1/user/-/activities/steps/date"
HEART = "/1/user/-/activities/heart/date"
AZM = "/1/user/-/activities/active-zone-minutes/date"
BODY_TIMEOUT = (
    1.0  # seconds the live server waits for a body that stalls (10 in production); keeps the slow rows short
)


@dataclass(frozen=True)
class Case:
    name: str
    method: str = "GET"
    target: str = PROFILE
    auth: str | None = (
        "owner"  # a token's name in Bench.tokens, "basic" (the server app's client secret), or None
    )
    content_type: str | None = None
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    envelope: str = "classic"
    status: int | None = None  # the exact status, where the catalogue fixes it; otherwise any 4xx
    raw: bytes | None = None  # sent as is over a real socket ({token} filled in)
    bug: str | None = None  # a known server bug: xfail(strict=True) with this reason
    bug_on: tuple[str, ...] = ("sqlite", "postgresql")
    unchanged_profile: bool = False  # the refused write must leave the profile as it was (issue #8 item 5)
    # "refused": a 4xx in the envelope. "ignored": the server reads nothing it does not understand and answers 2xx
    # as if the bad part were absent (documented behaviour, listed in docs/robustness.md); the profile stays as it was.
    # "answered": an edge of the valid range; any status but 5xx, and a 4xx in the envelope.
    expect: str = "refused"


def form(*pairs: tuple[str, str]) -> bytes:
    """A urlencoded body written by hand, so duplicates, NULs and odd bytes go out exactly as given."""
    return "&".join(f"{k}={v}" for k, v in pairs).encode()


def post(name: str, target: str, body: bytes, **kw: Any) -> Case:
    return Case(name, "POST", target, body=body, content_type=kw.pop("content_type", FORM), **kw)


def admin(name: str, target: str, body: bytes, content_type: str = "application/json", **kw: Any) -> Case:
    return Case(
        name, "POST", target, auth=None, body=body, content_type=content_type, **{"envelope": "admin", **kw}
    )


def token_post(name: str, body: bytes, **kw: Any) -> Case:
    return post(name, "/oauth2/token", body, **{"auth": "basic", **kw})


def authorize(name: str, query: str, **kw: Any) -> Case:
    return Case(name, "GET", f"/oauth2/authorize?{query}", auth=None, **{"envelope": "page", **kw})


AUTHORIZE_OK = "response_type=code&client_id={client_id}&scope=profile&redirect_uri=" + REDIRECT


def raw_post(
    target: str, length: str, body: bytes = b"", content_type: str = FORM, auth: bool = True
) -> bytes:
    head = (
        f"POST {target} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n"
    )
    if auth:
        head += "Authorization: Bearer {token}\r\n"
    return head.encode() + b"\r\n" + body


CATALOGUE: dict[str, list[Case]] = {
    "tampered tokens": [
        Case(f"token {name}", auth=name, status=401)
        for name in (
            "flipped-signature",
            "alg-none",
            "truncated",
            "another-servers-key",
            "expired",
            "revoked",
            "refresh-as-access",
            "huge",
            "empty",
            "not-a-jwt",
            "two-tokens",
        )
    ]
    + [
        Case("token in a Basic header", headers=(("Authorization", "Basic {token}"),), auth=None, status=401),
        Case(
            "token with a lower-case scheme and no token", headers=(("Authorization", "bearer"),), auth=None
        ),
        Case(
            "introspect a tampered token",
            "POST",
            "/1.1/oauth2/introspect",
            auth="flipped-signature",
            content_type=FORM,
            body=b"token={token}",
        ),
        token_post(
            "refresh with an access token",
            form(("grant_type", "refresh_token"), ("refresh_token", "{token}")),
        ),
        token_post(
            "refresh with a truncated refresh token",
            form(("grant_type", "refresh_token"), ("refresh_token", "{refresh_truncated}")),
        ),
        token_post(
            "client secret flipped",
            form(("grant_type", "refresh_token"), ("refresh_token", "{refresh}")),
            auth="basic-wrong",
        ),
    ],
    "bytes in paths and queries": [
        Case(
            "NUL in a path segment",
            target="/1/user/-/activities/steps/date/2026%00-01-01/7d.json",
            envelope="any",
        ),
        Case(
            "0xff in a path segment",
            target="/1/user/-/activities/st%ffeps/date/today/7d.json",
            envelope="any",
        ),
        Case(
            "overlong UTF-8 slash in a path",
            target="/1/user/-/activities/steps%c0%af..%c0%afprofile.json",
            envelope="any",
        ),
        Case("dot-dot segments", target="/1/user/-/activities/%2e%2e/%2e%2e/profile.json", envelope="any"),
        Case("encoded slash inside a segment", target="/1/user/-%2F..%2Fx/profile.json", envelope="any"),
        Case(
            "encoded slash in a resource",
            target="/1/user/-/activities/steps%2Fx/date/today/7d.json",
            envelope="any",
        ),
        Case(
            "user id of 10,000 characters", target="/1/user/" + "A" * 10_000 + "/profile.json", envelope="any"
        ),
        Case("date of 10,000 characters", target=f"{STEPS}/{'9' * 10_000}/7d.json"),
        Case("NUL in a query value", target=f"{PROFILE}?x=a%00b"),
        Case("NUL in a query name", target=f"{PROFILE}?a%00b=1"),
        Case("0xff in timezone", target=f"{STEPS}/today/7d.json?timezone=%ff", expect="ignored"),
        Case(
            "overlong UTF-8 in timezone",
            target=f"{STEPS}/today/7d.json?timezone=%c0%ae%c0%ae%2fetc%2fpasswd",
            expect="ignored",
        ),
        Case(
            "timezone path traversal",
            target=f"{STEPS}/today/7d.json?timezone=../../etc/passwd",
            expect="ignored",
        ),
        Case(
            "timezone of 10,000 characters",
            target=f"{STEPS}/today/7d.json?timezone=" + "A" * 10_000,
            expect="ignored",
        ),
        # a NUL in any query string is refused at the edge, before the route (decisions.md "The edge"): classic body
        authorize(
            "NUL client id (item 3)", "client_id=%00&response_type=code&scope=profile", envelope="classic"
        ),
        authorize("0xff client id", "client_id=%ff&response_type=code&scope=profile"),
        authorize(
            "client id of 10,000 characters", "response_type=code&scope=profile&client_id=" + "A" * 10_000
        ),
        authorize(
            "redirect_uri with NUL", AUTHORIZE_OK.replace(REDIRECT, REDIRECT + "%00"), envelope="classic"
        ),
        token_post(
            "NUL client id at the token endpoint (item 3)",
            form(("grant_type", "authorization_code"), ("code", "x"), ("client_id", "%00")),
            auth=None,
        ),
        post(
            "NUL user id on recover (item 3)",
            "/oauth2/recover",
            form(("grant_type", "refresh_token"), ("user_id", "%00")),
            auth="basic",
        ),
        post(
            "NUL username on the consent form (item 3)",
            "/oauth2/authorize",
            form(("username", "a%00"), ("password", "x")),
            auth=None,
            envelope="page",
        ),
        post(
            "profile fullName with NUL (item 3)", PROFILE, form(("fullName", "a%00b")), unchanged_profile=True
        ),
        post(
            "profile locale of 11 characters (item 3)",
            PROFILE,
            form(("locale", "en_US_POSIX")),
            unchanged_profile=True,
        ),
        post(
            "profile locale of 10,000 characters",
            PROFILE,
            form(("locale", "e" * 10_000)),
            unchanged_profile=True,
        ),
    ],
    "absurd dates and numbers": [
        Case("year 0", target=f"{STEPS}/0000-01-01/7d.json"),
        Case("year 1, 7d (item 7)", target=f"{STEPS}/0001-01-01/7d.json"),
        Case("year 1, 1y (item 7)", target=f"{STEPS}/0001-01-01/1y.json"),
        Case("year 1 AZM 1m (item 7)", target=f"{AZM}/0001-01-01/1m.json"),
        Case("year 1 heart 1m (item 7)", target=f"{HEART}/0001-01-07/1m.json"),
        Case("year 1 range", target=f"{STEPS}/0001-01-01/0001-01-07.json"),
        Case("year 9999 max (item 1)", target=f"{STEPS}/9999-12-31/max.json", status=400),
        Case("last served date, max (item 1)", target=f"{STEPS}/9998-12-31/max.json", status=422),
        Case("year 10000", target=f"{STEPS}/10000-01-01/7d.json"),
        Case("month 13", target=f"{STEPS}/2024-13-01/7d.json", status=400),
        Case("day 32", target=f"{STEPS}/2024-01-32/7d.json", status=400),
        Case("February 30", target=f"{STEPS}/2024-02-30/7d.json", status=400),
        Case("negative year", target=f"{STEPS}/-2024-01-01/7d.json"),
        Case("Today", target=f"{STEPS}/Today/7d.json"),
        Case("TODAY", target=f"{STEPS}/TODAY/7d.json"),
        Case("today with a space", target=f"{STEPS}/today%20/7d.json"),
        Case("yesterday", target=f"{STEPS}/yesterday/7d.json"),
        Case("period 0d", target=f"{STEPS}/today/0d.json"),
        Case("period -7d", target=f"{STEPS}/today/-7d.json"),
        Case("period 99999999999999999999d", target=f"{STEPS}/today/99999999999999999999d.json"),
        Case("period 1000y", target=f"{STEPS}/today/1000y.json"),
        Case("end before start", target=f"{STEPS}/2026-01-10/2026-01-01.json"),
        Case("range of 1096 days", target=f"{STEPS}/2023-01-01/2026-01-01.json"),
        Case("range 0001 to 9999", target=f"{STEPS}/0001-01-01/9999-12-31.json"),
        Case("intraday 24:00", target=f"{STEPS}/today/1d/1min/time/00:00/24:00.json"),
        Case("intraday 99:99", target=f"{STEPS}/today/1d/1min/time/99:99/23:00.json"),
        Case("intraday -1:00", target=f"{STEPS}/today/1d/1min/time/-1:00/23:00.json"),
        Case("intraday 12:60", target=f"{HEART}/today/1d/1sec/time/12:00/12:60.json"),
        Case(
            "intraday over 24 h",
            target=f"{HEART}/today/today/1sec.json?x=1".replace("today/today", "2026-01-01/2026-01-03"),
        ),
        Case("detail level 0min", target=f"{STEPS}/today/1d/0min.json"),
        Case("detail level 99999999999999min", target=f"{STEPS}/today/1d/99999999999999min.json"),
        post(
            "profile birthday 9999-12-31 (item 10)",
            PROFILE,
            form(("birthday", "9999-12-31")),
            unchanged_profile=True,
        ),
        post(
            "profile birthday 0001-01-01", PROFILE, form(("birthday", "0001-01-01")), unchanged_profile=True
        ),
        post(
            "profile birthday 2024-13-01", PROFILE, form(("birthday", "2024-13-01")), unchanged_profile=True
        ),
        post(
            "profile height 9999.99 (item 10)", PROFILE, form(("height", "9999.99")), unchanged_profile=True
        ),
        post("profile height -1", PROFILE, form(("height", "-1")), unchanged_profile=True),
        post("profile height NaN", PROFILE, form(("height", "NaN")), unchanged_profile=True),
        post("profile height Infinity", PROFILE, form(("height", "Infinity")), unchanged_profile=True),
        post("profile height 1e309", PROFILE, form(("height", "1e309")), unchanged_profile=True),
        post(
            "profile invalid locale with a new timezone (item 5)",
            PROFILE,
            form(("timezone", "Europe/Paris"), ("locale", "x" * 40)),
            unchanged_profile=True,
        ),
        post(
            "profile timezone Mars/Olympus",
            PROFILE,
            form(("timezone", "Mars/Olympus")),
            unchanged_profile=True,
        ),
        admin(
            "admin fault count 10^30 (item 8)",
            "/_sandbox/faults",
            b'{"status": 503, "count": 1000000000000000000000000000000}',
        ),
        admin("admin fault count -1", "/_sandbox/faults", b'{"status": 503, "count": -1}'),
        admin("admin fault status 99999", "/_sandbox/faults", b'{"status": 99999}'),
        admin("admin advance 10^12 days (item 8)", "/_sandbox/clock", b'{"advance": "1000000000000d"}'),
        admin("admin advance -10^12 days", "/_sandbox/clock", b'{"advance": "-1000000000000d"}'),
        admin("admin advance 1e400 seconds", "/_sandbox/clock", b'{"advance": 1e400}'),
        admin("admin set year 0", "/_sandbox/clock", b'{"set": "0000-01-01T00:00:00Z"}'),
        admin("admin set year 10000", "/_sandbox/clock", b'{"set": "10000-01-01T00:00:00Z"}'),
        admin("admin set year 1", "/_sandbox/clock", b'{"set": "0001-01-01T00:00:00Z"}'),
        admin("admin deeply nested JSON", "/_sandbox/faults", b"[" * 100_000 + b"]" * 100_000),
    ],
    "oversized and slow bodies": [
        Case("declared 2 MiB to the profile (real socket)", raw=raw_post(PROFILE, str(2 * 1024 * 1024))),
        Case(
            "declared 300 MB to authorize (item 2, real socket)",
            raw=raw_post("/oauth2/authorize", "300000000", b"username=a", auth=False),
            envelope="page",
        ),
        Case("declared 2^64 (item 9, real socket)", raw=raw_post(PROFILE, str(2**64))),
        Case("declared 100, sent 5 (item 9, real socket)", raw=raw_post(PROFILE, "100", b"local")),
        Case(
            "declared 100, sent 5 to the token endpoint (real socket)",
            raw=raw_post("/oauth2/token", "100", b"grant", auth=False),
        ),
        Case(
            "2.6 MB chunked to the profile under Content-Length: 10 (real socket)",
            raw=raw_post(PROFILE, "10", b"")[:-2]
            + b"Transfer-Encoding: chunked\r\n\r\n"
            + b"".join(b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n" for _ in range(40))
            + b"0\r\n\r\n",
        ),
        Case(
            # Content-Length and chunked together is refused by the HTTP parser (request smuggling), so over a socket
            # a body can only stream past a limit in-process (tests/test_edge.py sends one through ASGI)
            "2.6 MB chunked to authorize under Content-Length: 10 (item 2, real socket)",
            raw=raw_post("/oauth2/authorize", "10", b"", auth=False)[:-2]
            + b"Transfer-Encoding: chunked\r\n\r\n"
            + b"".join(b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n" for _ in range(40))
            + b"0\r\n\r\n",
            envelope="any",
        ),
        Case(
            "declared 100, sent 5 to authorize (real socket)",
            raw=raw_post("/oauth2/authorize", "100", b"usern", auth=False),
            envelope="page",
        ),
        Case(
            "declared 100, sent 5 to the admin API (real socket)",
            raw=raw_post("/_sandbox/clock", "100", b'{"adv', content_type="application/json", auth=False),
            envelope="any",
        ),
        Case(
            "a POST without Content-Length (411)",
            raw=b"POST /1/user/-/profile.json HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n5\r\nlocal\r\n0\r\n\r\n",
            status=411,
        ),
        post("a 2 MiB profile body", PROFILE, b"fullName=" + b"a" * 2 * 1024 * 1024),
        token_post(
            "a 100 KiB token body", form(("grant_type", "refresh_token"), ("refresh_token", "a" * 100_000))
        ),
        post(
            "a 100 KiB consent form",
            "/oauth2/authorize",
            form(("username", "a" * 100_000), ("password", "x")),
            auth=None,
            envelope="page",
        ),
        # the edge refuses a body over 1 MiB before any route reads it: the classic body, on the admin API too
        admin(
            "admin body of 2 MiB",
            "/_sandbox/faults",
            b'{"path_prefix": "' + b"a" * 2 * 1024 * 1024 + b'"}',
            envelope="classic",
        ),
    ],
    "wrong content types": [
        post(
            "JSON to the profile",
            PROFILE,
            b'{"fullName": "x", "height": 9999}',
            content_type="application/json",
            unchanged_profile=True,
            expect="ignored",
        ),
        post(
            "text/plain to the profile",
            PROFILE,
            b"height=9999",
            content_type="text/plain",
            unchanged_profile=True,
            expect="ignored",
        ),
        token_post(
            "JSON to the token endpoint",
            b'{"grant_type": "refresh_token", "refresh_token": "{refresh}"}',
            content_type="application/json",
        ),
        post(
            "JSON to revoke",
            "/oauth2/revoke",
            b'{"token": "{token}"}',
            content_type="application/json",
            auth="basic",
            expect="ignored",
        ),
        post(
            "JSON to introspect",
            "/1.1/oauth2/introspect",
            b'{"token": "{token}"}',
            content_type="application/json",
            expect="ignored",
        ),
        post(
            "JSON to the consent form",
            "/oauth2/authorize",
            b'{"username": "ann", "password": "x"}',
            content_type="application/json",
            auth=None,
            envelope="page",
        ),
        token_post(
            "multipart without a boundary to the token endpoint",
            b"--x\r\n\r\n",
            content_type="multipart/form-data",
        ),
        post(
            "multipart without a boundary to the profile",
            PROFILE,
            b"--x\r\n\r\n",
            content_type="multipart/form-data",
            unchanged_profile=True,
        ),
        post(
            "multipart with a bad boundary to the profile",
            PROFILE,
            b"garbage",
            content_type="multipart/form-data; boundary=zzz",
            unchanged_profile=True,
        ),
        token_post(
            "text/plain to the token endpoint",
            form(("grant_type", "refresh_token"), ("refresh_token", "a")),
            content_type="text/plain",
        ),
        post(
            "form with a charset that does not exist",
            PROFILE,
            form(("fullName", "x%ff")),
            content_type=FORM + "; charset=no-such-charset",
            expect="ignored",
        ),
        admin(
            "text/plain to the admin clock (item 8)",
            "/_sandbox/clock",
            b'{"advance": "1h"}',
            content_type="text/plain",
            status=415,
        ),
        admin(
            "form to the admin faults (item 8)",
            "/_sandbox/faults",
            b"status=503&count=2",
            content_type=FORM,
            status=415,
        ),
        admin(
            "multipart to the admin faults",
            "/_sandbox/faults",
            b"--x\r\n\r\n",
            content_type="multipart/form-data",
            status=415,
        ),
        admin("admin JSON that is a list", "/_sandbox/faults", b"[1, 2]"),
        admin("admin JSON that is not JSON", "/_sandbox/clock", b"{advance: 1h"),
        admin("admin JSON in latin-1", "/_sandbox/clock", b'{"advance": "1h\xff"}'),
        admin(
            "admin wrong type for frozen",
            "/_sandbox/clock",
            b'{"set": "2026-01-01T00:00:00Z", "frozen": "false"}',
        ),
        admin("admin unknown field", "/_sandbox/faults", b'{"status": 503, "sneaky": 1}'),
        admin("admin query parameters only (item 8)", "/_sandbox/clock?advance=1h", b""),
    ],
    "range edges, methods and OAuth parameters": [
        Case(
            name,
            target=target,
            expect="answered",
            auth=auth,
            envelope=envelope,
        )
        for name, target, auth, envelope in [
            ("1900-01-01, 7d", f"{STEPS}/1900-01-01/7d.json", "owner", "classic"),
            ("1900-01-01, 1y", f"{STEPS}/1900-01-01/1y.json", "owner", "classic"),
            ("1900-01-01 max", f"{STEPS}/1900-01-01/max.json", "owner", "classic"),
            ("1900-01-01 in UTC", f"{STEPS}/1900-01-01/1d.json?timezone=UTC", "owner", "classic"),
            ("1900-01-01 heart in UTC", f"{HEART}/1900-01-01/1d.json?timezone=UTC", "owner", "classic"),
            (
                "1900-01-01 intraday in UTC",
                f"{STEPS}/1900-01-01/1d/1min.json?timezone=UTC",
                "owner",
                "classic",
            ),
            (
                "1900-01-01 heart intraday in UTC",
                f"{HEART}/1900-01-01/1d/1sec.json?timezone=UTC",
                "owner",
                "classic",
            ),
            ("1900-01-01 AZM in UTC", f"{AZM}/1900-01-01/1d.json?timezone=UTC", "owner", "classic"),
            ("1899-12-31", f"{STEPS}/1899-12-31/1d.json", "owner", "classic"),
            ("9999-12-31, 1d", f"{STEPS}/9999-12-31/1d.json", "owner", "classic"),
            ("9999-12-31 in UTC", f"{STEPS}/9999-12-31/1d.json?timezone=UTC", "owner", "classic"),
            ("9999-12-31 heart in UTC", f"{HEART}/9999-12-31/1d.json?timezone=UTC", "owner", "classic"),
            ("9999-12-31 AZM in UTC", f"{AZM}/9999-12-31/1d.json?timezone=UTC", "owner", "classic"),
            (
                "9999-12-31 intraday in UTC",
                f"{STEPS}/9999-12-31/1d/1min.json?timezone=UTC",
                "owner",
                "classic",
            ),
            (
                "9999-12-31 heart intraday in UTC",
                f"{HEART}/9999-12-31/1d/1sec.json?timezone=UTC",
                "owner",
                "classic",
            ),
            (
                "9999-12-31 intraday window to 23:59:59",
                f"{HEART}/9999-12-31/1d/1sec/time/23:00:00/23:59:59.json?timezone=UTC",
                "owner",
                "classic",
            ),
            (
                "9999-12-30 to 9999-12-31 in UTC",
                f"{STEPS}/9999-12-30/9999-12-31.json?timezone=UTC",
                "owner",
                "classic",
            ),
            ("9999-12-31 daily summary", "/1/user/-/activities/date/9999-12-31.json", "owner", "classic"),
            (
                "9999-12-31 daily summary in UTC",
                "/1/user/-/activities/date/9999-12-31.json?timezone=UTC",
                "owner",
                "classic",
            ),
            (
                "1900-01-01 daily summary in UTC",
                "/1/user/-/activities/date/1900-01-01.json?timezone=UTC",
                "owner",
                "classic",
            ),
            (
                "intraday window 23:59 to 00:00",
                f"{STEPS}/today/1d/1min/time/23:59/00:00.json",
                "owner",
                "classic",
            ),
            (
                "intraday window 00:00 to 00:00",
                f"{STEPS}/today/1d/1min/time/00:00/00:00.json",
                "owner",
                "classic",
            ),
            (
                "intraday window 23:59:60",
                f"{HEART}/today/1d/1sec/time/23:59/23:59:60.json",
                "owner",
                "classic",
            ),
            ("intraday window 1:2", f"{HEART}/today/1d/1sec/time/1:2/3:4.json", "owner", "classic"),
            ("intraday for a Server app without intraday", f"{HEART}/today/1d/1sec.json", "server", "google"),
            ("another user's data", "/1/user/ZZZZZZ/profile.json", "owner", "classic"),
            ("an unknown resource", "/1/user/-/activities/nope/date/today/7d.json", "owner", "classic"),
            ("a .xml extension", f"{STEPS}/today/7d.xml", "owner", "any"),
            ("no extension", f"{STEPS}/today/7d", "owner", "any"),
            ("API version 2", "/2/user/-/profile.json", "owner", "any"),
            ("API version 1.3", "/1.3/user/-/profile.json", "owner", "any"),
            (
                "5,000 query parameters",
                PROFILE + "?" + "&".join(f"p{i}=1" for i in range(5_000)),
                "owner",
                "any",
            ),
        ]
    ]
    + [
        Case("DELETE the profile", "DELETE", PROFILE, envelope="any"),
        Case(
            "PUT the token endpoint",
            "PUT",
            "/oauth2/token",
            auth="basic",
            envelope="any",
            content_type=FORM,
            body=b"",
        ),
        Case(
            "PATCH the admin clock",
            "PATCH",
            "/_sandbox/clock",
            auth=None,
            envelope="any",
            content_type="application/json",
            body=b"{}",
        ),
        Case("GET the token endpoint", "GET", "/oauth2/token", auth="basic", envelope="any"),
        token_post(
            "unknown grant type", form(("grant_type", "password"), ("username", "ann"), ("password", "x"))
        ),
        token_post(
            "code of 100 KB",
            form(
                ("grant_type", "authorization_code"),
                ("code", "a" * 60_000),
                ("redirect_uri", REDIRECT),
                ("code_verifier", "v" * 5000),
            ),
        ),
        token_post(
            "expires_in -1 on refresh",
            form(("grant_type", "refresh_token"), ("refresh_token", "{refresh}x"), ("expires_in", "-1")),
        ),
        authorize(
            "expires_in -1 (implicit)",
            AUTHORIZE_OK.replace("code", "token") + "&expires_in=-1",
            expect="answered",
        ),
        authorize(
            "expires_in 10^20 (implicit)",
            AUTHORIZE_OK.replace("code", "token") + "&expires_in=" + "9" * 20,
            expect="answered",
        ),
        authorize(
            "code_challenge_method unknown",
            AUTHORIZE_OK + "&code_challenge=abc&code_challenge_method=S512",
            expect="answered",
        ),
        authorize(
            "code_challenge of 10,000 characters",
            AUTHORIZE_OK + "&code_challenge_method=S256&code_challenge=" + "a" * 10_000,
            expect="answered",
        ),
        authorize("state of 100 KB", AUTHORIZE_OK + "&state=" + "s" * 60_000, expect="answered"),
        authorize(
            "scope of 10,000 words",
            AUTHORIZE_OK.replace("scope=profile", "scope=" + "+".join(["x"] * 10_000)),
            expect="answered",
        ),
        authorize("prompt unknown", AUTHORIZE_OK + "&prompt=everything", expect="answered"),
        authorize("redirect_uri with a fragment", AUTHORIZE_OK.replace(REDIRECT, REDIRECT + "%23frag")),
        authorize("redirect_uri javascript:", AUTHORIZE_OK.replace(REDIRECT, "javascript:alert(1)")),
        post("profile gender X", PROFILE, form(("gender", "X")), unchanged_profile=True),
        post(
            "profile weight as text",
            PROFILE,
            form(("weight", "heavy")),
            unchanged_profile=True,
            expect="answered",
        ),
        post(
            "profile strideLengthWalking -5", PROFILE, form(("strideLengthWalking", "-5")), expect="answered"
        ),
        post(
            "profile a field with 1,000 parameters",
            PROFILE,
            "&".join(f"f{i}=1" for i in range(1000)).encode(),
            expect="answered",
        ),
        post(
            "introspect without a token",
            "/1.1/oauth2/introspect",
            b"token=",
            envelope="any",
            expect="answered",
        ),
        post(
            "recover with a wrong secret",
            "/oauth2/recover",
            form(("grant_type", "refresh_token"), ("user_id", "ZZZZZZ")),
            auth="basic-wrong",
        ),
    ],
    "duplicate parameters": [
        Case("timezone twice", target=f"{STEPS}/today/7d.json?timezone=UTC&timezone=x", expect="ignored"),
        Case(
            "timezone twice, both bad",
            target=f"{STEPS}/today/7d.json?timezone=x&timezone=y",
            expect="ignored",
        ),
        token_post(
            "grant_type twice",
            form(
                ("grant_type", "refresh_token"),
                ("grant_type", "authorization_code"),
                ("refresh_token", "{refresh}"),
            ),
        ),
        token_post(
            "refresh_token twice",
            form(("grant_type", "refresh_token"), ("refresh_token", "{refresh}"), ("refresh_token", "x")),
        ),
        token_post(
            "client_id twice",
            form(
                ("grant_type", "refresh_token"),
                ("refresh_token", "{refresh}"),
                ("client_id", "{client_id}"),
                ("client_id", "ZZZZZZ"),
            ),
        ),
        authorize("client_id twice", AUTHORIZE_OK + "&client_id=ZZZZZZ"),
        authorize("redirect_uri twice", AUTHORIZE_OK + "&redirect_uri=https://evil.example/cb"),
        authorize("response_type twice", AUTHORIZE_OK + "&response_type=token"),
        post("fullName twice to the profile", PROFILE, form(("fullName", "a"), ("fullName", "b%00"))),
        post(
            "username twice on the consent form",
            "/oauth2/authorize",
            form(("username", "ann"), ("username", "bob"), ("password", "x")),
            auth=None,
            envelope="page",
        ),
        admin("admin duplicate JSON keys", "/_sandbox/faults", b'{"count": 1, "count": 1e30, "status": 503}'),
    ],
    "requests the HTTP parser refuses (item 12)": [
        Case(
            "NUL in the request target",
            raw=b"GET /1/user/-/profile.json\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
            status=400,
        ),
        Case("0xff in the request target", raw=b"GET /1/user/-/\xff HTTP/1.1\r\nHost: x\r\n\r\n", status=400),
        Case("NUL in a header", raw=b"GET / HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n", status=400),
        Case(
            "negative Content-Length",
            raw=b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            status=400,
        ),
        Case(
            "two different Content-Lengths",
            raw=b"POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\nabcde",
            status=400,
        ),
        Case(
            "a 1 MB header",
            raw=b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n",
            status=400,
        ),
        Case("garbage request line", raw=b"\xff\xfe GARBAGE\r\n\r\n", status=400),
        Case(  # refused after the body timeout (1 s here), not held open for as long as the client likes
            "a request head that stops half-way",
            raw=b"GET /1/user/-/profile.json HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n",
            status=400,
        ),
    ],
}

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@dataclass
class Bench:
    backend: str
    services: Services
    http: httpx.Client
    server: RunningServer
    values: dict[str, str]
    tokens: dict[str, str]
    sent: int = 0
    slowest: tuple[float, str] = (0.0, "")
    statuses: dict[int, int] = field(default_factory=dict)

    def profile(self) -> Any:
        return self.http.get(PROFILE, headers={"Authorization": f"Bearer {self.values['token']}"}).json()


def tampered_tokens(
    services: Services, access: str, refresh: str, expired: str, revoked: str
) -> dict[str, str]:
    header, payload, signature = access.split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    none_header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
    return {
        "flipped-signature": f"{header}.{payload}.{flipped}",
        "alg-none": f"{none_header}.{payload}.",
        "truncated": access[: len(access) // 2],
        "another-servers-key": jwt.encode(claims, b"k" * 32, algorithm="HS256", headers={"typ": None}),
        "expired": expired,
        "revoked": revoked,
        "refresh-as-access": refresh,
        "huge": access + "A" * 200_000,
        "empty": "",
        "not-a-jwt": "not a token at all",
        "two-tokens": f"{access} {access}",
    }


@pytest.fixture(scope="module", params=BACKENDS)
def bench(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    """One app per database: a user, a Personal app it owns and a Server app, their tokens (one expired, one revoked,
    a refresh token), served in-process and by a real uvicorn with fitbit-local's protocol class."""
    backend: str = request.param
    data = tmp_path_factory.mktemp(f"bad-inputs-{backend}")
    schema: str | None = None
    if backend == "sqlite":
        path = data / DATABASE_FILE
        path.write_bytes(Path(request.getfixturevalue("sqlite_template")).read_bytes())
        url = f"sqlite:///{path}"
    else:
        pool: SchemaPool = request.getfixturevalue("pg_schemas")
        schema = pool.acquire()
        url = pool.url(schema)
    settings = Settings(
        data_dir=str(data), database_url=url, rate_limit=1_000_000, rate_limit_backend="memory"
    )
    settings.body_timeout = BODY_TIMEOUT
    services = Services.build(settings)
    user = make_user(services, timezone="America/New_York")
    # a day of data, so `max` runs from it (and 9999-12-31/max.json is past the 1,095-day range: item 1)
    store_synthetic_days(services.store, user, days=1, end=services.clock.now_datetime().date(), seed=1)
    personal = make_app(services, "personal", name="personal", owner=user.id, redirect_uris=[REDIRECT])
    server_app = make_app(services, "server", name="server", redirect_uris=[REDIRECT])
    # the expired and the revoked token each under an app of their own: a revocation ends the whole grant
    stale_app = make_app(services, "server", name="stale", redirect_uris=[REDIRECT])
    gone_app = make_app(services, "server", name="gone", redirect_uris=[REDIRECT])
    now = services.clock.now_datetime()
    services.clock.set(now - timedelta(hours=9), frozen=True)
    expired = issue_token(services, stale_app.client_id, user.id, expires_in=CODE_FLOW_LIFETIME)
    services.clock.set(now, frozen=True)
    revoked = issue_token(services, gone_app.client_id, user.id)
    owner = issue_token(services, personal.client_id, user.id)
    server_tokens = issue_token(services, server_app.client_id, user.id)
    basic = b64(f"{server_app.client_id}:{server_app.secret}")
    values = {
        "token": str(owner["access_token"]),
        "refresh": str(server_tokens["refresh_token"]),
        "refresh_truncated": str(server_tokens["refresh_token"])[:20],
        "client_id": server_app.client_id,
    }
    with in_process(services) as open_client:
        http = open_client()
        revocation = http.post(
            "/oauth2/revoke",
            data={"token": str(revoked["access_token"])},
            headers={"Authorization": "Basic " + b64(f"{gone_app.client_id}:{gone_app.secret}")},
        )
        assert revocation.status_code == 200, revocation.text
        gone = http.get(PROFILE, headers={"Authorization": f"Bearer {revoked['access_token']}"})
        assert gone.status_code == 401, gone.text
        tokens = tampered_tokens(
            services,
            values["token"],
            str(owner["refresh_token"]),
            str(expired["access_token"]),
            str(revoked["access_token"]),
        )
        tokens["owner"] = values["token"]
        tokens["server"] = str(server_tokens["access_token"])
        tokens["basic"] = f"Basic {basic}"
        tokens["basic-wrong"] = "Basic " + base64.b64encode(f"{server_app.client_id}:nope".encode()).decode()
        server = start_parser_server(services)
        state = Bench(backend, services, http, server, values, tokens)
        started = time.monotonic()
        try:
            yield state
        finally:
            server.stop()
            services.store.close()
            if schema is not None:
                request.getfixturevalue("pg_schemas").release(schema)
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(state.statuses.items()))
    request.config.stash.setdefault(SUMMARY, []).append(
        f"bad inputs ({backend}): {state.sent} cases in {time.monotonic() - started:.1f} s; statuses {statuses};"
        f" slowest {state.slowest[0] * 1000:.0f} ms ({state.slowest[1]})"
    )


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def start_parser_server(services: Services) -> RunningServer:
    """uvicorn with fitbit-local's protocol class, as ``fitbit-local serve`` runs it (tests/conftest.py)."""
    return start_server(services)


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def fill_bytes(data: bytes, values: dict[str, str]) -> bytes:
    for key, value in values.items():
        data = data.replace(b"{" + key.encode() + b"}", value.encode())
    return data


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    closed: bool = True


def send(bench: Bench, case: Case) -> Answer:
    if case.raw is not None:
        return send_raw(bench.server, fill_bytes(case.raw, bench.values))
    headers = {name: fill(value, bench.values) for name, value in case.headers}
    if case.auth in ("basic", "basic-wrong"):
        headers["Authorization"] = bench.tokens[case.auth]
    elif case.auth is not None:
        headers["Authorization"] = f"Bearer {bench.tokens[case.auth]}"
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    body = (
        fill_bytes(
            case.body, {**bench.values, "token": bench.tokens.get(case.auth or "", bench.values["token"])}
        )
        if case.body is not None
        else None
    )
    request = bench.http.build_request(
        case.method, fill(case.target, bench.values), headers=headers, content=body
    )
    began = time.monotonic()
    response = bench.http.send(request)
    return Answer(response.status_code, dict(response.headers), response.content, time.monotonic() - began)


def send_raw(server: RunningServer, data: bytes, wait: float = 15.0) -> Answer:
    """Raw bytes to the real server; the answer's status, headers and body, and whether it closed the connection."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        began = time.monotonic()
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before it read everything: the answer is still there to read
        received = b""
        closed = False
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
            if complete(received):
                break
        seconds = time.monotonic() - began
        if not closed and b"connection: close" in received.partition(b"\r\n\r\n")[0].lower():
            sock.settimeout(2.0)
            try:
                closed = sock.recv(1) == b""
            except TimeoutError:
                closed = False
            except ConnectionResetError:
                closed = True
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return Answer(status, headers, body, seconds, closed)


def complete(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def envelope_problem(case: Case, answer: Answer) -> str | None:
    """Why the body is not the envelope the case expects (None when it is)."""
    text = answer.body.decode("utf-8", "replace")
    if "Traceback" in text or "Invalid HTTP request received" in text:
        return "a traceback or uvicorn's plain text"
    if case.envelope == "page":
        if not answer.headers.get("content-type", "").startswith("text/html"):
            return "not the consent page's HTML"
        return None if 'id="error"' in text or 'id="signin-error"' in text else "no error on the page"
    try:
        body = json.loads(answer.body)
    except ValueError:
        return "not JSON"
    kinds = {"classic": [CLASSIC], "google": [GOOGLE], "admin": [ADMIN], "any": [CLASSIC, GOOGLE, ADMIN]}
    return None if any(v.is_valid(body) for v in kinds[case.envelope]) else f"not a {case.envelope} envelope"


CASES = [
    pytest.param(case, id=f"{category}: {case.name}")
    for category, cases in CATALOGUE.items()
    for case in cases
]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_input_is_refused_in_fitbits_envelope(
    bench: Bench, case: Case, request: pytest.FixtureRequest
) -> None:
    if case.bug and bench.backend in case.bug_on:
        request.applymarker(pytest.mark.xfail(strict=True, reason=case.bug))
    before = bench.profile() if case.unchanged_profile else None
    answer = send(bench, case)
    bench.sent += 1
    bench.statuses[answer.status] = bench.statuses.get(answer.status, 0) + 1
    if answer.seconds > bench.slowest[0]:
        bench.slowest = (answer.seconds, case.name)
    request_line = (
        case.raw.split(b"\r\n")[0][:200] if case.raw is not None else f"{case.method} {case.target[:200]}"
    )
    seen = f"{request_line!s} → {answer.status} {answer.body[:300]!r}"
    assert answer.status < 500 and b"Traceback" not in answer.body, seen
    if case.expect == "ignored":
        assert 200 <= answer.status < 300, seen
    elif case.expect == "answered" and answer.status < 400:
        assert 200 <= answer.status < 300, seen
    else:
        if case.status is not None:
            assert answer.status == case.status, seen
        assert 400 <= answer.status < 500, seen
        problem = envelope_problem(case, answer)
        assert problem is None, f"{problem}: {seen}"
    if case.raw is not None:
        # the body timeout is BODY_TIMEOUT here; nothing else may wait at all
        assert answer.seconds < BODY_TIMEOUT + 4, f"{answer.seconds:.1f} s: {seen}"
    else:
        assert answer.seconds < 2.0, f"{answer.seconds:.1f} s: {seen}"
    if before is not None:
        assert bench.profile() == before, f"the refused write changed the profile: {seen}"


def test_time_zone_changes_after_a_zone_ahead_of_utc_are_kept(bench: Bench) -> None:
    """Issue #8 item 6: after Pacific/Kiritimati (UTC+14) then UTC, later changes must still be applied."""
    auth = {"Authorization": f"Bearer {bench.values['token']}"}
    try:
        for zone in ("Pacific/Kiritimati", "UTC", "Europe/Paris", "America/New_York"):
            response = bench.http.post(PROFILE, data={"timezone": zone}, headers=auth)
            assert response.status_code == 200, response.text
            assert bench.profile()["user"]["timezone"] == zone
    finally:
        bench.http.post(PROFILE, data={"timezone": "America/New_York"}, headers=auth)
