"""Fixtures shared by the OAuth tests: a user and a Server app."""

import pytest

from tests.factories import make_app, make_user


@pytest.fixture
def ann(services):  # type: ignore[no-untyped-def]
    return make_user(services, "ann")


@pytest.fixture
def app(services):  # type: ignore[no-untyped-def]
    return make_app(services, "server")
