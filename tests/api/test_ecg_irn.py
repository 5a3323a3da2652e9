"""ECG readings and irregular rhythm notifications through HTTP, for a user whose 70 synthetic days hold both
(seed 8, born 1950: enrolled, with an irregular rhythm at times): the lists page with working next/previous
links, and the generated fitbit-web-api client reads them on a real server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date

import httpx
import orjson
import pytest

from fitbit_local.sources.load import store_synthetic_days
from tests.api.conftest import World, world_services
from tests.conftest import start_server
from tests.factories import issue_token, make_app, make_user

END = date(2024, 3, 10)
SEED = 8


@pytest.fixture(scope="module")
def rhythm_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    services = world_services(tmp_path_factory)
    running = start_server(services)
    user = make_user(services, timezone="Europe/Berlin", sex="MALE", birth_date=date(1950, 5, 5))
    assert store_synthetic_days(services.store, user, days=70, end=END, seed=SEED) == 70
    app = make_app(services, "personal", owner=user.id)
    token = issue_token(services, app.client_id, user.id)
    with httpx.Client(base_url=running.base_url, timeout=30) as client:
        yield World(services, client, user, token)
    running.stop()
    services.store.close()


def _walk(world: World, first: str, key: str) -> tuple[list[dict], list[dict]]:
    path: str | None = first
    entries, paginations = [], []
    while path:
        body = world.ok(path)
        entries += body[key]
        paginations.append(body["pagination"])
        path = httpx.URL(body["pagination"]["next"]).raw_path.decode() if body["pagination"]["next"] else None
    return entries, paginations


def test_ecg_readings_page_newest_first(rhythm_world: World) -> None:
    readings, pages = _walk(
        rhythm_world,
        "/1/user/-/ecg/list.json?beforeDate=2024-03-11&sort=desc&limit=1&offset=0",
        "ecgReadings",
    )
    assert len(readings) >= 2 and len(pages) == len(readings) + (pages[-1]["offset"] == len(readings))
    assert [r["startTime"] for r in readings] == sorted((r["startTime"] for r in readings), reverse=True)
    assert pages[0]["previous"] == "" and all(p["previous"] for p in pages[1:])
    for r in readings:
        assert r["numberOfWaveformSamples"] == len(r["waveformSamples"]) == 7500
        assert r["samplingFrequencyHz"] == "250" and r["leadNumber"] == 1
        peaks = sum(
            1
            for i in range(1, 7499)
            if r["waveformSamples"][i] > 600
            and r["waveformSamples"][i] >= r["waveformSamples"][i - 1]
            and r["waveformSamples"][i] > r["waveformSamples"][i + 1]
        )
        assert abs(peaks - r["averageHeartRate"] / 2) <= 4  # one R peak a beat over 30 seconds
    ascending = rhythm_world.ok("/1/user/-/ecg/list.json?afterDate=2024-01-01&sort=asc&limit=10&offset=0")
    assert ascending["ecgReadings"] == readings[::-1]
    error = rhythm_world.error("/1/user/-/ecg/list.json?afterDate=2024-01-01&sort=asc&limit=11&offset=0")
    assert error["fieldName"] == "limit"


def test_irn_profile_and_alerts(rhythm_world: World) -> None:
    profile = rhythm_world.ok("/1/user/-/irn/profile.json")
    assert profile["onboarded"] is True and profile["enrolled"] is True
    assert profile["lastUpdated"].startswith(str(END))
    alerts, pages = _walk(
        rhythm_world,
        "/1/user/-/irn/alerts/list.json?afterDate=2023-12-31&sort=asc&limit=2&offset=0",
        "alerts",
    )
    assert len(alerts) >= 2 and len(pages) >= 2
    for alert in alerts:
        assert alert["detectedTime"] < alert["alertTime"]
        assert alert["windows"] and all(w["bpmData"] for w in alert["windows"])


def test_fitbit_web_api_reads_ecg_and_irn(rhythm_world: World) -> None:
    web = pytest.importorskip("fitbit_web_api")

    async def run() -> None:
        config = web.Configuration(host=str(rhythm_world.http.base_url).rstrip("/"))
        config.access_token = str(rhythm_world.token["access_token"])
        async with web.ApiClient(config) as client:
            ecg = web.ElectrocardiogramApi(client)
            raw = await ecg.get_ecg_log_list_without_preload_content(
                before_date=date(2024, 3, 11), sort="desc", limit=10, offset=0
            )
            assert raw.status == 200 and orjson.loads(await raw.read())["ecgReadings"]
            irn = web.IrregularRhythmNotificationsApi(client)
            raw = await irn.get_irn_alerts_list_without_preload_content(
                after_date=date(2024, 1, 1), sort="asc", limit=10, offset=0
            )
            assert raw.status == 200 and orjson.loads(await raw.read())["alerts"]
            raw = await irn.get_irn_profile_without_preload_content()
            assert orjson.loads(await raw.read())["enrolled"] is True

    asyncio.run(run())
