"""Subscriber verification as Fitbit did it: a GET with the right code must answer 204 and one with a wrong code
404; until both do, the subscriber gets no notifications. Through the store API, the CLI and the admin API."""

from __future__ import annotations

import json

import httpx
import pytest

from fitbit_local.cli import main
from fitbit_local.notify.subscribers import add_subscriber
from tests.subscriptions.conftest import World


def test_a_subscriber_answering_both_gets_is_verified(world: World) -> None:
    world.register()
    found = world.services.store.subscriptions.subscriber(world.app.client_id, "1")
    assert found is not None and found.verified and found.is_default
    right, wrong = world.subscriber.verify_requests
    assert right == world.subscriber.code and wrong != world.subscriber.code
    assert [c["status"] for c in found.to_json()["verification"]] == [204, 404]  # type: ignore[index]


@pytest.mark.parametrize("answers", [(204, 204), (200, 404), (404, 404)])
def test_a_subscriber_failing_either_get_stays_unverified(world: World, answers: tuple[int, int]) -> None:
    world.subscriber.verify_answers = answers  # 204 to anything; 200 instead of 204; the code not known
    world.register()
    found = world.services.store.subscriptions.subscriber(world.app.client_id, "1")
    assert found is not None and not found.verified
    assert [c["ok"] for c in found.to_json()["verification"]] == [  # type: ignore[index]
        answers[0] == 204,
        answers[1] == 404,
    ]


def test_an_unreachable_subscriber_stays_unverified(world: World) -> None:
    world.subscriber.stop()
    world.register()
    found = world.services.store.subscriptions.subscriber(world.app.client_id, "1")
    assert found is not None and not found.verified
    assert all(c["status"] is None and c["error"] for c in found.to_json()["verification"])  # type: ignore[union-attr]


def test_the_secret_must_be_the_apps_and_the_url_a_real_one(world: World) -> None:
    with pytest.raises(ValueError, match="secret"):
        add_subscriber(world.services, world.app.client_id, url=world.subscriber.url, client_secret="nope")
    with pytest.raises(ValueError, match="https"):
        add_subscriber(
            world.services, world.app.client_id, url="http://example.com/hook", client_secret=world.app.secret
        )


def test_cli_adds_lists_and_reverifies(world: World, settings, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    store = ["--database-url", settings.database_url, "--json"]
    world.subscriber.verify_answers = (204, 204)
    argv = ["apps", "subscriber", "add", world.app.client_id, "--url", world.subscriber.url]
    argv += ["--client-secret", world.app.secret, "--verification-code", world.subscriber.code, *store]
    assert main(argv) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["subscriber_id"] == "1" and added["verified"] is False
    world.subscriber.verify_answers = None  # fixed: verify again
    assert main(["apps", "subscriber", "verify", world.app.client_id, *store]) == 0
    assert json.loads(capsys.readouterr().out)["verified"] is True
    assert main(["apps", "subscriber", "list", world.app.client_id, *store]) == 0
    listed = json.loads(capsys.readouterr().out)["subscribers"]
    assert [(s["subscriber_id"], s["verified"]) for s in listed] == [("1", True)]
    assert (
        main(
            [
                "apps",
                "subscriber",
                "add",
                world.app.client_id,
                "--url",
                "ftp://x",
                "--client-secret",
                "x",
                *store,
            ]
        )
        == 2
    )


def test_admin_api_adds_and_verifies_on_url_change(world: World, api: httpx.Client) -> None:
    body = {
        "app": world.app.client_id,
        "url": world.subscriber.url,
        "client_secret": world.app.secret,
        "subscriber_id": "main",
        "verification_code": world.subscriber.code,
    }
    added = api.post("/_sandbox/subscribers", json=body)
    assert added.status_code == 201 and added.json()["verified"] is True
    moved = api.post(
        "/_sandbox/subscribers/verify",
        json={"app": world.app.client_id, "subscriber_id": "main", "url": "http://127.0.0.1:9/gone"},
    )
    assert moved.status_code == 200 and moved.json()["verified"] is False
    listed = api.get("/_sandbox/subscribers").json()["subscribers"]
    assert [(s["subscriber_id"], s["url"], s["verified"]) for s in listed] == [
        ("main", "http://127.0.0.1:9/gone", False)
    ]
    assert api.post("/_sandbox/subscribers", json={"app": world.app.client_id}).status_code == 400
