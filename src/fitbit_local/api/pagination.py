"""The log lists' paging parameters and ``pagination`` object (sleep, ECG, IRN) [DOC get-sleep-log-list:
"To paginate, request the next and previous links in the pagination response object"; reference §4.6].

Exactly one of ``beforeDate`` (with ``sort=desc``) and ``afterDate`` (with ``sort=asc``); ``offset`` from 0;
``limit`` up to the row's ``options["max_limit"]``. ``next``/``previous`` are full links on this server's own
base URL, ``""`` when there is no such page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

from fitbit_local.api import schemas
from fitbit_local.api.context import RequestContext
from fitbit_local.api.params import MAX_DATE, MIN_DATE
from fitbit_local.api.registry import Param, ParseScope
from fitbit_local.errors import FitbitError

_LIST_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$")


def invalid(field: str, value: str) -> FitbitError:
    return FitbitError("validation_value", field_name=field, field=field, value=value)


@dataclass(frozen=True)
class ListDate:
    """``yyyy-MM-dd`` or ``yyyy-MM-ddTHH:mm:ss`` as sent, and the instant it means (a bare date: its midnight)."""

    text: str
    at: datetime


def _list_date(field: str):
    def parse(raw: str, scope: ParseScope) -> ListDate:
        text = scope.today.isoformat() if raw == "today" else raw
        match = _LIST_DATE.match(text)
        if match:
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
                moment = time(int(match[4] or 0), int(match[5] or 0), int(match[6] or 0))
            except ValueError:
                pass
            else:
                if MIN_DATE <= day <= MAX_DATE:
                    return ListDate(text, datetime.combine(day, moment))
        raise FitbitError("validation_date", field_name=field, date=raw)

    return parse


def _sort(raw: str, scope: ParseScope) -> str:
    if raw not in ("asc", "desc"):
        raise invalid("sort", raw)
    return raw


def _offset(raw: str, scope: ParseScope) -> int:
    if not raw.isdigit() or int(raw) > 1_000_000:
        raise invalid("offset", raw)
    return int(raw)


def _limit(raw: str, scope: ParseScope) -> int:
    top = int(scope.row.options.get("max_limit", 100))
    if not raw.isdigit() or not 1 <= int(raw) <= top:
        raise invalid("limit", raw)
    return int(raw)


_DATE_TIME_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{1,2}-\d{1,2}(T\d{2}:\d{2}(:\d{2})?)?$"}
# beforeDate carries the example the conformance suite sends: one of the pair must be given
BEFORE_DATE = Param(
    "beforeDate",
    "beforeDate",
    "query",
    _list_date("beforeDate"),
    {**_DATE_TIME_SCHEMA, "examples": ["2024-03-10"]},
    "entries before this date (yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss); with sort=desc",
    required=False,
)
AFTER_DATE = Param(
    "afterDate",
    "afterDate",
    "query",
    _list_date("afterDate"),
    _DATE_TIME_SCHEMA,
    "entries after this date; with sort=asc",
    required=False,
)
SORT = Param(
    "sort",
    "sort",
    "query",
    _sort,
    {"type": "string", "pattern": "^(asc|desc)$", "examples": ["desc"]},
    "asc|desc",
)
OFFSET = Param(
    "offset", "offset", "query", _offset, {"type": "integer", "minimum": 0, "examples": [0]}, "from 0"
)
LIMIT = Param(
    "limit", "limit", "query", _limit, {"type": "integer", "minimum": 1, "examples": [10]}, "page size"
)
LIST_QUERY = (BEFORE_DATE, AFTER_DATE, SORT, OFFSET, LIMIT)


@dataclass(frozen=True)
class Page:
    before: ListDate | None
    after: ListDate | None
    descending: bool
    offset: int
    limit: int

    @classmethod
    def of(cls, ctx: RequestContext) -> Page:
        """The request's page, refused as Fitbit did when the pair or the sort order does not fit."""
        before, after, sort = ctx.args.get("beforeDate"), ctx.args.get("afterDate"), ctx.args["sort"]
        if (before is None) == (after is None):
            raise FitbitError(
                "validation_required", field_name="beforeDate", label="Either beforeDate or afterDate"
            )
        if (before is not None and sort != "desc") or (after is not None and sort != "asc"):
            raise invalid("sort", sort)
        return cls(before, after, sort == "desc", ctx.args["offset"], ctx.args["limit"])

    def pagination(self, ctx: RequestContext, more: bool) -> dict[str, Any]:
        base = str(ctx.request.base_url).rstrip("/") + ctx.request.url.path
        sort = "desc" if self.descending else "asc"
        anchor = {"beforeDate": self.before.text} if self.before else {"afterDate": self.after.text}  # type: ignore[union-attr]

        def link(offset: int) -> str:
            return base + "?" + urlencode({"offset": offset, "limit": self.limit, "sort": sort, **anchor})

        return {
            **anchor,
            "limit": self.limit,
            "next": link(self.offset + self.limit) if more else "",
            "offset": self.offset,
            "previous": link(max(0, self.offset - self.limit)) if self.offset > 0 else "",
            "sort": sort,
        }


PAGINATION_SCHEMA = schemas.obj(
    {
        "limit": schemas.INTEGER,
        "next": schemas.STRING,
        "offset": schemas.INTEGER,
        "previous": schemas.STRING,
        "sort": schemas.enum("asc", "desc"),
    },
    {"beforeDate": schemas.STRING, "afterDate": schemas.STRING},
)


def page_entries(entries: list[tuple[datetime, Any]], page: Page, now: datetime) -> tuple[list[Any], bool]:
    """One page of timestamped entries (few per user: ECG readings, IRN alerts), filtered by the page's date, by the
    sandbox clock's `now`, and sorted as asked; and whether more follow."""
    kept = [
        (at, entry)
        for at, entry in entries
        if at <= now
        and (page.before is None or at < page.before.at)
        and (page.after is None or at > page.after.at)
    ]
    kept.sort(key=lambda pair: pair[0], reverse=page.descending)
    chunk = kept[page.offset : page.offset + page.limit]
    return [entry for _, entry in chunk], page.offset + page.limit < len(kept)
