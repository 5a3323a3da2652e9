"""Every registry row against Fitbit's documented behaviour, from the row's fields alone (issue #7 §2).

Each check is parametrised over the rows (or over the requests `examples` builds from them); none names a row, so a
new family's rows are checked by being registered. Every 2xx body is validated against the row's response schema.
All rows run on SQLite; a few rows that between them have every family, shape, access and kind of check also run
on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jsonschema
import pytest

from fitbit_local.api.families import FAMILIES
from fitbit_local.api.registry import Endpoint
from fitbit_local.oauth.scopes import ALL_SCOPES
from tests.conformance.checks import ROWS, assert_error, assert_success
from tests.conformance.examples import (
    END,
    Example,
    base_example,
    classic,
    examples,
    google,
    iso,
    query_examples,
    range_examples,
    refused_detail,
    refused_period,
    unpadded,
    unserved_versions,
)

ALL_ROWS = list(ROWS.values())


def _representative() -> set[str]:
    """Few rows that between them have every family, shape, access and kind of check (greedy set cover)."""

    def traits(family: str, row: Endpoint) -> set[str]:
        kinds = {"periods": row.periods, "details": row.detail_levels, "resources": row.resources}
        shape = f"{row.shape.value}{' write' if row.write else ''}"
        return (
            {f"family:{family}", shape}
            | {kind for kind, values in kinds.items() if values}
            | ({f"{shape} range"} if range_examples(row) else set())
        )

    candidates = {row.name: traits(family, row) for family, rows in FAMILIES for row in rows}
    missing = set().union(*candidates.values())
    chosen: set[str] = set()
    while missing:
        best = max(candidates, key=lambda name: len(candidates[name] & missing))
        chosen.add(best)
        missing -= candidates[best]
    return chosen


ON_POSTGRESQL = _representative()


def on_backends(
    items: Iterable[Any], row_of: Callable[[Any], Endpoint], name: Callable[[Any], str]
) -> list[Any]:
    """Every item on SQLite; the items of representative rows on PostgreSQL as well."""
    items = list(items)
    cases = [pytest.param("sqlite", item, id=f"sqlite-{name(item)}") for item in items]
    cases += [
        pytest.param("postgresql", item, id=f"postgresql-{name(item)}", marks=pytest.mark.postgres)
        for item in items
        if row_of(item).name in ON_POSTGRESQL
    ]
    return cases


def by_row(rows: Iterable[Endpoint]) -> list[Any]:
    return on_backends(rows, lambda r: r, lambda r: r.name)


def by_example(items: Iterable[Example]) -> list[Any]:
    return on_backends(items, lambda e: e.row, lambda e: f"{e.row.name}-{e.path}")


DATED = [row for row in ALL_ROWS if "date" in base_example(row).keys]
WITH_USER = [row for row in ALL_ROWS if "user_id" in base_example(row).keys]
SCOPED = [row for row in ALL_ROWS if row.scope is not None]
WITH_PERIOD = [row for row in ALL_ROWS if row.periods]
WITH_DETAIL = [row for row in ALL_ROWS if row.detail_levels]
WITH_RANGE = [row for row in ALL_ROWS if range_examples(row) is not None]
SWEEP = [example for row in ALL_ROWS for example in examples(row)]
QUERIED = [example for row in ALL_ROWS for example in query_examples(row)]
UNSERVED = [(row, version) for row in ALL_ROWS for version in unserved_versions(row)]


# --- the rows' own contract --------------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ALL_ROWS, ids=lambda r: r.name)
def test_response_schema_is_valid_json_schema(row: Endpoint) -> None:
    jsonschema.Draft202012Validator.check_schema(row.response)


@pytest.mark.parametrize(("backend", "example"), by_example(SWEEP))
def test_every_version_period_detail_and_resource(worlds, backend: str, example: Example) -> None:
    """Every template × served version, with every period, detail level and resource the row allows."""
    assert_success(worlds.for_row(backend, example.row).send(example), example.row)


@pytest.mark.parametrize(("backend", "example"), by_example(QUERIED))
def test_query_parameter_values(worlds, backend: str, example: Example) -> None:
    """Each value a row's query parameter names (``?timezone=UTC``)."""
    assert_success(worlds.for_row(backend, example.row).send(example), example.row)


# --- authentication ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("backend", "row"), by_row(ALL_ROWS))
def test_no_token(worlds, backend: str, row: Endpoint) -> None:
    response = worlds.for_row(backend, row).send(base_example(row), token=None)
    assert_error(response, 401, classic("auth_header_required"))
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api.fitbit.com"'


@pytest.mark.parametrize(("backend", "row"), by_row(ALL_ROWS))
def test_malformed_authorization(worlds, backend: str, row: Endpoint) -> None:
    world = worlds.for_row(backend, row)
    response = world.send(base_example(row), token=None, Authorization=f"Basic {world.tokens['owner']}")
    assert_error(response, 401, classic("auth_token_type_invalid"))


@pytest.mark.parametrize(("backend", "row"), by_row(ALL_ROWS))
def test_unknown_token(worlds, backend: str, row: Endpoint) -> None:
    unknown = (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJYWFhYWFgifQ.bm90LW91cnM"  # JWT-shaped, signed by no one we know
    )
    response = worlds.for_row(backend, row).send(base_example(row), token=unknown)
    assert_error(response, 401, classic("invalid_token", access_token=unknown))


@pytest.mark.parametrize(("backend", "row"), by_row(ALL_ROWS))
def test_expired_token(worlds, backend: str, row: Endpoint) -> None:
    world = worlds.for_row(backend, row)
    response = world.send(base_example(row), token="expired")
    assert_error(response, 401, classic("expired_token", access_token=world.tokens["expired"]))


