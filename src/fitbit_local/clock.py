"""The one source of "now" (DESIGN firm decision 3), held with the rest of the sandbox state.

The sandbox clock is kept in the database (the ``sandbox_state`` row) so every worker and the CLI share it: it runs
with an offset from real time (``clock set``/``advance``) or is frozen. Token expiry, code lifetime, rate-limit
windows and "today" all read it. The same row carries the cache epoch (moved by every committed write, store/changes.py)
and the token signing key. `SandboxState` is the one object in front of that row: the server refreshes it once per
request with one raw primary-key read (`refresh`), and its clock writes go through the change seam.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from sqlalchemy import Engine, case, update

from fitbit_local.store.changes import write
from fitbit_local.store.db import FastReader
from fitbit_local.store.sandbox import (
    CLOCK_EARLIEST,
    CLOCK_LATEST,
    STATE_SQL,
    ClockState,
    check_clock_range,
    read_clock_state,
    read_signing_key,
    wall_clock,
)
from fitbit_local.store.schema import sandbox_state


class SandboxState:
    """The sandbox clock, the cache epoch and the signing key, as this process last read them."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._reader = FastReader.of(engine)
        self._state = ClockState(0.0, None, 0)
        self.signing_key: bytes = read_signing_key(engine)  # drawn once with the database; never changes
        self.refresh()

    @property
    def epoch(self) -> int:
        """Change counter of the store: in-process caches are dropped when it moves."""
        return self._state.epoch

    def refresh(self) -> ClockState:
        """Re-read clock and epoch (once per request: one primary-key read on a raw per-thread connection)."""
        row = self._reader.fetchone(STATE_SQL)
        if row is None:
            raise RuntimeError("the database has no sandbox state row: it was not migrated")
        self._state = ClockState.from_row(row)
        return self._state

    def now(self) -> float:
        """Seconds since the Unix epoch, on the sandbox clock."""
        return self._state.now()

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def describe(self) -> dict[str, object]:
        state = self.refresh()
        return {
            "now": self.now_datetime().isoformat().replace("+00:00", "Z"),
            "frozen": state.frozen_at is not None,
            "offset_seconds": round(state.offset, 3),
        }

    # --- clock writes, each one write through the change seam ------------------------------------------------------

    def set(self, instant: datetime, *, frozen: bool = False) -> None:
        target = instant.timestamp()
        check_clock_range(target)
        self._write(
            {"clock_frozen_at": target, "clock_offset": 0.0}
            if frozen
            else {"clock_frozen_at": None, "clock_offset": target - wall_clock()}
        )

    def advance(self, seconds: float) -> None:
        """Move the clock by `seconds` (negative: back), frozen or running. Computed in SQL so two workers
        advancing at once both count."""
        if not math.isfinite(seconds) or abs(seconds) > (CLOCK_LATEST - CLOCK_EARLIEST).total_seconds():
            check_clock_range(math.inf)  # the same message as any other out-of-range move
        self._write(
            {
                "clock_offset": case(
                    (sandbox_state.c.clock_frozen_at.is_(None), sandbox_state.c.clock_offset + seconds),
                    else_=sandbox_state.c.clock_offset,
                ),
                "clock_frozen_at": sandbox_state.c.clock_frozen_at + seconds,  # NULL (running) stays NULL
            }
        )

    def reset(self) -> None:
        self._write({"clock_frozen_at": None, "clock_offset": 0.0})

    def _write(self, values: dict[str, object]) -> None:
        with write(self._engine) as tx:
            tx.conn.execute(update(sandbox_state).where(sandbox_state.c.id == 1).values(**values))
            check_clock_range(read_clock_state(tx.conn).now())  # out of range: nothing is committed
            tx.record("sandbox", "updated")
        self.refresh()


# The older name: oauth/tokens.py and some tests still type their clock argument as `Clock`.
Clock = SandboxState
