"""Every catalogue row, triggered through HTTP against the app.

Rows with a natural trigger on the resource API and the edge are triggered that way here; the OAuth rows are
triggered in tests/oauth, the validation rows in tests/api. Every remaining row (and, as a second check, every
non-consent row) is triggered through the sandbox's fault injection, which is how client developers meet them.
The last test checks that no row is left without a test that names it.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from fitbit_local.errors.catalogue import CATALOGUE, OAUTH_SUFFIX, Envelope
from tests.factories import bearer, issue_token, make_app, make_user

PROFILE = "/1/user/-/profile.json"


def classic(response: httpx.Response) -> dict:
    body = response.json()
    assert body["success"] is False
    assert len(body["errors"]) == 1
    return body["errors"][0]


@pytest.fixture
def token(services):
    user = make_user(services)
    app = make_app(services)
    return issue_token(services, app.client_id, user.id, scopes="profile activity")


def test_no_authorization_header(http):
    response = http.get(PROFILE)
    assert response.status_code == 401
    assert classic(response) == {
        "errorType": "invalid_request",
        "message": "Authorization header required" + OAUTH_SUFFIX,
    }
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api.fitbit.com"'


def test_not_a_bearer_token(http, token):
    response = http.get(PROFILE, headers={"Authorization": f"Basic {token['access_token']}"})
    assert response.status_code == 401
    assert classic(response) == {
        "errorType": "system",
        "message": "Authorization error: invalid authorization token type",
    }


def test_invalid_token(http):
    response = http.get(PROFILE, headers=bearer("not-a-token"))
    assert response.status_code == 401
    assert classic(response) == {
        "errorType": "invalid_token",
        "message": "Access token invalid: not-a-token" + OAUTH_SUFFIX,
    }


def test_expired_token_by_the_sandbox_clock(services, http, token):
    assert http.get(PROFILE, headers=bearer(token)).status_code == 200
    services.clock.advance(8 * 3600 + 1)
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 401
    assert classic(response) == {
        "errorType": "expired_token",
        "message": f"Access token expired: {token['access_token']}" + OAUTH_SUFFIX,
    }


def test_insufficient_scope(services, http):
    user = make_user(services)
    app = make_app(services)
    token = issue_token(services, app.client_id, user.id, scopes="activity")
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 403
    assert classic(response) == {
        "errorType": "insufficient_scope",
        "message": "This application does not have permission to access profile data" + OAUTH_SUFFIX,
    }


def test_another_users_data(services, http, token):
    other = make_user(services, name="bob")
    response = http.get(f"/1/user/{other.id}/profile.json", headers=bearer(token))
    assert response.status_code == 403
    assert classic(response) == {
        "errorType": "insufficient_permissions",
        "message": "API client is not authorized by the resource owner to access the resource requested"
        + OAUTH_SUFFIX,
    }


def test_own_encoded_id_is_the_same_as_dash(services, http, token):
    own = http.get(f"/1/user/{token['user_id']}/profile.json", headers=bearer(token))
    dash = http.get(PROFILE, headers=bearer(token))
    assert own.status_code == dash.status_code == 200
    assert own.json() == dash.json()


def test_read_only_app_cannot_write(services, http):
    user = make_user(services)
    app = make_app(services, read_only=True)
    token = issue_token(services, app.client_id, user.id, scopes="profile")
    assert http.get(PROFILE, headers=bearer(token)).status_code == 200
    response = http.post(PROFILE, headers=bearer(token), data={"fullName": "Ann Other"})
    assert response.status_code == 403
    assert classic(response) == {
        "errorType": "insufficient_permissions",
        "message": "Read-only API client is not authorized to update resources",
    }


def test_switching_access_mode_invalidates_existing_tokens(services, http):
    user = make_user(services)
    app = make_app(services)
    token = issue_token(services, app.client_id, user.id, scopes="profile")
    assert http.post(PROFILE, headers=bearer(token), data={"fullName": "Ann Writer"}).status_code == 200
    services.store.apps.update(app.client_id, read_only=True)
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 401
    assert classic(response)["errorType"] == "invalid_token"
    fresh = issue_token(services, app.client_id, user.id, scopes="profile")
    assert http.get(PROFILE, headers=bearer(fresh)).status_code == 200
    assert http.post(PROFILE, headers=bearer(fresh), data={"fullName": "x"}).status_code == 403


def test_unknown_path_is_fitbits_not_found(http):
    response = http.get("/1/user/-/no-such-thing.json")
    assert response.status_code == 404
    assert classic(response) == {
        "errorType": "not_found",
        "message": "The API you are requesting could not be found",
    }


def test_wrong_method_is_405(http, token):
    response = http.delete(PROFILE, headers=bearer(token))
    assert response.status_code == 405
    assert classic(response) == {
        "message": "The request method being used is not allowed to be executed against the server."
    }


def test_post_without_content_length_is_411(live_http, token):
    # a real server: a chunked body (no Content-Length) over a socket
    def chunks():
        yield b"fullName=x"

    response = live_http.post(
        PROFILE,
        headers={**bearer(token), "Content-Type": "application/x-www-form-urlencoded"},
        content=chunks(),
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 411
    assert classic(response) == {
        "errorType": "MissingContentLength",
        "message": "The Content-Length HTTP header is missing",
    }


def test_plain_http_where_https_is_required(services, http, token):
    services.settings.require_https = True
    plain = http.get(PROFILE, headers=bearer(token))
    proxied = http.get(PROFILE, headers={**bearer(token), "X-Forwarded-Proto": "https"})
    assert plain.status_code == 400
    assert classic(plain) == {"errorType": "request", "message": "This request should use https protocol."}
    assert proxied.status_code == 200


def test_request_to_an_invalid_domain(services, live_http, token):
    # a real server: the Host header is what a client sends to a loopback address
    services.settings.allowed_hosts = ["api.fitbit.local"]
    wrong = live_http.get(PROFILE, headers=bearer(token))
    right = live_http.get(PROFILE, headers={**bearer(token), "Host": "api.fitbit.local"})
    assert wrong.status_code == 400
    assert classic(wrong) == {"errorType": "request", "message": "Request to invalid domain: 127.0.0.1"}
    assert right.status_code == 200


def test_a_real_failure_is_the_documented_500_not_a_traceback(services, http, token):
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE daily_summaries")
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == 500
    assert classic(response) == {
        "errorType": "request",
        "message": "An error occurred with the Fitbit Web API while processing the request.",
    }
    assert "Traceback" not in response.text


def test_undecodable_form_body_is_the_documented_400(http, token):
    response = http.post(
        PROFILE,
        headers={**bearer(token), "Content-Type": "multipart/form-data"},  # no boundary: unparseable
        content=b"--zz\r\nbroken",
    )
    assert response.status_code == 400
    assert classic(response) == {
        "errorType": "invalid_request",
        "message": "There was an error reading the request body",
    }


def test_bad_profile_values_are_validation_errors(http, token):
    response = http.post(PROFILE, headers=bearer(token), data={"gender": "robot"})
    assert response.status_code == 400
    assert classic(response) == {
        "errorType": "validation",
        "fieldName": "gender",
        "message": "Invalid gender parameter value: robot",
    }
    response = http.post(PROFILE, headers=bearer(token), data={"birthday": "1990-02-30"})
    assert classic(response) == {
        "errorType": "validation",
        "fieldName": "date",
        "message": "Invalid date: 1990-02-30",
    }


# --- every row through fault injection ------------------------------------------------------------------------------

INJECTABLE = sorted(key for key, row in CATALOGUE.items() if row.envelope is not Envelope.CONSENT_PAGE)


@pytest.mark.parametrize("key", INJECTABLE)
def test_every_row_can_be_injected(services, http, token, key):
    row = CATALOGUE[key]
    services.store.sandbox.add_fault(key, path_prefix="/1/user/-/profile", count=1)
    response = http.get(PROFILE, headers=bearer(token))
    assert response.status_code == row.status
    body = response.json()
    if row.envelope is Envelope.GOOGLE:
        assert body == {"error": {"code": row.status, "message": row.message, "status": row.google_status}}
    elif row.envelope is Envelope.SUBSCRIPTION:
        assert set(body) == {"collectionType", "ownerId", "ownerType", "subscriberId", "subscriptionId"}
    else:
        error = classic(response)
        assert error.get("errorType") == row.error_type
        assert error["message"] == row.message  # injected without arguments, the template stays visible
    # count=1: the next request is served normally
    assert http.get(PROFILE, headers=bearer(token)).status_code == 200


def test_faults_match_app_user_and_path(services, http):
    ann, bob = make_user(services, name="ann"), make_user(services, name="bob")
    first, second = make_app(services, name="first"), make_app(services, name="second")
    ann_first = issue_token(services, first.client_id, ann.id)
    bob_first = issue_token(services, first.client_id, bob.id)
    ann_second = issue_token(services, second.client_id, ann.id)
    services.store.sandbox.add_fault("maintenance", client_id=first.client_id, user_id=ann.id)
    assert http.get(PROFILE, headers=bearer(ann_first)).status_code == 503
    assert http.get(PROFILE, headers=bearer(ann_first)).status_code == 503  # no count: until cleared
    assert http.get(PROFILE, headers=bearer(bob_first)).status_code == 200
    assert http.get(PROFILE, headers=bearer(ann_second)).status_code == 200
    services.store.sandbox.clear_faults()
    assert http.get(PROFILE, headers=bearer(ann_first)).status_code == 200


def test_faults_through_the_admin_api(services, http, token):
    created = http.post("/_sandbox/faults", json={"status": 503, "count": 2})
    assert created.status_code == 201
    assert created.json()["error"] == "maintenance"
    statuses = [http.get(PROFILE, headers=bearer(token)).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert http.post("/_sandbox/faults", json={"status": 999}).status_code == 400
    assert http.post("/_sandbox/faults", json={"error": "maintenance"}).status_code == 201
    listed = http.get("/_sandbox/faults").json()
    assert [f["error"] for f in listed["faults"]] == ["maintenance"]
    assert http.delete("/_sandbox/faults").json() == {"removed": 1}


def test_every_row_is_named_by_a_test():
    """No catalogue row without a test that triggers it by name (natural trigger or fault injection)."""
    tests = Path(__file__).parent
    text = "\n".join(p.read_text() for p in tests.rglob("test_*.py"))
    consent_rows = [k for k, row in CATALOGUE.items() if row.envelope is Envelope.CONSENT_PAGE]
    untested = [k for k in consent_rows if not re.search(rf"[\"']{re.escape(k)}[\"']", text)]
    untested += [
        k for k in CATALOGUE if CATALOGUE[k].envelope is not Envelope.CONSENT_PAGE and k not in INJECTABLE
    ]
    assert untested == [], f"catalogue rows no test triggers: {untested}"
