"""The import job record: which export (fingerprint) is being imported into which user, and how far it got."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine, insert, select, update

from fitbit_local.store.changes import write
from fitbit_local.store.schema import import_jobs


@dataclass(frozen=True)
class Job:
    id: int
    user_id: str
    fingerprint: str
    state: dict[str, Any]
    finished: bool


class JobRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def find(self, fingerprint: str, user_id: str | None = None) -> Job | None:
        """The job of this export for `user_id` (any user when None; finished ones first)."""
        query = select(import_jobs).where(import_jobs.c.fingerprint == fingerprint)
        if user_id is not None:
            query = query.where(import_jobs.c.user_id == user_id)
        with self._engine.connect() as conn:
            row = conn.execute(query.order_by(import_jobs.c.finished.desc(), import_jobs.c.id)).first()
        if row is None:
            return None
        return Job(row.id, row.user_id, row.fingerprint, orjson.loads(row.state), bool(row.finished))

    def start(self, user_id: str, fingerprint: str) -> Job:
        """The job of this export for this user: the existing one (to resume or re-check), else a new one."""
        found = self.find(fingerprint, user_id)
        if found is not None:
            return found
        with write(self._engine) as tx:
            tx.conn.execute(
                insert(import_jobs).values(
                    user_id=user_id, fingerprint=fingerprint, state="{}", finished=False, updated_at=tx.now
                )
            )
        started = self.find(fingerprint, user_id)
        assert started is not None
        return started

    def save(self, job: Job, state: dict[str, Any], *, finished: bool = False) -> None:
        with write(self._engine) as tx:
            tx.conn.execute(
                update(import_jobs)
                .where(import_jobs.c.id == job.id)
                .values(state=orjson.dumps(state).decode(), finished=finished, updated_at=tx.now)
            )
