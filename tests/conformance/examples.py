"""Concrete requests for a registry row, built from the row's fields alone, and the error bodies the catalogue says
Fitbit answered with. Nothing here names a row: a new family's rows get every check by existing.

- ``{user_id}`` → ``-``; date parameters → days with data (``END`` is the user's today); ``/time/`` windows → a
  half-hour at noon;
- ``{period}``, ``{detail}``, ``{resource}`` → the row's own ``periods``, ``detail_levels`` and ``resources``;
- a path or form parameter naming an entity a write creates (``Param.created_by``) → a marker that `World.send`
  replaces with the id of an entity it creates first, with the creating row's own base example (a fresh one per
  request), sent by the request's user or, with ``created_by_other_user``, by another user (a fresh user of the
  world when the request's user is the world's own, else the world's own user); other path parameters → a value
  from their schema, like form parameters;
- form parameters → a value from their schema (its first ``examples`` entry, an enumeration's first value, a
  ``date``), else from ``FORM_EXAMPLES`` for the parameters whose schema does not say what a valid value is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fitbit_local.api.params import DETAIL_SECONDS
from fitbit_local.api.registry import ALL_VERSIONS, PERIODS, Endpoint, Param, Shape, placeholders
from fitbit_local.errors.catalogue import CATALOGUE

END = date(2024, 3, 9)  # the user's today by the frozen clock; unpadded "2024-3-9"
DATA_DAYS = 3  # END-2 … END hold synthetic days
WINDOW = ("12:00", "12:29")
UNSERVED_VERSIONS = ("2",)  # a prefix no Fitbit API ever had

# Form parameters whose schema admits values the row refuses (or does not say what a value looks like): a valid
# value each. Reported as registry gaps in docs/conformance.md.
FORM_EXAMPLES: dict[str, str] = {}  # a form parameter whose schema has no examples would need one here

_PLACEHOLDER = re.compile(r"{([a-zA-Z_]\w*)(?::\w+)?}")
_CREATED = "@created:"  # the marker's prefix: "@created:<row name>#<JSON pointer>"
_CREATED_BY_OTHER = (
    "@created-by-other:"  # the same, the creating row sent by another user (Param.created_by_other_user)
)


def created_marker(param: Param) -> str:
    assert param.created_by is not None
    row, pointer = param.created_by
    return f"{_CREATED_BY_OTHER if param.created_by_other_user else _CREATED}{row}#{pointer}"


def parse_created(value: str) -> tuple[str, str, bool] | None:
    """(row name, JSON pointer, whether another user sends the creating row) of a created-entity marker, else None."""
    for prefix, by_other in ((_CREATED_BY_OTHER, True), (_CREATED, False)):
        if value.startswith(prefix):
            row, _, pointer = value[len(prefix) :].partition("#")
            return row, pointer, by_other
    return None


def iso(day: date) -> str:
    return day.isoformat()


def unpadded(text: str) -> str:
    """``2024-03-09`` → ``2024-3-9`` (python-fitbit sends such dates)."""
    year, month, day = text.split("-")
    return f"{year}-{int(month)}-{int(day)}"


@dataclass(frozen=True)
class Example:
    row: Endpoint
    template: str
    version: str
    values: Mapping[str, str]  # placeholder key → text, ``user_id`` included
    form: Mapping[str, str]
    query: Mapping[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        path = f"/{self.version}" + _PLACEHOLDER.sub(lambda m: self.values[m.group(1)], self.template)
        return f"{path}?{urlencode(self.query)}" if self.query else path

    @property
    def keys(self) -> list[str]:
        return placeholders(self.template)

    @property
    def id(self) -> str:
        return f"{self.row.method} {self.path}"

    def but(self, version: str | None = None, **values: str) -> Example:
        unknown = set(values) - set(self.keys)
        assert not unknown, f"{self.template} has no {unknown}"
        return replace(self, version=version or self.version, values={**self.values, **values})


def row_choices(row: Endpoint, key: str) -> tuple[str, ...]:
    """The values a placeholder may take when the row itself lists them."""
    if key == "period":
        return row.periods
    if key == "detail":
        return row.detail_levels
    if key == "resource":
        return tuple(row.resources)
    return ()


def coarsest(row: Endpoint) -> str:
    """The detail level with the fewest points: the single-request checks keep their bodies small."""
    return max(row.detail_levels, key=DETAIL_SECONDS.__getitem__)


def date_values(row: Endpoint, template: str) -> dict[str, str]:
    """A day with data, or a range of days with data; an intraday range limited to 24 hours is one day."""
    keys = placeholders(template)
    if "end_date" not in keys:
        return {"date": iso(END)} if "date" in keys else {}
    first = END - timedelta(days=DATA_DAYS - 1) if row.max_range_days else END
    return {"date": iso(first), "end_date": iso(END)}


def param_value(param: Param) -> str:
    schema = param.schema
    if schema.get("examples"):
        return str(schema["examples"][0])
    if "enum" in schema:
        return str(schema["enum"][0])
    if schema.get("format") == "date":
        return iso(END)
    if param.name in FORM_EXAMPLES:
        return FORM_EXAMPLES[param.name]
    raise LookupError(f"no valid value for parameter {param.name!r} from {schema}: add one to FORM_EXAMPLES")


def _example(row: Endpoint, template: str, version: str, picks: Mapping[str, str]) -> Example:
    values = {"user_id": "-", **date_values(row, template)}
    keys = placeholders(template)
    if "start_time" in keys:
        values["start_time"], values["end_time"] = WINDOW
    values.update({k: v for k, v in picks.items() if k in keys})
    for param in row.path_params:
        if param.key in keys and param.key not in values:
            values[param.key] = created_marker(param) if param.created_by else param_value(param)
    missing = set(keys) - set(values)
    assert not missing, f"{row.name}: the example builder has no value for {sorted(missing)} in {template}"
    form = {p.key: created_marker(p) if p.created_by else param_value(p) for p in row.form}
    # An optional query parameter with an example is sent too: a list's beforeDate, one of a pair that must be given.
    query = {p.key: param_value(p) for p in row.query if p.required or p.schema.get("examples")}
    return Example(row, template, version, values, form, query)


def examples(row: Endpoint) -> list[Example]:
    """Every path template of the row, with every served version and every period, detail level and resource the
    row allows each appearing at least once (the lists are walked side by side, not multiplied)."""
    out = []
    for template in row.paths:
        dimensions = {"version": row.versions} | {k: row_choices(row, k) for k in placeholders(template)}
        dimensions = {k: v for k, v in dimensions.items() if v}
        for i in range(max(len(v) for v in dimensions.values())):
            picks = {k: v[i % len(v)] for k, v in dimensions.items()}
            out.append(_example(row, template, picks.pop("version"), picks))
    return out


def base_example(row: Endpoint) -> Example:
    """One request that uses every parameter the row declares: the template with the most placeholders, the first
    version, period and resource, the coarsest detail level."""
    template = max(row.paths, key=lambda t: len(placeholders(t)))
    picks = {k: row_choices(row, k)[0] for k in ("period", "resource") if row_choices(row, k)}
    if row.detail_levels:
        picks["detail"] = coarsest(row)
    return _example(row, template, row.versions[0], picks)


def query_examples(row: Endpoint) -> list[Example]:
    """The base example with each value an optional query parameter's schema names (enumeration or examples)."""
    base = base_example(row)
    return [
        replace(base, query={**base.query, p.key: str(value)})
        for p in row.query
        for value in p.schema.get("enum") or p.schema.get("examples") or ()
    ]


