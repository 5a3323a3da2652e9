"""The sandbox admin API (sandbox/routes.py) refuses what it should with ``{"error": ...}`` and a 4xx, never a 500:
bodies a cross-site page could send, query parameters, and values out of range (issue #8 items 7 and 8)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from fitbit_local.services import Services
from tests.factories import bearer, issue_token, make_app, make_user

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
JSON = "application/json"

# (method, path, content type, body, status): each must be refused and change nothing.
REFUSED = [
    # what a web page can send cross-site without a CORS preflight: text/plain, form and multipart bodies
    ("POST", "/_sandbox/clock", "text/plain", b'{"advance": "1d"}', 415),
    ("POST", "/_sandbox/clock", "application/x-www-form-urlencoded", b"advance=1d", 415),
    ("POST", "/_sandbox/clock", "multipart/form-data; boundary=x", b"--x--", 415),
    ("POST", "/_sandbox/clock", None, b'{"advance": "1d"}', 415),
    ("POST", "/_sandbox/clock", None, b"", 415),
    ("POST", "/_sandbox/faults", "text/plain", b'{"status": 503}', 415),
    ("POST", "/_sandbox/faults", "application/x-www-form-urlencoded", b"status=503", 415),
    ("DELETE", "/_sandbox/faults", "text/plain", b"{}", 415),
    # query parameters are not read
    ("POST", "/_sandbox/clock?advance=1d", JSON, b"{}", 400),
    ("POST", "/_sandbox/faults?status=503", JSON, b"{}", 400),
    # malformed JSON and shapes
    ("POST", "/_sandbox/clock", JSON, b"{", 400),
    ("POST", "/_sandbox/clock", JSON, b"[1]", 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advance": "1d", "reset": true}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advence": "1d"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"reset": "yes"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"set": "2026-03-02T00:00:00Z", "frozen": "false"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"set": 20260302}', 400),
    # the clock's range (item 7) and huge moves (item 8)
    ("POST", "/_sandbox/clock", JSON, b'{"set": "0001-01-01T00:00:00Z"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"set": "1999-12-31T23:59:59Z", "frozen": true}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"set": "9999-12-31T23:59:59Z"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"set": "not a date"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advance": 1e300}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advance": 9223372036854775807}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advance": "99999999999999999999d"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advance": "1e400"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advance": "nan"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advance": "-P10000D"}', 400),
    ("POST", "/_sandbox/clock", JSON, b'{"advance": true}', 400),
    # fault values out of range or of the wrong type
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "count": 1000001}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "count": 99999999999999999999999}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "count": 0}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "count": "3"}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "count": 2.5}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 99999999999}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 999}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"error": "no_such_error"}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "app": "' + b"A" * 100 + b'"}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "user": 12}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "path_prefix": "' + b"/" * 3000 + b'"}', 400),
    ("POST", "/_sandbox/faults", JSON, b'{"status": 503, "cuont": 2}', 400),
    ("DELETE", "/_sandbox/faults", JSON, b'{"id": 99999999999}', 400),
]


@pytest.mark.parametrize(("method", "path", "content_type", "body", "status"), REFUSED)
def test_refused_requests_change_nothing(services: Services, http, method, path, content_type, body, status):
    services.clock.set(START, frozen=True)
    services.store.faults.add_fault("maintenance", count=5)
    before = (http.get("/_sandbox/clock").json(), http.get("/_sandbox/faults").json()["faults"])
    headers = {"Content-Type": content_type} if content_type else {}
    response = http.request(method, path, content=body, headers=headers)
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"} and response.json()["error"]
    assert (http.get("/_sandbox/clock").json(), http.get("/_sandbox/faults").json()["faults"]) == before


def test_json_writes_are_accepted(services: Services, http):
    def post(path: str, body: dict[str, object], content_type: str = JSON):
        return http.post(path, content=orjson.dumps(body), headers={"Content-Type": content_type})

    assert post("/_sandbox/clock", {"set": "2026-03-01T12:00:00Z", "frozen": True}).json()["now"] == (
        "2026-03-01T12:00:00Z"
    )
    moved = post("/_sandbox/clock", {"advance": 90}, "application/json; charset=utf-8").json()
    assert moved["now"] == "2026-03-01T12:01:30Z"
    assert post("/_sandbox/clock", {"advance": "-PT1M30S"}).json()["now"] == "2026-03-01T12:00:00Z"
    assert post("/_sandbox/clock", {"set": "2000-01-01T00:00:00Z", "frozen": True}).status_code == 200
    first = post("/_sandbox/faults", {"status": 503, "count": 1_000_000}).json()
    second = post(
        "/_sandbox/faults", {"error": "expired_token", "app": "22BDPG", "path_prefix": "/1/"}
    ).json()
    assert (first["remaining"], second["error"]) == (1_000_000, "expired_token")
    removed = http.request(
        "DELETE", "/_sandbox/faults", content=b'{"id": %d}' % first["id"], headers={"Content-Type": JSON}
    )
    assert removed.json() == {"removed": 1}
    assert [f["id"] for f in http.get("/_sandbox/faults").json()["faults"]] == [second["id"]]
    assert http.delete("/_sandbox/faults").json() == {
        "removed": 1
    }  # bodiless: browsers never send it cross-site
    assert post("/_sandbox/clock", {"reset": True}).json()["frozen"] is False


def test_today_answers_at_both_ends_of_the_clock_range(services: Services, http):
    """Issue #8 item 7: with the clock at year 1 `today` was a 500; the clock can no longer go there, and at its
    limits the API still answers."""
    user = make_user(services, name="ann", timezone="Pacific/Kiritimati")
    app = make_app(services)
    refused = http.post("/_sandbox/clock", json={"set": "0001-01-01T00:00:00Z", "frozen": True})
    assert refused.status_code == 400 and "2000-01-01" in refused.json()["error"]
    for instant in ("2000-01-01T00:00:00Z", "9899-12-31T23:59:59Z"):
        assert http.post("/_sandbox/clock", json={"set": instant, "frozen": True}).status_code == 200
        token = issue_token(services, app.client_id, user.id)  # a token lives 8 hours of the sandbox clock
        for path in ("/1/user/-/activities/steps/date/today/1y.json", "/1/user/-/profile.json"):
            assert http.get(path, headers=bearer(token)).status_code == 200, (instant, path)
