"""A profile read is one snapshot: `UserRepository.get` must not return the fields of one write with the time zone
of the next. Deterministic: a profile write is made to commit exactly between the read's two queries (the users row,
then its time-zone history), the interleaving the HTTP race in test_profile_race.py hits by chance."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, event

from fitbit_local.config import Settings
from fitbit_local.services import Services


def test_a_profile_write_between_the_two_queries_of_a_read_is_not_half_seen(
    store_url: str, tmp_path: Path
) -> None:
    services = Services.build(Settings(data_dir=str(tmp_path), database_url=store_url, rate_limit=0))
    try:
        services.clock.set(datetime(2026, 11, 23, 12, tzinfo=UTC), frozen=True)
        users = services.store.users
        ann = users.create(name="ann", password="pw", display_name="First", timezone="Europe/Paris")
        reader = threading.get_ident()
        armed = threading.Event()
        armed.set()

        def write_in_between(
            conn: Connection, cursor: object, statement: str, params: object, context: object, many: bool
        ) -> None:
            """Before the reader's statement that reads the zone history, another connection changes name and zone and
            commits: with the history in the same statement as the row, the read sees that write whole or not at
            all; were it a second statement, this is the moment that tore it."""
            if threading.get_ident() == reader and armed.is_set() and "user_timezones" in statement:
                armed.clear()
                writer = threading.Thread(
                    target=users.update_profile,
                    args=(ann.id, {"display_name": "Second"}),
                    kwargs={"timezone": "America/New_York"},
                )
                writer.start()
                writer.join(10)

        event.listen(services.store.engine, "before_cursor_execute", write_in_between)
        seen = users.get(ann.id)
        event.remove(services.store.engine, "before_cursor_execute", write_in_between)
        assert not armed.is_set()  # the write did run between the two queries
        assert seen is not None
        assert (seen.display_name, seen.current_timezone) in {
            ("First", "Europe/Paris"),
            ("Second", "America/New_York"),
        }, (seen.display_name, seen.timezones)
    finally:
        services.store.close()