def _template_with(row: Endpoint, *keys: str) -> str | None:
    """The row's first template holding all of `keys` (rows list the documented form first)."""
    return next((t for t in row.paths if set(keys) <= set(placeholders(t))), None)


def with_template(row: Endpoint, template: str) -> Example:
    base = base_example(row)
    picks = {k: base.values[k] for k in ("period", "detail", "resource") if k in base.values}
    return _example(row, template, base.version, picks)


def range_examples(row: Endpoint) -> tuple[Example, Example, dict[str, Any]] | None:
    """(the widest request the row allows, one a day or a minute wider, the error body the wider one gets).

    Rows with ``max_range_days`` count days between start and end date; intraday rows without it have Fitbit's
    24-hour limit on the interval-with-window form: 00:00 to 00:00 the next day fits, 00:01 does not."""
    if row.max_range_days:
        template = _template_with(row, "date", "end_date")
        if template is None:
            return None
        at = with_template(row, template).but(date=iso(END - timedelta(days=row.max_range_days - 1)))
        over = at.but(date=iso(END - timedelta(days=row.max_range_days)))
        return at, over, classic("validation_range", max=row.max_range_days)
    if row.shape is Shape.INTRADAY:
        template = _template_with(row, "date", "end_date", "start_time", "end_time")
        if template is None:
            return None
        at = with_template(row, template).but(
            date=iso(END - timedelta(days=1)), start_time="00:00", end_time="00:00"
        )
        return at, at.but(end_time="00:01"), classic("validation_time_range")
    return None


def refused_period(row: Endpoint) -> str:
    """A period Fitbit defines that the row does not allow, else one Fitbit never had."""
    return next((p for p in PERIODS if p not in row.periods), "2d")


def refused_detail(row: Endpoint) -> str:
    return next((d for d in DETAIL_SECONDS if d not in row.detail_levels), "2min")


def unserved_versions(row: Endpoint) -> list[str]:
    return [v for v in ALL_VERSIONS if v not in row.versions] + list(UNSERVED_VERSIONS)


# --- the bodies the catalogue says Fitbit answered with (built from its rows, not by the server's renderer) ------


def classic(key: str, field_name: str | None = None, **args: object) -> dict[str, Any]:
    row = CATALOGUE[key]
    item: dict[str, Any] = {}
    if row.error_type is not None:
        item["errorType"] = row.error_type
    if (field_name or row.field_name) is not None:
        item["fieldName"] = field_name or row.field_name
    item["message"] = row.message.format(**args)
    return {"errors": [item], "success": False}


def google(key: str) -> dict[str, Any]:
    row = CATALOGUE[key]
    return {"error": {"code": row.status, "message": row.message, "status": row.google_status}}
