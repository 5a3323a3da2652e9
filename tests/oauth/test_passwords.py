"""Sign-in passwords: argon2id, and the transparent upgrade of older hashes at the next successful sign-in."""

from __future__ import annotations

import hashlib
import secrets

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from fitbit_local.store import users as users_module
from fitbit_local.store.schema import users
from tests.factories import make_app
from tests.oauth.helpers import PASSWORD, REDIRECT, authorize, open_consent, redirect_params, submit


@pytest.fixture(autouse=True)
def real_password_hasher(monkeypatch):  # type: ignore[no-untyped-def]
    """These tests are about the production parameters: undo the suite's cheap hasher (tests/conftest.py)."""
    monkeypatch.setattr(users_module, "_hasher", PasswordHasher())


def legacy_pbkdf2(password: str) -> str:
    """A hash as fitbit-local wrote them before argon2id (PBKDF2-SHA256, 120,000 iterations)."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 120_000).hex()
    return f"pbkdf2_sha256$120000${salt}${digest}"


def stored_hash(services, user_id: str) -> str:  # type: ignore[no-untyped-def]
    with services.store.engine.connect() as conn:
        return str(conn.execute(select(users.c.password_hash).where(users.c.id == user_id)).scalar_one())


def store_old_hash(services, user_id: str, value: str) -> None:  # type: ignore[no-untyped-def]
    # Data written by an older release: no public interface writes these hashes any more.
    with services.store.engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(password_hash=value))


def test_new_passwords_are_argon2id(services, ann):
    stored = stored_hash(services, ann.id)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert services.store.users.authenticate("ann", PASSWORD) is not None
    assert services.store.users.authenticate("ann", "wrong") is None
    assert services.store.users.authenticate("nobody", PASSWORD) is None


def test_a_pbkdf2_hash_is_upgraded_at_the_next_sign_in(http, services, ann):
    app = make_app(services)
    old = legacy_pbkdf2(PASSWORD)
    store_old_hash(services, ann.id, old)
    page = open_consent(
        http, client_id=app.client_id, response_type="code", scope="activity", redirect_uri=REDIRECT
    )
    assert submit(http, page, password="wrong").status_code == 200  # the form again: not signed in
    assert stored_hash(services, ann.id) == old  # a failed sign-in changes nothing
    assert "code" in redirect_params(authorize(http, app.client_id))  # signed in with the old hash
    upgraded = stored_hash(services, ann.id)
    assert upgraded.startswith("$argon2id$") and PasswordHasher().verify(upgraded, PASSWORD)
    assert "code" in redirect_params(authorize(http, app.client_id))  # and again with the new one
    assert stored_hash(services, ann.id) == upgraded


def test_an_argon2_hash_with_other_parameters_is_rehashed(services, ann):
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    store_old_hash(services, ann.id, weaker)
    assert services.store.users.authenticate("ann", PASSWORD) is not None
    current = stored_hash(services, ann.id)
    assert current != weaker and not PasswordHasher().check_needs_rehash(current)


def test_a_malformed_stored_hash_is_a_failed_sign_in_not_an_error(services, ann):
    for broken in ("pbkdf2_sha256$x$y", "$argon2id$garbage", "plain"):
        store_old_hash(services, ann.id, broken)
        assert services.store.users.authenticate("ann", PASSWORD) is None
