"""Authenticated-request throughput: GET /1/user/-/profile.json (quota off) vs a bare Starlette + orjson endpoint
returning a body of the same size, in the same run, each server on one pinned core, wrk on the other.

    .venv/bin/python bench/bench_api.py            # goal: ratio ≥ 0.5
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import alternate, free_port, requests_per_second, server  # noqa: E402

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
        ours_port, base_port = free_port(), free_port()
        ours_args = [
            "-m",
            "fitbit_local",
            "serve",
            "--data",
            data,
            "--port",
            str(ours_port),
            "--rate-limit",
            "0",
            "--log-level",
            "warning",
        ]
        with server(ours_args, ours_port, "/1/user/-/profile.json", headers) as ours_url:
            body = httpx.get(ours_url + "/1/user/-/profile.json", headers=headers).content
            sample = Path(data) / "profile.json"
            sample.write_bytes(body)
            with server(["bench/baseline_app.py", str(base_port), str(sample)], base_port) as base_url:
                base, ours, ratio = alternate(
                    lambda: requests_per_second(base_url + "/1/user/-/profile.json"),
                    lambda: requests_per_second(ours_url + "/1/user/-/profile.json", headers),
                )
    print(
        json.dumps(
            {
                "benchmark": "authenticated profile request vs bare Starlette+orjson",
                "body_bytes": len(body),
                "baseline_rps": round(base),
                "fitbit_local_rps": round(ours),
                "ratio": round(ratio, 3),
                "goal": ">= 0.5",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
