"""Load synthetic days into the store: what ``fitbit-local users create --synthetic-days``, ``generate`` and
``serve --demo`` call.

The person is drawn from the seed with the user's stored profile (birth date, sex, height, weight) imposed, so the
profile endpoint and the data agree; each day's summary is derived by `physiology.summaries` from the same arrays
that are stored, so intraday sums equal daily values.

A user created with history is created *unfinished* (store/users.py): invisible until its last day is stored. A
creation that dies half-way therefore leaves nothing anyone sees, and running the same creation again resumes it from
the first day not yet stored (generation is deterministic per date); a different creation of that name replaces it.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any

from fitbit_local.physiology.summaries import derive_daily_summary
from fitbit_local.sources.exercises import exercise_writer
from fitbit_local.sources.synthetic import Person, generate
from fitbit_local.sources.synthetic.health import SleepRecorder
from fitbit_local.sources.synthetic.logged import logs_writer
from fitbit_local.sources.synthetic.person import profile_defaults
from fitbit_local.store import Store
from fitbit_local.store.changes import WriteTransaction
from fitbit_local.store.users import User, password_matches

BATCH_DAYS = 30


def person_for(user: User, seed: int) -> Person:
    sex = user.sex if user.sex in ("MALE", "FEMALE") else None
    return Person.draw(
        seed,
        birth_date=user.birth_date,
        sex=sex,
        height_cm=user.height_cm,
        weight_kg=user.weight_kg,
        timezone=user.current_timezone,  # the hemisphere sets the phase of the seasons
    )


def history_seed(user: User, seed: int | None) -> int:
    """The seed of a user's synthetic history: the one given, else the user's own, else one drawn from its id."""
    if seed is not None:
        return seed
    return user.synthetic_seed or int.from_bytes(user.id.encode(), "big")


def store_synthetic_days(
    store: Store, user: User, *, days: int, end: date, seed: int, resume: bool = False
) -> int:
    """Generate `days` days ending on `end` (inclusive) for `user` and store them, `BATCH_DAYS` per transaction;
    returns the number of days of the range stored. With `resume`, days from the start of the range that are already
    stored are kept and generation starts at the first missing one."""
    if days <= 0:
        return 0
    person = person_for(user, seed)
    start = end - timedelta(days=days - 1)
    first = start
    if resume:
        stored_days = store.series.get_summaries(user.id, start, end)
        while first <= end and first.isoformat() in stored_days:
            first += timedelta(days=1)
    stored = (first - start).days
    fallback = store.series.latest_resting_hr(user.id, before=first)
    batch: list[tuple[date, object, dict[str, object]]] = []
    # what each batch's transaction stores beside the days: the nights' sleep logs and health metrics (issue 10),
    # the exercises detected in its arrays (issue 12), the weigh-ins, food and water logged (issue 11)
    sleep = SleepRecorder(user.id, person, seed)
    nights: list[Any] = []

    def store_batch() -> int:
        writers = (
            sleep.writer(nights),
            exercise_writer(user.id, {d.day: d.arrays for d in nights}),
            logs_writer(user, {day: summary for day, _, summary in batch}, seed),
        )

        def also(tx: WriteTransaction) -> None:
            for write_part in writers:
                write_part(tx)

        return store.series.put_days(user.id, batch, source="synthetic", also=also)  # type: ignore[arg-type]

    for generated in generate(person, first, (end - first).days + 1, seed):
        day, arrays = generated.day, generated.arrays
        summary = derive_daily_summary(
            arrays,
            age=user.age_on(day),
            resting_hr_fallback=fallback,
            bmr_kcal_per_day=person.bmr_kcal_per_day(day),
        )
        if summary.resting_heart_rate is not None:
            fallback = summary.resting_heart_rate
        batch.append((day, arrays, summary.to_json()))
        nights.append(generated)
        if len(batch) >= BATCH_DAYS:
            stored += store_batch()
            batch, nights = [], []
    if batch:
        stored += store_batch()
    return stored


@dataclass(frozen=True)
class NewUser:
    """What `users create` asks for (store/users.py `UserRepository.create` arguments)."""

    name: str
    password: str
    timezone: str = "UTC"
    locale: str = "en_US"
    birth_date: date = date(1990, 1, 1)
    sex: str = "NA"
    height_cm: float | None = None  # None: drawn by sex and age (`with_body`)
    weight_kg: float | None = None

    def with_body(self, seed: int | None) -> NewUser:
        """This request with a missing height or weight drawn by sex and age (the person model's draw, seeded by
        the history seed or else the name, so the same command gives the same profile)."""
        if self.height_cm is not None and self.weight_kg is not None:
            return self
        body_seed = seed if seed is not None else zlib.crc32(self.name.encode())
        height, weight = profile_defaults(body_seed, self.sex, self.birth_date)
        return replace(
            self,
            height_cm=self.height_cm if self.height_cm is not None else height,
            weight_kg=self.weight_kg if self.weight_kg is not None else weight,
        )

    def request(self, days: int, seed: int | None) -> dict[str, Any]:
        """The creation as data, without the password: a rerun resumes only an identical request. The body is the
        one `with_body(seed)` settles on, so a request with a drawn height equals one that names it."""
        values = asdict(self.with_body(seed))
        del values["password"]
        values["birth_date"] = self.birth_date.isoformat()
        return {"profile": values, "days": days, "seed": seed}


def create_user_with_history(
    store: Store, new: NewUser, *, days: int, seed: int | None, end: date, member_since: date
) -> tuple[User, int]:
    """Create a user with `days` days of synthetic history ending on `end`, all or (visibly) nothing.

    An unfinished creation of the same name from an identical request (same profile, password, days and seed) is
    resumed, with the end date and member-since date it started with; any other unfinished one is replaced."""
    new = new.with_body(seed)
    request = new.request(days, seed)
    found = store.users.unfinished(new.name)
    if (
        found is not None
        and found.job["request"] == request
        and password_matches(new.password, found.password_hash)
    ):
        user, job = found.user, found.job
    else:
        job = {"request": request, "end": end.isoformat()}
        user = store.users.create(
            **asdict(new),
            member_since=member_since,
            synthetic=True,
            synthetic_seed=seed,
            creation_job=job,
        )
    stored = store_synthetic_days(
        store, user, days=days, end=date.fromisoformat(job["end"]), seed=history_seed(user, seed), resume=True
    )
    return store.users.finish_creation(user.id), stored
