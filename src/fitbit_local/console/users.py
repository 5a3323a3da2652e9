"""Users pages: the list, creating a synthetic user with days of history (``fitbit-local users create``), and each
user's data as charts over a range and for one day, read through the same `DayFrame` the API renders from (so the
plotted values are the API's), with the apps they authorised (``fitbit-local grants list|revoke``)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from fitbit_local.api.days import DayFrame
from fitbit_local.api.params import local_today
from fitbit_local.console import actions
from fitbit_local.console.charts import bar_chart, hypnogram, line_chart
from fitbit_local.console.web import Form, page, problem, redirect
from fitbit_local.physiology.day import SLEEP_DEEP, SLEEP_LIGHT, SLEEP_REM
from fitbit_local.services import Services
from fitbit_local.sources.load import NewUser, create_user_with_history
from fitbit_local.store.users import User, check_timezone

MAX_RANGE_DAYS = 92
MAX_SYNTHETIC_DAYS = 1095
ASLEEP = (SLEEP_LIGHT, SLEEP_DEEP, SLEEP_REM)


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


class UserPages:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _frame(self, user: User) -> DayFrame:
        return DayFrame(
            self.services.store.series,
            user,
            utc=False,
            now=self.services.clock.now(),
            cache=self.services.cached,
        )

    def _user(self, request: Request) -> User | None:
        return self.services.store.users.get(request.path_params["user_id"])

    async def index(self, request: Request, form: Form, error: str | None = None) -> Response:
        users = self.services.store.users.list()
        ranges = {u.id: self.services.store.series.day_range(u.id) for u in users}
        return page(
            request,
            "users.html",
            status=400 if error else 200,
            title="Users",
            users=users,
            ranges=ranges,
            form=form,
            error=error,
        )

    async def create(self, request: Request, form: Form) -> Response:
        store = self.services.store
        try:
            days = int(form.get("synthetic_days") or 0)
            seed = int(form["seed"]) if form.get("seed") else None
            if not 0 <= days <= MAX_SYNTHETIC_DAYS:
                raise ValueError(f"days of history must be from 0 to {MAX_SYNTHETIC_DAYS}")
            new = NewUser(
                name=form.get("name", "").strip(),
                password=form.get("password", ""),
                timezone=form.get("timezone", "UTC").strip() or "UTC",
            )
            if not new.name or not new.password:
                raise ValueError("a user needs a name and a password")
            check_timezone(new.timezone)
            if store.users.find(new.name) is not None:
                raise ValueError(f"a user named {new.name!r} exists")
            today = self.services.clock.now_datetime().date()
            if days == 0:
                user = store.users.create(**vars(new), member_since=today)
            else:
                end = local_today(new.timezone, self.services.clock.now())
                user, _ = await run_in_threadpool(
                    create_user_with_history, store, new, days=days, seed=seed, end=end, member_since=today
                )
        except (ValueError, KeyError) as exc:
            return await self.index(request, form, str(exc))
        return redirect(f"/console/users/{user.id}")

    async def show(self, request: Request, form: Form) -> Response:
        user = self._user(request)
        if user is None:
            return problem(request, "No such user.", 404)
        today = local_today(user.current_timezone, self.services.clock.now())
        end = _day(request.query_params.get("end"), today)
        start = _day(request.query_params.get("start"), end - timedelta(days=13))
        if start > end:
            start, end = end, start
        start = max(start, end - timedelta(days=MAX_RANGE_DAYS - 1))
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        frame = self._frame(user)
        summaries = frame.summaries(days)
        labels = [d.isoformat() for d in days]
        asleep: list[float | None] = []
        for d in days:
            arrays = frame.arrays(d)
            asleep.append(float(np.isin(arrays.sleep, ASLEEP).sum()) if arrays is not None else None)
        charts = [
            bar_chart("steps", "Steps", labels, [float(summaries[d].steps) for d in days], "steps"),
            bar_chart(
                "resting-heart-rate",
                "Resting heart rate",
                labels,
                [float(r) if (r := summaries[d].resting_heart_rate) is not None else None for d in days],
                "bpm",
            ),
            bar_chart(
                "azm", "Active Zone Minutes", labels, [float(summaries[d].azm_total) for d in days], "min"
            ),
            bar_chart("sleep", "Minutes asleep (from the per-minute sleep codes)", labels, asleep, "min"),
        ]
        return page(
            request,
            "user.html",
            title=user.display_name,
            user=user,
            start=start.isoformat(),
            end=end.isoformat(),
            days=labels,
            charts=charts,
            authorised=actions.authorised_apps(self.services, user.id),
        )

    async def day(self, request: Request, form: Form) -> Response:
        user = self._user(request)
        if user is None:
            return problem(request, "No such user.", 404)
        try:
            day = date.fromisoformat(request.path_params["day"])
        except ValueError:
            return problem(request, "The day is YYYY-MM-DD.", 404)
        arrays = self._frame(user).arrays(day)
        charts = []
        if arrays is not None:
            seconds = np.flatnonzero(arrays.heart)
            charts = [
                line_chart(
                    "heart-1sec",
                    "Heart rate, every second",
                    seconds,
                    arrays.heart[seconds],
                    86_400,
                    "bpm",
                    "00:00",
                    "24:00",
                ),
                bar_chart(
                    "steps-1min",
                    "Steps per minute",
                    [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)],
                    [float(v) for v in arrays.steps],
                    "steps",
                ),
                hypnogram("hypnogram", "Sleep stages (from the per-minute sleep codes)", arrays.sleep),
            ]
        return page(
            request,
            "day.html",
            title=f"{user.display_name}, {day.isoformat()}",
            user=user,
            day=day.isoformat(),
            previous=(day - timedelta(days=1)).isoformat(),
            following=(day + timedelta(days=1)).isoformat(),
            charts=charts,
        )

    async def revoke(self, request: Request, form: Form) -> Response:
        user = self._user(request)
        if user is None:
            return problem(request, "No such user.", 404)
        actions.revoke_app(self.services, user.id, form.get("client_id", ""))
        return redirect(f"/console/users/{user.id}")
