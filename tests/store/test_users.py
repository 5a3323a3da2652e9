"""Profile writes (store/users.py `update_profile`): one transaction for the fields and the time zone, an upsert that
concurrent writers cannot turn into a unique violation, and a zone history where the newest change wins."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from fitbit_local.clock import SandboxState
from fitbit_local.services import Services
from fitbit_local.store import Store
from fitbit_local.store import users as users_module
from tests.factories import bearer, issue_token, make_app, make_user

PROFILE = "/1/user/-/profile.json"


@pytest.fixture
def db(store_url):
    store = Store.open(database_url=store_url)
    yield store
    store.close()


def freeze(store: Store, instant: datetime) -> None:
    SandboxState(store.engine).set(instant, frozen=True)


def test_concurrent_time_zone_changes_from_two_workers_never_collide(store_url):
    """Issue #8 item 4: 2 workers, concurrent profile updates with a time zone, all on the same local date: the
    delete-then-insert of the zone entry raced into UniqueViolation (500). Now an upsert behind the user's row lock."""
    workers = [Store.open(database_url=store_url) for _ in range(2)]
    user = workers[0].users.create(name="ann", password="pw")
    freeze(workers[0], datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"]
    errors: list[BaseException] = []

    def update(store: Store, n: int) -> None:
        try:
            for i in range(12):
                zone = zones[(n + i) % len(zones)]
                store.users.update_profile(user.id, {"locale": "en_GB"}, timezone=zone)
                store.users.set_timezone(user.id, zone, date(2026, 3, 1))
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=update, args=(workers[n % 2], n)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = workers[1].users.get(user.id)
    assert stored.current_timezone in zones
    assert [entry for entry in stored.timezones if entry[0] == "2026-03-01"] == [
        ("2026-03-01", stored.current_timezone)
    ]
    for store in workers:
        store.close()


def test_a_profile_update_is_one_transaction(db, monkeypatch):
    """Issue #8 item 5: the time zone was committed before the other fields; a failure afterwards left it changed."""
    user = db.users.create(name="ann", password="pw")
    freeze(db, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="locale"):
        db.users.update_profile(user.id, {"locale": "not-a-locale"}, timezone="Europe/Paris")
    with pytest.raises(ValueError, match="time zone"):
        db.users.update_profile(user.id, {"locale": "fr_FR"}, timezone="Mars/Olympus")
    real = users_module._change_timezone

    def fails_after_writing(*args: object) -> None:
        real(*args)  # type: ignore[arg-type]
        raise RuntimeError("the connection dropped")

    monkeypatch.setattr(users_module, "_change_timezone", fails_after_writing)
    with pytest.raises(RuntimeError):
        db.users.update_profile(user.id, {"locale": "fr_FR", "height_cm": 190.0}, timezone="Europe/Paris")
    monkeypatch.undo()
    unchanged = db.users.get(user.id)
    assert (unchanged.locale, unchanged.height_cm, unchanged.timezones) == (
        "en_US",
        170.0,
        (("0000-01-01", "UTC"),),
    )
    changed = db.users.update_profile(
        user.id, {"locale": "fr_FR", "height_cm": 190.0}, timezone="Europe/Paris"
    )
    assert (changed.locale, changed.height_cm, changed.current_timezone) == ("fr_FR", 190.0, "Europe/Paris")
    with pytest.raises(KeyError):
        db.users.update_profile("ZZZZZZ", {"locale": "fr_FR"})


def test_an_invalid_field_in_a_profile_post_changes_nothing(services: Services, http):
    """Issue #8 item 5 through the API: every parameter is validated before the one store call."""
    ann = make_user(services, name="ann")
    token = issue_token(services, make_app(services).client_id, ann.id)
    response = http.post(PROFILE, headers=bearer(token), data={"timezone": "Europe/Paris", "locale": "xx_XX"})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "errorType": "validation",
        "fieldName": "locale",
        "message": "Invalid locale parameter value: xx_XX",
    }
    assert http.get(PROFILE, headers=bearer(token)).json()["user"]["timezone"] == "UTC"
    response = http.post(PROFILE, headers=bearer(token), data={"timezone": "Europe/Paris", "locale": "fr_FR"})
    assert response.status_code == 200
    assert (response.json()["user"]["timezone"], response.json()["user"]["locale"]) == (
        "Europe/Paris",
        "fr_FR",
    )


