"""`serve --demo`: one app of each type and synthetic users with months of data, created once."""

import shlex
import shutil
from pathlib import Path

from fitbit_local.demo import DEMO_DAYS, ensure_demo, print_demo
from tests.factories import bearer, issue_token


def test_demo_is_created_once_with_months_of_data(services, http, capsys):
    first = ensure_demo(services)
    assert sorted(app.app_type for app, _ in first.apps) == ["client", "personal", "server"]
    assert all(secret for _, secret in first.apps)
    personal = next(app for app, _ in first.apps if app.app_type == "personal")
    assert personal.owner_user_id == first.users[0].id
    for user in first.users:
        start, end = services.store.series.day_range(user.id)
        assert (end - start).days + 1 == DEMO_DAYS >= 90
        assert user.synthetic
    again = ensure_demo(services)
    assert [u.id for u in again.users] == [u.id for u in first.users]
    assert [a.client_id for a, _ in again.apps] == [a.client_id for a, _ in first.apps]
    assert all(secret is None for _, secret in again.apps)  # secrets are shown only when created

    print_demo(first, "http://127.0.0.1:8080", "--data ./demo-data")
    printed = capsys.readouterr().out
    assert "/oauth2/authorize?client_id=" in printed and "code_verifier" in printed
    assert f"tokens issue --data ./demo-data --app {first.apps[0][0].client_id}" in printed
    command = next(line for line in printed.splitlines() if "tokens issue" in line)
    executable = shlex.split(command)[0]  # the venv's script, runnable without activating the venv
    assert Path(executable).is_file() or shutil.which(executable), executable

    token = issue_token(services, first.apps[0][0].client_id, first.users[0].id, scopes="activity profile")
    steps = http.get("/1/user/-/activities/steps/date/today/3m.json", headers=bearer(token)).json()[
        "activities-steps"
    ]
    assert sum(int(day["value"]) > 0 for day in steps) > 80
    profile = http.get("/1/user/-/profile.json", headers=bearer(token)).json()["user"]
    assert profile["fitbitLocalSynthetic"] is True and profile["averageDailySteps"] > 1000
