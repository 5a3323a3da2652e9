"""Users: account, profile fields and time-zone history.

The time-zone history is a step function over local dates: each entry holds from its ``effective_from`` date until
the next entry. A change effective from date E replaces everything from E on (later-dated entries are dropped), so the
newest change is always the current zone and the days before E keep the zones they were lived in (docs/decisions.md,
"Time-zone history: the newest change wins").
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from fitbit_local.ids import new_encoded_id
from fitbit_local.store.changes import write
from fitbit_local.store.schema import profile_settings, user_timezones, users

_FIRST_ENTRY = "0000-01-01"  # the zone a user was created with holds from the beginning of time

# The locales a profile may hold [DOC updateProfile: "one of the locales, currently – (en_US, fr_FR, de_DE, es_ES,
# en_GB, en_AU, en_NZ, ja_JP)"].
PROFILE_LOCALES = ("en_US", "fr_FR", "de_DE", "es_ES", "en_GB", "en_AU", "en_NZ", "ja_JP")
PROFILE_FIELDS = frozenset({"display_name", "locale", "birth_date", "sex", "height_cm", "weight_kg"})
SEXES = ("MALE", "FEMALE", "NA")

# Passwords are argon2id with argon2-cffi's default (RFC 9106 low-memory) parameters. Hashes written before
# (``pbkdf2_sha256$120000$salt$digest``) still verify, and are replaced at the user's next successful sign-in,
# as are argon2 hashes made with other parameters.
_hasher = PasswordHasher()
_LEGACY_PBKDF2 = "pbkdf2_sha256$"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password: str, stored: str) -> bool:
    if stored.startswith(_LEGACY_PBKDF2):
        return _pbkdf2_matches(password, stored)
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored: str) -> bool:
    return stored.startswith(_LEGACY_PBKDF2) or _hasher.check_needs_rehash(stored)


def _pbkdf2_matches(password: str, stored: str) -> bool:
    try:
        _scheme, iterations, salt, digest = stored.split("$")
        candidate = hashlib.pbkdf2_hmac(
            "sha256", password.encode(), bytes.fromhex(salt), int(iterations)
        ).hex()
    except ValueError:
        return False
    return hmac.compare_digest(candidate, digest)


def check_timezone(name: str) -> None:
    try:
        if len(name) > 64:  # the column's width
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Europe/Paris)") from exc


def check_profile_fields(fields: Mapping[str, object]) -> None:
    """The rules a stored profile keeps, whoever writes it (API, CLI, demo)."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
    if "locale" in fields and fields["locale"] not in PROFILE_LOCALES:
        raise ValueError(f"locale must be one of {', '.join(PROFILE_LOCALES)}")
    if "sex" in fields and fields["sex"] not in SEXES:
        raise ValueError(f"sex must be one of {', '.join(SEXES)}")
    if "display_name" in fields and len(str(fields["display_name"])) > 200:
        raise ValueError("a display name has at most 200 characters")
    for name in ("height_cm", "weight_kg"):
        if name in fields and not 0 < float(fields[name]) < 10_000:  # type: ignore[arg-type]
            raise ValueError(f"{name} must be a positive number below 10000")
    if "birth_date" in fields:
        date.fromisoformat(str(fields["birth_date"]))  # ValueError when it is not a date


