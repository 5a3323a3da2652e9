from tests.factories import bearer, issue_token, make_app, make_user


def test_profile_through_a_real_server(services, http):
    user = make_user(services, timezone="Europe/Paris")
    app = make_app(services)
    token = issue_token(services, app.client_id, user.id)
    response = http.get("/1/user/-/profile.json", headers=bearer(token))
    assert response.status_code == 200
    assert response.json()["user"]["encodedId"] == user.id
    assert response.headers["Fitbit-Rate-Limit-Remaining"] == "149"
