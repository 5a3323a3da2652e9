"""Authenticated-request throughput: GET /1/user/-/profile.json (quota off) vs a bare Starlette + orjson endpoint
returning a body of the same size, in the same run, each server on one pinned core, wrk on the other.

    .venv/bin/python bench/bench_api.py            # goal: ratio ≥ 0.5
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import throughput_vs_baseline  # noqa: E402

from fitbit_local.config import Settings  # noqa: E402
from fitbit_local.oauth.tokens import issue_for_consent  # noqa: E402
from fitbit_local.services import Services  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        services = Services.build(Settings(data_dir=data, rate_limit=0))
        user = services.store.users.create(name="bench", password="pw")
        app, _ = services.store.apps.create(
            name="bench", app_type="server", redirect_uris=["https://b.example/cb"]
        )
        token = issue_for_consent(
            services.store.engine,
            signing_key=services.signing_key,
            app=app,
            user_id=user.id,
            granted={"profile"},
            now=services.clock.now(),
        )
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        figures = throughput_vs_baseline(data, "/1/user/-/profile.json", headers)
    print(
        json.dumps(
            {
                "benchmark": "authenticated profile request vs bare Starlette+orjson",
                **figures,
                "goal": ">= 0.5",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
