"""The one source of "now" (DESIGN firm decision 3).

The sandbox clock is kept in the database (table ``sandbox_state``) so every worker and the CLI share it: it can run
with an offset from real time (``clock set``/``advance``) or be frozen. Token expiry, code lifetime, rate-limit windows
and "today" all read it. The server refreshes its copy once per request (one primary-key read, shared with the cache
epoch); nothing else calls the system time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, update

from fitbit_local.store.db import FastReader
from fitbit_local.store.schema import sandbox_state


@dataclass(frozen=True)
class ClockState:
    offset: float
    frozen_at: float | None
    epoch: int


class Clock:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._reader = FastReader(engine)
        self._state = ClockState(0.0, None, 0)
        self.refresh()

    @property
    def epoch(self) -> int:
        """Change counter of sandbox state: in-process caches are dropped when it moves."""
        return self._state.epoch

    def refresh(self) -> ClockState:
        row = self._reader.fetchone(
            "SELECT clock_offset, clock_frozen_at, epoch FROM sandbox_state WHERE id = 1"
        )
        if row is None:
            raise RuntimeError("the database has no sandbox state row: it was not migrated")
        offset, frozen_at, epoch = row
        self._state = ClockState(float(offset), None if frozen_at is None else float(frozen_at), int(epoch))
        return self._state

    def now(self) -> float:
        """Seconds since the Unix epoch, on the sandbox clock."""
        state = self._state
        if state.frozen_at is not None:
            return state.frozen_at
        return time.time() + state.offset

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def describe(self) -> dict[str, object]:
        state = self.refresh()
        return {
            "now": self.now_datetime().isoformat().replace("+00:00", "Z"),
            "frozen": state.frozen_at is not None,
            "offset_seconds": round(state.offset, 3),
        }

    def set(self, instant: datetime, *, frozen: bool = False) -> None:
        target = instant.timestamp()
        values: dict[str, object] = (
            {"clock_frozen_at": target, "clock_offset": 0.0}
            if frozen
            else {"clock_frozen_at": None, "clock_offset": target - time.time()}
        )
        self._write(values)

    def advance(self, seconds: float) -> None:
        state = self.refresh()
        if state.frozen_at is not None:
            self._write({"clock_frozen_at": state.frozen_at + seconds})
        else:
            self._write({"clock_offset": state.offset + seconds})

    def reset(self) -> None:
        self._write({"clock_frozen_at": None, "clock_offset": 0.0})

    def _write(self, values: dict[str, object]) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(sandbox_state)
                .where(sandbox_state.c.id == 1)
                .values(epoch=sandbox_state.c.epoch + 1, **values)
            )
        self.refresh()
