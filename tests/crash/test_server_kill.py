"""kill -9 `fitbit-local serve` while three clients write (issue #8 "Tests that keep it so"): profile updates,
OAuth (consent, code exchange, refresh, revoke) and the sandbox (clock advances, faults added and deleted), each from
its own thread, one write at a time. After each kill: the database is whole, every acknowledged write is there whole
(the write in flight either committed whole or left nothing), and the change records of the acknowledged writes are
in the ``changes`` table in the order they were acknowledged. Then the server restarts and the next round writes."""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime

import httpx
import pytest

from fitbit_local.clock import SandboxState
from fitbit_local.config import Settings
from fitbit_local.oauth import refresh as refresh_module
from fitbit_local.services import Services
from fitbit_local.store import grants as grants_module
from fitbit_local.store.sandbox import wall_clock
from tests.conftest import in_process
from tests.crash.integrity import check_database
from tests.crash.oauth_stream import Deferred, TokenStream, refresh_after_lease
from tests.crash.processes import ServerProcess
from tests.crash.streams import ProfileStream, SandboxStream, Stream
from tests.factories import issue_token, make_app, make_user
from tests.oauth.helpers import PASSWORD

KILL_AFTER = (0.3, 1.5)  # seconds of writing before the kill, drawn per round
# A rotation the kill interrupted holds its refresh token for the lease (30 s of wall time). By default the takeover
# after the lease is checked at once, in this process, with the lease clock moved past it; set this to wait for the
# lease and refresh through the restarted server instead (up to 30 s more per database).
WAIT_FOR_LEASES = os.environ.get("FITBIT_LOCAL_CRASH_LEASE_WAIT") == "1"


def take_over_after_lease(services: Services, held: Deferred) -> httpx.Response:
    """Refresh a token whose rotation was killed mid-way, as the server will once the lease has run out: the same
    code over the same database, with the lease clock read ROTATION_LEASE + 1 s later."""
    later = lambda: wall_clock() + refresh_module.ROTATION_LEASE + 1  # noqa: E731
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(refresh_module, "lease_clock", later)
        patch.setattr(grants_module, "lease_clock", later)
        with in_process(services) as open_client:
            return refresh_after_lease(open_client(), held)


def test_kill_9_the_server_while_it_writes(store_url, tmp_path, crash_rounds, crash_seed, crash_report):
    dialect = "sqlite" if store_url.startswith("sqlite") else "postgresql"
    services = Services.build(Settings(data_dir=str(tmp_path), database_url=store_url, rate_limit=0))
    store = services.store
    SandboxState(store.engine).set(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), frozen=True)
    ann = make_user(services, "ann", PASSWORD)
    bob = make_user(services, "bob", PASSWORD)
    reader = make_app(services, name="profile writer")
    deferred: list[Deferred] = []
    server = ServerProcess(store_url)
    try:
        for round_ in range(crash_rounds):
            rng = random.Random(f"{crash_seed}:{dialect}:{round_}")
            oauth_app = make_app(services, name=f"oauth round {round_}")
            profile_token = str(issue_token(services, reader.client_id, bob.id, "profile")["access_token"])
            first_pair = issue_token(services, oauth_app.client_id, ann.id, "activity profile")
            streams: list[Stream] = [
                ProfileStream(random.Random(rng.random()), bob.id, profile_token),
                TokenStream(
                    random.Random(rng.random()), ann.id, oauth_app.client_id, oauth_app.secret, first_pair
                ),
                SandboxStream(random.Random(rng.random()), f"{dialect}{round_}"),
            ]
            with httpx.Client(base_url=server.base_url, timeout=20) as client:
                for stream in streams:
                    stream.prepare(client)
            changes_before = store.changes.since(0, limit=10**9)
            baseline = changes_before[-1].id if changes_before else 0
            for stream in streams:
                stream.start(server.base_url)
            kill_after = rng.uniform(*KILL_AFTER)
            time.sleep(kill_after)
            server.kill()
            for stream in streams:
                stream.join()
            for stream in streams:
                assert stream.error is None, f"{stream.name}: {stream.error!r}"
                assert not stream.refused, f"{stream.name} refused: {stream.refused}"

            health = check_database(store_url, store.engine)
            changes = store.changes.since(baseline or 0, limit=10**9)
            for stream in streams:
                stream.check_changes(changes)
            server = ServerProcess(store_url)
            found = {}
            with httpx.Client(base_url=server.base_url, timeout=20) as client:
                for stream in streams:
                    found[stream.name] = stream.verify(client, store)
            token_stream = streams[1]
            assert isinstance(token_stream, TokenStream)
            crash_report(f"round {round_}: killed after {kill_after:.2f} s; {health}; {len(changes)} changes")
            for stream in streams:
                crash_report(f"  {stream.name}: {stream.summary()} -> {found[stream.name]}")
            held = token_stream.deferred
            if held is not None and WAIT_FOR_LEASES:
                deferred.append(held)
            elif held is not None:
                response = take_over_after_lease(services, held)
                assert response.status_code == 200, response.text
                crash_report(
                    "  tokens: the held refresh token works once the lease has run out (lease clock moved)"
                )

        # A rotation the kill interrupted holds its token for the lease (30 s of wall time); then it works again.
        for held in deferred:
            time.sleep(max(0.0, held.lease_until - time.time() + 0.5))
            with httpx.Client(base_url=server.base_url, timeout=20) as client:
                response = refresh_after_lease(client, held)
            assert response.status_code == 200, response.text
            crash_report(
                "a refresh token held by a killed rotation works through the server once its lease ran out"
            )
    finally:
        server.kill()
        services.store.close()
