"""Fixtures shared by the OAuth tests: a user, a Server app, and the two OAuth modes."""

import pytest

from tests.factories import make_app, make_user


@pytest.fixture
def ann(services):  # type: ignore[no-untyped-def]
    return make_user(services, "ann")


@pytest.fixture
def app(services):  # type: ignore[no-untyped-def]
    return make_app(services, "server")


@pytest.fixture(params=[False, True], ids=["fitbit", "strict"])
def strict(request, services) -> bool:  # type: ignore[no-untyped-def]
    """Run the test in Fitbit mode (the default) and in strict mode (`serve --oauth-strict`)."""
    services.settings.oauth_strict = request.param
    return bool(request.param)
