"""Users: account, profile fields and time-zone history."""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import date

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from fitbit_local.ids import new_encoded_id
from fitbit_local.store.changes import write
from fitbit_local.store.sandbox import bump_epoch
from fitbit_local.store.schema import user_timezones, users

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
    ) -> User:
        since = (member_since or birth_date).isoformat()
        for _attempt in range(20):
            user_id = new_encoded_id()
            try:
                with self._engine.begin() as conn:
                    conn.execute(
                        insert(users).values(
                            id=user_id,
                            name=name,
                            password_hash=hash_password(password),
                            display_name=display_name or name,
                            locale=locale,
                            birth_date=birth_date.isoformat(),
                            sex=sex,
                            height_cm=height_cm,
                            weight_kg=weight_kg,
                            member_since=since,
                            synthetic=synthetic,
                            synthetic_seed=synthetic_seed,
                            created_at=time.time(),
                        )
                    )
                    conn.execute(
                        insert(user_timezones).values(
                            user_id=user_id, effective_from="0000-01-01", timezone=timezone
                        )
                    )
            except IntegrityError as exc:
                if self.find(name) is not None:
                    raise ValueError(f"a user named {name!r} already exists") from exc
                continue  # encoded id collision: draw another
            user = self.get(user_id)
            assert user is not None
            return user
        raise RuntimeError("could not allocate an encoded user id")

    def get(self, user_id: str) -> User | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id)).first()
            if row is None:
                return None
            zones = conn.execute(
                select(user_timezones.c.effective_from, user_timezones.c.timezone)
                .where(user_timezones.c.user_id == user_id)
                .order_by(user_timezones.c.effective_from)
            ).all()
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
            timezones=tuple((z.effective_from, z.timezone) for z in zones),
        )

    def find(self, name_or_id: str) -> User | None:
        with self._engine.connect() as conn:
            user_id = conn.execute(
                select(users.c.id).where(or_(users.c.id == name_or_id, users.c.name == name_or_id))
            ).scalar()
        return self.get(user_id) if user_id else None

    def authenticate(self, name_or_id: str, password: str) -> User | None:
        with self._engine.connect() as conn:
            row = conn.execute(
                select(users.c.id, users.c.password_hash).where(
                    or_(users.c.id == name_or_id, users.c.name == name_or_id)
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
            ids = conn.execute(select(users.c.id).order_by(users.c.created_at)).scalars().all()
        return [u for u in (self.get(i) for i in ids) if u is not None]

    def update(self, user_id: str, **values: object) -> None:
        """Change profile fields (column names of the users table)."""
        allowed = {"display_name", "locale", "birth_date", "sex", "height_cm", "weight_kg"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
        with self._engine.begin() as conn:
            conn.execute(users.update().where(users.c.id == user_id).values(**values))
            bump_epoch(conn)

    def set_timezone(self, user_id: str, timezone: str, effective_from: date) -> None:
        """Record travel or a settings change: from `effective_from` (local date) on, days render in `timezone`."""
        with self._engine.begin() as conn:
            conn.execute(
                user_timezones.delete().where(
                    user_timezones.c.user_id == user_id,
                    user_timezones.c.effective_from == effective_from.isoformat(),
                )
            )
            conn.execute(
                insert(user_timezones).values(
                    user_id=user_id, effective_from=effective_from.isoformat(), timezone=timezone
                )
            )
            bump_epoch(conn)
