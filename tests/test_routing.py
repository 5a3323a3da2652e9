"""The segment index in front of Starlette's router (app.SegmentRouter) picks the route Starlette's own scan would:
for a request built from every route's template, and for paths that match none."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.convertors import CONVERTOR_TYPES
from starlette.routing import BaseRoute, Match, Route

from fitbit_local.app import SegmentRouter, create_app
from fitbit_local.services import Services

_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")
SAMPLES = {"str": ["-", "2024-01-01", "1d", "abc"], "int": ["12"], "path": ["a"], "float": ["1.5"]}


def first_full_match(routes: list[BaseRoute], scope: dict[str, Any]) -> BaseRoute | None:
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


def instances(template: str) -> list[str]:
    """Paths a route's template stands for: each parameter filled with a value its convertor accepts."""
    paths = [template]
    for name, convertor in _PARAM.findall(template):
        kind = convertor or "str"
        regex = CONVERTOR_TYPES[kind].regex
        values = [v for v in SAMPLES.get(kind, []) if re.fullmatch(regex, v)]
        if not values:  # one of ours (a period, a detail level, digits): the first alternative it accepts
            candidates = ["1d", "7d", "1min", "15min", "1sec", "123", "today", "all", "-", "2024-01-01"]
            values = [v for v in candidates if re.fullmatch(regex, v)][:1]
        spot = f"{{{name}{':' + convertor if convertor else ''}}}"
        paths = [p.replace(spot, v, 1) for p in paths for v in values]
    return paths


@pytest.fixture
def router(services: Services) -> SegmentRouter:
    app: Any = create_app(services)
    found = app.app.router
    assert isinstance(found, SegmentRouter)
    return found


def test_every_route_is_found_as_starlette_finds_it(router: SegmentRouter) -> None:
    checked = 0
    for route in router.routes:
        if not isinstance(route, Route):
            continue
        for path in instances(route.path):
            for method in sorted(route.methods or {"GET"}):
                scope = {"type": "http", "method": method, "path": path, "root_path": ""}
                expected = first_full_match(router.routes, scope)
                assert expected is not None, path
                got = first_full_match(router.candidates(path), scope)
                assert got is expected, (method, path, got, expected)
                checked += 1
    assert checked > 150  # every route, every method


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/1",
        "/1/user/-/nothing.json",
        "/1/user/-/profile.json/x",
        "//1/user",
        "/1/user/-/activities/x/y/z/w.json",
    ],
)
def test_paths_no_route_has_get_no_candidate_that_matches(router: SegmentRouter, path: str) -> None:
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    assert first_full_match(router.candidates(path), scope) is first_full_match(router.routes, scope)
