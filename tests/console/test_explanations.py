"""The refusal explanation: which pipeline step refused, why, and what fixes it, in X-Fitbit-Local-Explanation beside
Fitbit's unchanged body; and the request log that keeps it."""

from __future__ import annotations

import time

import httpx
import orjson

from fitbit_local.explanations import EXPLANATION_HEADER
from fitbit_local.services import Services
from fitbit_local.store.request_log import LoggedRequest, RequestLog, as_row, recent_requests
from tests.factories import bearer, issue_token, make_app, make_user

AZM_15MIN = "/1/user/-/activities/active-zone-minutes/date/today/1d/15min.json"
SEED_403 = {
    "error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}
}


def logged(services: Services, count: int, **filters: str) -> list[LoggedRequest]:
    """The log's rows once `count` are there (the writer thread flushes every 50 ms)."""
    deadline = time.monotonic() + 5
    while True:
        rows = recent_requests(services.store.engine, **filters)  # type: ignore[arg-type]
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def test_the_seed_case_is_explained_and_fixed_by_a_grant_and_a_new_token(
    services: Services, http: httpx.Client
) -> None:
    user = make_user(services)
    app = make_app(services, "server")
    old = issue_token(services, app.client_id, user.id, "activity heartrate")

    denied = http.get(AZM_15MIN, headers=bearer(old))
    assert denied.status_code == 403
    assert orjson.loads(denied.content) == SEED_403  # Fitbit's body, unchanged
    assert denied.headers[EXPLANATION_HEADER] == (
        f"intraday denied: Server app {app.client_id} has no intraday grant; grant it, then take a new token "
        "(tokens issued before the change keep the old permission)"
    )
    assert http.get("/1/user/-/activities/heart/date/today/1d.json", headers=bearer(old)).status_code == 200

    services.store.apps.update(app.client_id, intraday=True)
    still = http.get(AZM_15MIN, headers=bearer(old))
    assert still.status_code == 403
    assert still.headers[EXPLANATION_HEADER].startswith(
        f"intraday denied: this token was issued before Server app {app.client_id} got its intraday grant"
    )
    new = issue_token(services, app.client_id, user.id, "activity heartrate")
    ok = http.get(AZM_15MIN, headers=bearer(new))
    assert ok.status_code == 200
    assert EXPLANATION_HEADER not in ok.headers

    rows = logged(services, 4, client_id=app.client_id)
    assert [r.status for r in rows] == [200, 403, 200, 403]  # newest first
    assert rows[3].explanation == denied.headers[EXPLANATION_HEADER]
    assert rows[3].path == AZM_15MIN and rows[3].method == "GET" and rows[3].user_id == user.id
    assert rows[0].rate_remaining == int(ok.headers["Fitbit-Rate-Limit-Remaining"])
    assert rows[0].latency_ms >= 0


def test_each_pipeline_step_says_what_refused(services: Services, http: httpx.Client) -> None:
    user = make_user(services)
    other = make_user(services, name="bob")
    app = make_app(services, "server", read_only=True)
    token = issue_token(services, app.client_id, user.id, "profile")
    cases = [
        ("/1/user/-/profile.json", {}, 401, "authentication: no Authorization header"),
        (
            "/1/user/-/profile.json",
            {"Authorization": "Basic x"},
            401,
            "authentication: the Authorization header",
        ),
        ("/1/user/-/profile.json", bearer("nope"), 401, "authentication: the access token is unknown"),
        (f"/1/user/{other.id}/profile.json", bearer(token), 403, "user: the path names another user"),
        (
            "/1/user/-/activities/heart/date/today/1d.json",
            bearer(token),
            403,
            "scope: getHeartByDatePeriod needs",
        ),
        (
            "/1/user/-/activities/heart/date/2026-13-40/1d.json",
            bearer(issue_token(services, app.client_id, user.id)),
            400,
            "parameters: ",
        ),
    ]
    for path, headers, status, start in cases:
        response = http.get(path, headers=headers)
        assert response.status_code == status, path
        assert response.headers[EXPLANATION_HEADER].startswith(start), response.headers[EXPLANATION_HEADER]
    write = http.post("/1/user/-/profile.json", data={"aboutMe": "x"}, headers=bearer(token))
    assert write.status_code == 403
    assert write.headers[EXPLANATION_HEADER].startswith(
        f"write permission: Server app {app.client_id} is registered read-only; switch it to read-write"
    )