def test_the_newest_time_zone_change_wins_after_a_zone_ahead_of_utc(services: Services, http):
    """Issue #8 item 6: after Pacific/Kiritimati (UTC+14: its local date is a day ahead) and then UTC, changes to
    Europe/Paris and America/New_York answered 200 but the profile stayed UTC."""
    services.clock.set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), frozen=True)
    ann = make_user(services, name="ann")
    token = issue_token(services, make_app(services).client_id, ann.id)
    for zone in ("Pacific/Kiritimati", "UTC", "Europe/Paris", "America/New_York"):
        response = http.post(PROFILE, headers=bearer(token), data={"timezone": zone})
        assert response.status_code == 200
        assert response.json()["user"]["timezone"] == zone
        assert http.get(PROFILE, headers=bearer(token)).json()["user"]["timezone"] == zone
    history = services.store.users.get(ann.id)
    assert history.timezone_on(date(2026, 2, 28)) == "UTC"  # the days before the changes keep their zone
    assert history.timezone_on(date(2026, 3, 1)) == "America/New_York"
    assert (
        history.timezone_on(date(2026, 3, 2)) == "America/New_York"
    )  # Kiritimati's and UTC's entries are gone


def test_zone_history_keeps_the_past_and_drops_later_dated_entries(db):
    user = db.users.create(name="ann", password="pw", timezone="America/New_York")
    db.users.set_timezone(user.id, "Asia/Tokyo", date(2026, 5, 1))
    db.users.set_timezone(user.id, "Europe/London", date(2026, 6, 1))
    assert db.users.get(user.id).timezones == (
        ("0000-01-01", "America/New_York"),
        ("2026-05-01", "Asia/Tokyo"),
        ("2026-06-01", "Europe/London"),
    )
    # a change dated before later entries replaces them: it is the newest change, so it is the current zone
    db.users.set_timezone(user.id, "Europe/Paris", date(2026, 5, 15))
    moved = db.users.get(user.id)
    assert moved.timezones == (
        ("0000-01-01", "America/New_York"),
        ("2026-05-01", "Asia/Tokyo"),
        ("2026-05-15", "Europe/Paris"),
    )
    assert moved.current_timezone == "Europe/Paris"
    assert moved.timezone_on(date(2026, 5, 14)) == "Asia/Tokyo"
    # the same date again: the entry is replaced; the zone already in effect: no new entry
    db.users.set_timezone(user.id, "Europe/Berlin", date(2026, 5, 15))
    db.users.set_timezone(user.id, "Europe/Berlin", date(2026, 7, 1))
    assert db.users.get(user.id).timezones[-1] == ("2026-05-15", "Europe/Berlin")


def test_the_default_effective_date_is_the_users_local_today(db):
    user = db.users.create(name="ann", password="pw", timezone="Pacific/Kiritimati")
    freeze(db, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))  # already 2 March in Kiritimati
    db.users.update_profile(user.id, {}, timezone="UTC")
    assert db.users.get(user.id).timezones[-1] == ("2026-03-02", "UTC")


def test_profile_rules_hold_for_every_writer(db):
    with pytest.raises(ValueError, match="time zone"):
        db.users.create(name="ann", password="pw", timezone="Nowhere/Land")
    with pytest.raises(ValueError, match="locale"):
        db.users.create(name="ann", password="pw", locale="klingon")
    user = db.users.create(name="ann", password="pw")
    for fields in (
        {"sex": "robot"},
        {"height_cm": -1.0},
        {"birth_date": "1990-02-30"},
        {"password_hash": "x"},
    ):
        with pytest.raises(ValueError):
            db.users.update_profile(user.id, fields)
    assert db.users.get(user.id) == user