def _upsert_timezone(conn: Connection, user_id: str, effective_from: str, timezone: str) -> None:
    """INSERT … ON CONFLICT DO UPDATE on either dialect: a concurrent writer of the same entry never makes it a
    unique violation (issue #8 item 4)."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(user_timezones).values(
        user_id=user_id, effective_from=effective_from, timezone=timezone
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[user_timezones.c.user_id, user_timezones.c.effective_from],
            set_={"timezone": stmt.excluded.timezone},
        )
    )


def _change_timezone(
    conn: Connection, user_id: str, timezone: str, effective_from: date | None, now: float
) -> None:
    """Make `timezone` the user's zone from `effective_from` on (default: the user's local date at `now`), dropping
    every entry dated later: the newest change wins, whatever date a zone ahead of UTC gave an earlier one."""
    zones = conn.execute(
        select(user_timezones.c.effective_from, user_timezones.c.timezone)
        .where(user_timezones.c.user_id == user_id)
        .order_by(user_timezones.c.effective_from)
    ).all()
    if effective_from is None:
        effective_from = datetime.fromtimestamp(now, ZoneInfo(zones[-1].timezone)).date()
    key = effective_from.isoformat()
    conn.execute(
        delete(user_timezones).where(
            user_timezones.c.user_id == user_id, user_timezones.c.effective_from > key
        )
    )
    in_effect = [z.timezone for z in zones if z.effective_from <= key]
    if not in_effect or in_effect[-1] != timezone:
        _upsert_timezone(conn, user_id, key, timezone)


def change_timezone_history(
    conn: Connection, user_id: str, old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]
) -> None:
    """Turn the user's zone history from `old` into `new` ((effective_from, zone) pairs): the entries `new` drops
    are deleted, the ones it adds or changes written; entries neither mentions (a concurrent writer's) stay. The
    Takeout import's corrected days (sources/takeout/zones.py)."""
    before, after = dict(old), dict(new)
    for name in set(after.values()):
        check_timezone(name)
    gone = [key for key in before if key not in after]
    if gone:
        conn.execute(
            delete(user_timezones).where(
                user_timezones.c.user_id == user_id, user_timezones.c.effective_from.in_(gone)
            )
        )
    for key, zone in after.items():
        if before.get(key) != zone:
            _upsert_timezone(conn, user_id, key, zone)


@functools.cache
def _timing_hash() -> str:
    return hash_password("timing-equaliser")


def _equalise_timing(password: str) -> None:
    """Spend what verifying a real password costs, so an unknown user name does not answer faster."""
    password_matches(password, _timing_hash())


@dataclass(frozen=True)
class User:
    id: str
    name: str
    display_name: str
    locale: str
    birth_date: date
    sex: str
    height_cm: float
    weight_kg: float
    member_since: str
    synthetic: bool
    synthetic_seed: int | None
    timezones: tuple[tuple[str, str], ...]  # (effective_from local date, IANA zone), ascending

    def timezone_on(self, day: date | str) -> str:
        """The zone in effect on a local date (the newest entry that starts on or before it)."""
        key = day if isinstance(day, str) else day.isoformat()
        zone = self.timezones[0][1]
        for effective_from, name in self.timezones:
            if effective_from <= key:
                zone = name
        return zone

    @property
    def current_timezone(self) -> str:
        return self.timezones[-1][1]

    def age_on(self, day: date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def to_json(self) -> dict[str, object]:
        return {
            "user_id": self.id,
            "name": self.name,
            "display_name": self.display_name,
            "timezone": self.current_timezone,
            "locale": self.locale,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "height_cm": self.height_cm,
            "weight_kg": self.weight_kg,
            "synthetic": self.synthetic,
        }


@dataclass(frozen=True)
class UnfinishedUser:
    """A user whose creation has not finished: invisible to every reader (`UserRepository.create`)."""

    user: User
    job: dict[str, Any]  # what the creation was asked to do, as `creation_job` stored it
    password_hash: str


class UserRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(
        self,
        *,
        name: str,
        password: str,
        timezone: str = "UTC",
        locale: str = "en_US",
        birth_date: date = date(1990, 1, 1),
        sex: str = "NA",
        height_cm: float = 170.0,
        weight_kg: float = 70.0,
        member_since: date | None = None,
        synthetic: bool = False,
        synthetic_seed: int | None = None,
        display_name: str | None = None,
        creation_job: dict[str, Any] | None = None,
    ) -> User:
        """Create a user. With `creation_job` the user is created *unfinished*: invisible to every reader until
        `finish_creation`, so a creation that dies half-way (a killed `users create --synthetic-days`) leaves nothing
        anyone sees, and the next creation of that name replaces or resumes it (sources/load.py)."""
        check_timezone(timezone)
        check_profile_fields(
            {"locale": locale, "sex": sex, "height_cm": height_cm, "weight_kg": weight_kg}
            | ({"display_name": display_name} if display_name is not None else {})
        )
        since = (member_since or birth_date).isoformat()
        password_hash = hash_password(password)
        for _attempt in range(20):
            user_id = new_encoded_id()
            try:
                with write(self._engine) as tx:
                    # an unfinished creation of the same name is replaced (its history goes with it)
                    tx.conn.execute(
                        delete(users).where(users.c.name == name, users.c.creation_job.is_not(None))
                    )
                    tx.conn.execute(
                        insert(users).values(
                            id=user_id,
                            name=name,
                            password_hash=password_hash,
                            display_name=display_name or name,
                            locale=locale,
                            birth_date=birth_date.isoformat(),
                            sex=sex,
                            height_cm=height_cm,
                            weight_kg=weight_kg,
                            member_since=since,
                            synthetic=synthetic,
                            synthetic_seed=synthetic_seed,
                            creation_job=orjson.dumps(creation_job).decode()
                            if creation_job is not None
                            else None,
                            created_at=tx.now,
                        )
                    )
                    tx.conn.execute(
                        insert(user_timezones).values(
                            user_id=user_id, effective_from=_FIRST_ENTRY, timezone=timezone
                        )
                    )
                    if creation_job is None:
                        tx.record("profile", "created", user_id=user_id)
            except IntegrityError as exc:
                if self.find(name) is not None:
                    raise ValueError(f"a user named {name!r} already exists") from exc
                continue  # encoded id collision (or a concurrent creation of an unfinished user): draw again
            user = self._load(user_id, unfinished=creation_job is not None)
            assert user is not None
            return user
        raise RuntimeError("could not allocate an encoded user id")

    def unfinished(self, name: str) -> UnfinishedUser | None:
        """The unfinished creation of `name`, if there is one."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(users.c.id, users.c.creation_job, users.c.password_hash).where(
                    users.c.name == name, users.c.creation_job.is_not(None)
                )
            ).first()
        if row is None:
            return None
        user = self._load(row.id, unfinished=True)
        return (
            UnfinishedUser(user, orjson.loads(row.creation_job), row.password_hash)
            if user is not None
            else None
        )

    def finish_creation(self, user_id: str) -> User:
        """Make an unfinished user (and the history written for it) visible, in one write."""
        with write(self._engine) as tx:
            done = tx.conn.execute(
                update(users)
                .where(users.c.id == user_id, users.c.creation_job.is_not(None))
                .values(creation_job=None)
            ).rowcount
            if not done:
                raise KeyError(user_id)
            tx.record("profile", "created", user_id=user_id)
        user = self.get(user_id)
        assert user is not None
        return user

    def get(self, user_id: str) -> User | None:
        return self._load(user_id, unfinished=False)

    def _load(self, user_id: str, *, unfinished: bool) -> User | None:
        """The user and their time-zone history from one statement, so one snapshot: a profile write committing
        in between can never pair one write's fields with another's zone (two statements could, on PostgreSQL's
        READ COMMITTED and on SQLite outside a transaction)."""
        finished = users.c.creation_job.is_not(None) if unfinished else users.c.creation_job.is_(None)
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(users, user_timezones.c.effective_from, user_timezones.c.timezone)
                .join(user_timezones, user_timezones.c.user_id == users.c.id)
                .where(users.c.id == user_id, finished)
                .order_by(user_timezones.c.effective_from)
            ).all()
        if not rows:
            return None  # unknown, or (every user has a zone entry from creation on) not in this state
        row = rows[0]
        return User(
            id=row.id,
            name=row.name,
            display_name=row.display_name,
            locale=row.locale,
            birth_date=date.fromisoformat(row.birth_date),
            sex=row.sex,
            height_cm=row.height_cm,
            weight_kg=row.weight_kg,
            member_since=row.member_since,
            synthetic=bool(row.synthetic),
            synthetic_seed=row.synthetic_seed,
            timezones=tuple((r.effective_from, r.timezone) for r in rows),
        )

    def find(self, name_or_id: str) -> User | None:
        with self._engine.connect() as conn:
            user_id = conn.execute(
                select(users.c.id).where(
                    or_(users.c.id == name_or_id, users.c.name == name_or_id), users.c.creation_job.is_(None)
                )
            ).scalar()
        return self.get(user_id) if user_id else None

    def authenticate(self, name_or_id: str, password: str) -> User | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(users.c.id, users.c.password_hash).where(
                    or_(users.c.id == name_or_id, users.c.name == name_or_id), users.c.creation_job.is_(None)
                )
            ).first()
        if row is None:
            _equalise_timing(password)
            return None
        if not password_matches(password, row.password_hash):
            return None
        if password_needs_rehash(row.password_hash):
            upgraded = hash_password(password)  # hashed before the write transaction opens
            with write(self._engine) as tx:  # unless the password changed meanwhile
                tx.conn.execute(
                    update(users)
                    .where(users.c.id == row.id, users.c.password_hash == row.password_hash)
                    .values(password_hash=upgraded)
                )
        return self.get(row.id)

    def list(self) -> list[User]:
        with self._engine.connect() as conn:
            ids = (
                conn.execute(
                    select(users.c.id).where(users.c.creation_job.is_(None)).order_by(users.c.created_at)
                )
                .scalars()
                .all()
            )
        return [u for u in (self.get(i) for i in ids) if u is not None]

    def update_profile(
        self,
        user_id: str,
        fields: Mapping[str, object],
        *,
        timezone: str | None = None,
        effective_from: date | None = None,
        settings: Mapping[str, str] | None = None,
    ) -> User:
        """Change profile fields (column names of the users table) and, optionally, the time zone from
        `effective_from` on (default: the user's local today by the sandbox clock), all in one transaction: an
        invalid value changes nothing."""
        check_profile_fields(fields)
        if timezone is not None:
            check_timezone(timezone)
        with write(self._engine) as tx:
            # Touching the user's row first serialises concurrent profile writes of one user (PostgreSQL row lock;
            # on SQLite it takes the write lock) so each reads the zone history the previous one left.
            found = tx.conn.execute(
                update(users)
                .where(users.c.id == user_id, users.c.creation_job.is_(None))
                .values(name=users.c.name, **fields)
            ).rowcount
            if not found:
                raise KeyError(user_id)
            if timezone is not None:
                _change_timezone(tx.conn, user_id, timezone, effective_from, tx.now)
            if (
                settings
            ):  # profile fields beyond the users table's columns (issue 12), in the same transaction
                tx.conn.execute(
                    delete(profile_settings).where(
                        profile_settings.c.user_id == user_id, profile_settings.c.name.in_(list(settings))
                    )
                )
                tx.conn.execute(
                    insert(profile_settings),
                    [{"user_id": user_id, "name": k, "value": v} for k, v in settings.items()],
                )
            tx.record("profile", "updated", user_id=user_id)
        user = self.get(user_id)
        assert user is not None
        return user

    def update(self, user_id: str, **values: object) -> None:
        """Change profile fields (column names of the users table)."""
        self.update_profile(user_id, values)

    def set_timezone(self, user_id: str, timezone: str, effective_from: date) -> None:
        """Record travel or a settings change: from `effective_from` (local date) on, days render in `timezone`."""
        self.update_profile(user_id, {}, timezone=timezone, effective_from=effective_from)
