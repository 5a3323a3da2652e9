"""Sandbox state as stored: the one ``sandbox_state`` row (clock, cache epoch, signing key).

`fitbit_local.clock.SandboxState` is the object the server and the CLI hold; this module is what it and the change
seam (store/changes.py) read. (Injected faults are store/faults.py.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select

from fitbit_local.store.schema import sandbox_state

# The instants the sandbox clock may show. Fitbit's data starts in 2009 (the first trackers) and nothing the API
# serves predates 2000; at the top, every local date and every range the API computes from "today" (time zones up to
# UTC+14, periods of a few years, token lifetimes) must stay inside Python's dates, which end with year 9999.
CLOCK_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_LATEST = datetime(9900, 1, 1, tzinfo=UTC)

# The one per-request read: a raw SQL string, run through FastReader without SQLAlchemy's statement machinery.
STATE_SQL = "SELECT clock_offset, clock_frozen_at, epoch FROM sandbox_state WHERE id = 1"


def wall_clock() -> float:
    """The system time: the one call of it. Everything else asks the sandbox clock."""
    return time.time()


def check_clock_range(instant: float) -> None:
    if not CLOCK_EARLIEST.timestamp() <= instant < CLOCK_LATEST.timestamp():
        raise ValueError(
            f"the sandbox clock must stay between {CLOCK_EARLIEST.date().isoformat()} and "
            f"{CLOCK_LATEST.date().isoformat()} (UTC)"
        )


@dataclass(frozen=True)
class ClockState:
    """The sandbox clock and cache epoch as one read of the state row found them."""

    offset: float  # seconds added to the real time
    frozen_at: float | None  # when set, "now" is this instant
    epoch: int  # moves on every committed write: in-process caches are dropped when it does

    @classmethod
    def from_row(cls, row: tuple) -> ClockState:
        offset, frozen_at, epoch = row
        return cls(float(offset), None if frozen_at is None else float(frozen_at), int(epoch))

    def now(self) -> float:
        """Seconds since the Unix epoch, on the sandbox clock."""
        if self.frozen_at is not None:
            return self.frozen_at
        return wall_clock() + self.offset


def read_clock_state(conn: Connection) -> ClockState:
    row = conn.execute(
        select(sandbox_state.c.clock_offset, sandbox_state.c.clock_frozen_at, sandbox_state.c.epoch).where(
            sandbox_state.c.id == 1
        )
    ).first()
    if row is None:
        raise RuntimeError("the database has no sandbox state row: it was not migrated")
    return ClockState.from_row(tuple(row))


def read_signing_key(engine: Engine) -> bytes:
    """The HS256 key of the access tokens, drawn once when the database was created."""
    with engine.connect() as conn:
        key = conn.execute(select(sandbox_state.c.signing_key).where(sandbox_state.c.id == 1)).scalar_one()
    return bytes.fromhex(key)