# --- authorisation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("backend", "row"), by_row(SCOPED))
def test_token_without_the_rows_scope(worlds, backend: str, row: Endpoint) -> None:
    world = worlds.for_row(backend, row)
    assert row.scope in ALL_SCOPES, f"{row.name}: unknown scope {row.scope}"
    response = world.send(base_example(row), token=world.token_without(row.scope))
    access = "write" if row.write else "access"
    assert_error(
        response, 403, classic("insufficient_scope", access_type=access, resource_type=row.resource_type)
    )


@pytest.mark.parametrize("app", ["server", "non_owner"])
@pytest.mark.parametrize(("backend", "row"), by_row(ALL_ROWS))
def test_intraday_gate(worlds, backend: str, row: Endpoint, app: str) -> None:
    """A Server app without the intraday grant, or a Personal app used by someone other than its owner: intraday
    rows answer the 2026 PERMISSION_DENIED body, every other row serves them."""
    response = worlds.for_row(backend, row).send(base_example(row), token=app)
    if row.intraday:
        assert_error(response, 403, google("permission_denied"))
    else:
        assert_success(response, row)


@pytest.mark.parametrize(("backend", "row"), by_row(ALL_ROWS))
def test_intraday_grant(worlds, backend: str, row: Endpoint) -> None:
    assert_success(worlds.for_row(backend, row).send(base_example(row), token="server_intraday"), row)


@pytest.mark.parametrize(("backend", "row"), by_row(ALL_ROWS))
def test_read_only_app(worlds, backend: str, row: Endpoint) -> None:
    response = worlds.for_row(backend, row).send(base_example(row), token="read_only")
    if row.write:
        assert_error(response, 403, classic("read_only_app"))
    else:
        assert_success(response, row)


@pytest.mark.parametrize(("backend", "row"), by_row(WITH_USER))
def test_own_encoded_id_is_dash(worlds, backend: str, row: Endpoint) -> None:
    world = worlds.for_row(backend, row)
    dash = assert_success(world.send(base_example(row)), row)
    own = assert_success(world.send(base_example(row).but(user_id=world.user.id)), row)
    if (row.write and row.status == 201) or any(p.created_by for p in row.path_params):
        return  # each request creates its own entity (a new log id, a day's totals grown): success is the check
    assert own == dash


@pytest.mark.parametrize(("backend", "row"), by_row(WITH_USER))
def test_another_users_id(worlds, backend: str, row: Endpoint) -> None:
    world = worlds.for_row(backend, row)
    response = world.send(base_example(row).but(user_id=world.other.id))
    assert_error(response, 403, classic("insufficient_permissions_owner"))


# --- dates, periods, detail levels, ranges, versions -------------------------------------------------------------


@pytest.mark.parametrize(("backend", "row"), by_row(DATED))
def test_today(worlds, backend: str, row: Endpoint) -> None:
    """``today`` is the user's local date by the sandbox clock: the same body as that date written out."""
    world = worlds.for_row(backend, row)
    example = base_example(row)
    as_today = example.but(**{k: "today" for k in ("date", "end_date") if example.values.get(k) == iso(END)})
    assert as_today != example
    assert assert_success(world.send(as_today), row) == assert_success(world.send(example), row)


@pytest.mark.parametrize(("backend", "row"), by_row(DATED))
def test_unpadded_dates(worlds, backend: str, row: Endpoint) -> None:
    world = worlds.for_row(backend, row)
    example = base_example(row)
    loose = example.but(
        **{k: unpadded(example.values[k]) for k in ("date", "end_date") if k in example.values}
    )
    assert loose.path != example.path
    assert assert_success(world.send(loose), row) == assert_success(world.send(example), row)


@pytest.mark.parametrize(("backend", "row"), by_row(WITH_PERIOD))
def test_refused_period(worlds, backend: str, row: Endpoint) -> None:
    period = refused_period(row)
    response = worlds.for_row(backend, row).send(base_example(row).but(period=period))
    assert_error(response, 400, classic("validation_period", value=period), metered=True)


@pytest.mark.parametrize(("backend", "row"), by_row(WITH_DETAIL))
def test_refused_detail_level(worlds, backend: str, row: Endpoint) -> None:
    example = base_example(row).but(detail=refused_detail(row))
    resource = "/" + example.path.split("/user/", 1)[1].partition("/")[2].split("/date/", 1)[0]
    response = worlds.for_row(backend, row).send(example)
    assert_error(response, 400, classic("validation_resource_path", path=resource), metered=True)


@pytest.mark.parametrize(("backend", "row"), by_row(WITH_RANGE))
def test_range_at_its_maximum(worlds, backend: str, row: Endpoint) -> None:
    at, _, _ = range_examples(row)  # type: ignore[misc]
    assert_success(worlds.for_row(backend, row).send(at), row)


@pytest.mark.parametrize(("backend", "row"), by_row(WITH_RANGE))
def test_range_one_over(worlds, backend: str, row: Endpoint) -> None:
    _, over, expected = range_examples(row)  # type: ignore[misc]
    assert_error(worlds.for_row(backend, row).send(over), 400, expected, metered=True)


@pytest.mark.parametrize(
    ("backend", "case"), on_backends(UNSERVED, lambda c: c[0], lambda c: f"{c[0].name}-/{c[1]}")
)
def test_unserved_version(worlds, backend: str, case: tuple[Endpoint, str]) -> None:
    row, version = case
    response = worlds.for_row(backend, row).send(base_example(row).but(version=version))
    assert_error(response, 404, classic("api_not_found"))
