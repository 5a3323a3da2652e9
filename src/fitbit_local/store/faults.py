"""Injected faults: documented errors the sandbox answers instead of the real response (docs/sandbox.md)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update

from fitbit_local.errors.catalogue import CATALOGUE, ErrorKey
from fitbit_local.ids import is_encoded_id
from fitbit_local.store.changes import write
from fitbit_local.store.schema import faults

MAX_FAULT_COUNT = 1_000_000
MAX_PATH_PREFIX = 2_000


@dataclass(frozen=True)
class Fault:
    id: int
    error_key: ErrorKey
    client_id: str | None
    user_id: str | None
    path_prefix: str | None
    remaining: int | None

    def matches(self, path: str, client_id: str | None, user_id: str | None) -> bool:
        if self.path_prefix is not None and not path.startswith(self.path_prefix):
            return False
        if self.client_id is not None and self.client_id != client_id:
            return False
        if self.user_id is not None and self.user_id != user_id:
            return False
        return True

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "error": self.error_key,
            "client_id": self.client_id,
            "user_id": self.user_id,
            "path_prefix": self.path_prefix,
            "remaining": self.remaining,
        }


class FaultRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_fault(
        self,
        error_key: ErrorKey,
        *,
        client_id: str | None = None,
        user_id: str | None = None,
        path_prefix: str | None = None,
        count: int | None = None,
    ) -> Fault:
        if count is not None and not 1 <= count <= MAX_FAULT_COUNT:
            raise ValueError(f"count must be between 1 and {MAX_FAULT_COUNT}")
        for what, value in (("app", client_id), ("user", user_id)):
            if value is not None and not is_encoded_id(value):
                raise ValueError(f"{what} must be an encoded id (6 upper-case letters and digits): {value!r}")
        if path_prefix is not None and len(path_prefix) > MAX_PATH_PREFIX:
            raise ValueError(f"path_prefix has more than {MAX_PATH_PREFIX} characters")
        with write(self._engine) as tx:
            fault_id = tx.conn.execute(
                insert(faults).values(
                    error_key=error_key,
                    client_id=client_id,
                    user_id=user_id,
                    path_prefix=path_prefix,
                    remaining=count,
                    created_at=tx.now,
                )
            ).inserted_primary_key[0]  # type: ignore[index]  # always set by an INSERT
            tx.record("sandbox", "created", user_id=user_id, client_id=client_id)
        return Fault(fault_id, error_key, client_id, user_id, path_prefix, count)

    def list_faults(self) -> list[Fault]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(faults).order_by(faults.c.id)).all()
        return [
            Fault(r.id, r.error_key, r.client_id, r.user_id, r.path_prefix, r.remaining)
            for r in rows
            if r.error_key in CATALOGUE  # written through add_fault, which takes only catalogue keys
        ]

    def clear_faults(self, fault_id: int | None = None) -> int:
        with write(self._engine) as tx:
            stmt = delete(faults) if fault_id is None else delete(faults).where(faults.c.id == fault_id)
            removed = tx.conn.execute(stmt).rowcount
            tx.record("sandbox", "deleted")
        return removed

    def consume_fault(self, fault: Fault) -> bool:
        """Use one of a counted fault's firings; False when another worker used the last one first."""
        if fault.remaining is None:
            return True
        with write(self._engine) as tx:
            used = tx.conn.execute(
                update(faults)
                .where(faults.c.id == fault.id, faults.c.remaining > 0)
                .values(remaining=faults.c.remaining - 1)
            ).rowcount
            if used:
                tx.conn.execute(delete(faults).where(faults.c.id == fault.id, faults.c.remaining <= 0))
                tx.record("sandbox", "updated", user_id=fault.user_id, client_id=fault.client_id)
        return bool(used)
