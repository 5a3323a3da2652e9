"""Sandbox state other than the clock: the cache epoch, the token signing key, and injected faults."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select, update

from fitbit_local.errors.catalogue import CATALOGUE, ErrorKey
from fitbit_local.store.schema import faults, sandbox_state


def bump_epoch(conn: Connection) -> None:
    """Tell every worker's in-process caches that apps, tokens or faults changed (same transaction as the change)."""
    conn.execute(update(sandbox_state).where(sandbox_state.c.id == 1).values(epoch=sandbox_state.c.epoch + 1))


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


class SandboxRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def signing_key(self) -> bytes:
        with self._engine.connect() as conn:
            key = conn.execute(
                select(sandbox_state.c.signing_key).where(sandbox_state.c.id == 1)
            ).scalar_one()
        return bytes.fromhex(key)

    def add_fault(
        self,
        error_key: ErrorKey,
        *,
        client_id: str | None = None,
        user_id: str | None = None,
        path_prefix: str | None = None,
        count: int | None = None,
    ) -> Fault:
        with self._engine.begin() as conn:
            fault_id = conn.execute(
                insert(faults).values(
                    error_key=error_key,
                    client_id=client_id,
                    user_id=user_id,
                    path_prefix=path_prefix,
                    remaining=count,
                    created_at=time.time(),
                )
            ).inserted_primary_key[0]  # type: ignore[index]  # always set by an INSERT
            bump_epoch(conn)
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
        with self._engine.begin() as conn:
            stmt = delete(faults) if fault_id is None else delete(faults).where(faults.c.id == fault_id)
            removed = conn.execute(stmt).rowcount
            bump_epoch(conn)
        return removed

    def consume_fault(self, fault: Fault) -> bool:
        """Use one of a counted fault's firings; False when another worker used the last one first."""
        if fault.remaining is None:
            return True
        with self._engine.begin() as conn:
            used = conn.execute(
                update(faults)
                .where(faults.c.id == fault.id, faults.c.remaining > 0)
                .values(remaining=faults.c.remaining - 1)
            ).rowcount
            if used:
                conn.execute(delete(faults).where(faults.c.id == fault.id, faults.c.remaining <= 0))
                bump_epoch(conn)
        return bool(used)