def test_an_injected_fault_names_itself(services: Services, http: httpx.Client) -> None:
    user = make_user(services)
    app = make_app(services, "server")
    fault = services.store.faults.add_fault("maintenance", client_id=app.client_id, count=1)
    response = http.get(
        "/1/user/-/profile.json", headers=bearer(issue_token(services, app.client_id, user.id))
    )
    assert response.status_code == 503
    assert response.headers[EXPLANATION_HEADER].startswith(f"injected fault: sandbox fault #{fault.id}")


def test_token_endpoint_refusals_are_explained(services: Services, http: httpx.Client) -> None:
    app = make_app(services, "server")
    response = http.post(
        "/oauth2/token",
        data={"grant_type": "authorization_code", "code": "x" * 40},
        auth=(app.client_id, "wrong secret"),
    )
    assert response.status_code == 401
    assert response.headers[EXPLANATION_HEADER] == (
        "token endpoint (token): the client secret does not match the app's; copy it again, or regenerate it in "
        "the console"
    )
    rows = logged(services, 1, client_id=app.client_id)
    assert rows[0].path == "/oauth2/token" and rows[0].status == 401


def test_the_explanation_header_is_printable_ascii(services: Services, http: httpx.Client) -> None:
    user = make_user(services)
    app = make_app(services, "server")
    token = issue_token(services, app.client_id, user.id)
    response = http.get("/1/user/-/activities/heart/date/2026-01-0\u00e9/1d.json", headers=bearer(token))
    assert response.status_code == 400
    assert all(" " <= c <= "~" for c in response.headers[EXPLANATION_HEADER])


def test_the_log_is_a_ring_of_the_newest(services: Services) -> None:
    log = RequestLog(services.store.engine, size=5)
    entries = [LoggedRequest(float(i), None, None, "GET", f"/1/{i}", 200, 1.0, None, None) for i in range(12)]
    for start in range(0, 12, 4):
        log._write([as_row(e) for e in entries[start : start + 4]])  # the writer's batches, here in order
    log._write([as_row(e) for e in entries[:8]])  # a batch longer than the ring: only its newest 5 are kept
    log._write([as_row(e) for e in entries[8:]])
    rows = recent_requests(services.store.engine)
    assert [r.path for r in rows] == [f"/1/{i}" for i in range(11, 6, -1)]


def test_a_batch_of_several_inserts_keeps_its_order_and_the_ring(services: Services) -> None:
    """The writer inserts a hundred rows a statement: a batch of 330 into a ring of 250 keeps the newest 250, in
    order, whatever statement each came in."""
    log = RequestLog(services.store.engine, size=250)
    entries = [
        LoggedRequest(float(i), None, None, "GET", f"/1/{i}", 200, 1.0, None, None) for i in range(330)
    ]
    log._write([as_row(e) for e in entries])
    rows = recent_requests(services.store.engine, limit=1000)
    assert [r.path for r in rows] == [f"/1/{i}" for i in range(329, 79, -1)]


def test_console_and_admin_requests_are_not_logged_and_the_admin_api_lists_the_log(
    services: Services, http: httpx.Client
) -> None:
    http.get("/console/")
    http.get("/_sandbox/clock")
    http.get("/1/user/-/profile.json?probe=1")
    # (a test database may hold rows a previous test's writer flushed late: look for this test's own)
    rows = logged(services, 1)
    assert "/1/user/-/profile.json?probe=1" in [r.path for r in rows]
    assert not [r.path for r in rows if r.path.startswith(("/console", "/_sandbox"))]
    listed = http.get("/_sandbox/requests", params={"status": "4xx"}).json()["requests"]
    probe = next(r for r in listed if r["path"] == "/1/user/-/profile.json?probe=1")
    assert probe["status"] == 401 and probe["explanation"].startswith("authentication:")
    assert all(400 <= r["status"] <= 499 for r in listed)
    assert http.get("/_sandbox/requests", params={"status": "20x"}).status_code == 400
    reset = http.post("/_sandbox/reset", json={})
    assert reset.status_code == 200 and reset.json()["requests_removed"] >= 1
    assert all(r.path != "/1/user/-/profile.json?probe=1" for r in recent_requests(services.store.engine))


def test_a_closed_store_is_not_reopened_by_the_log(tmp_path) -> None:
    from fitbit_local.store import Store

    store = Store.open(data_dir=tmp_path)
    log = RequestLog(store.engine, size=5)
    store.close()
    log.append(LoggedRequest(1.0, None, None, "GET", "/1/late", 200, 1.0, None, None))
    log.flush()
    assert store.engine.pool.checkedin() == 0  # no connection was opened after the close
    assert not log._running
