"""The generated fitbit-web-api 2.0.1 client reads every health-metric family through a real server (its methods
for these return raw bodies: the package has no models for them)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from tests.api.conftest import END, FIRST, World


def test_fitbit_web_api_reads_every_metric_family(live_world: World) -> None:
    web = pytest.importorskip("fitbit_web_api")

    async def read(call: Any) -> Any:
        response = await call
        assert response.status == 200
        return orjson.loads(await response.read())

    async def run() -> None:
        config = web.Configuration(host=str(live_world.http.base_url).rstrip("/"))
        config.access_token = str(live_world.token["access_token"])
        async with web.ApiClient(config) as client:
            hrv = web.HeartRateVariabilityApi(client)
            assert (await read(hrv.get_hrv_summary_date_without_preload_content(var_date=END)))["hrv"]
            assert (
                await read(
                    hrv.get_hrv_summary_interval_without_preload_content(start_date=FIRST, end_date=END)
                )
            )["hrv"]
            hrv_intraday = web.HeartRateVariabilityIntradayApi(client)
            nights = await read(
                hrv_intraday.get_hrv_intraday_by_interval_without_preload_content(
                    start_date=FIRST, end_date=END
                )
            )
            assert all(night["minutes"] for night in nights["hrv"])
            day = await read(hrv_intraday.get_hrv_intraday_by_date_without_preload_content(var_date=END))
            assert day["hrv"][0]["dateTime"] == str(END)

            spo2 = web.SpO2Api(client)
            assert (await read(spo2.get_sp_o2_summary_by_date_without_preload_content(var_date=END)))["value"]
            assert await read(
                spo2.get_sp_o2_summary_by_interval_without_preload_content(start_date=FIRST, end_date=END)
            )
            spo2_intraday = web.SpO2IntradayApi(client)
            assert (
                await read(spo2_intraday.get_sp_o2_intraday_by_date_without_preload_content(var_date=END))
            )["minutes"]
            assert await read(
                spo2_intraday.get_sp_o2_intraday_by_interval_without_preload_content(
                    start_date=FIRST, end_date=END
                )
            )

            br = web.BreathingRateApi(client)
            assert (await read(br.get_breathing_rate_summary_by_date_without_preload_content(var_date=END)))[
                "br"
            ]
            assert (
                await read(
                    br.get_breathing_rate_summary_by_interval_without_preload_content(
                        start_date=FIRST, end_date=END
                    )
                )
            )["br"]
            br_intraday = web.BreathingRateIntradayApi(client)
            stages = await read(
                br_intraday.get_breathing_rate_intraday_by_date_without_preload_content(var_date=END)
            )
            assert "deepSleepSummary" in stages["br"][0]["value"]
            assert (
                await read(
                    br_intraday.get_breathing_rate_intraday_by_interval_without_preload_content(
                        start_date=FIRST, end_date=END
                    )
                )
            )["br"]

            temp = web.TemperatureApi(client)
            assert (await read(temp.get_temp_skin_summary_date_without_preload_content(var_date=END)))[
                "tempSkin"
            ]
            assert (
                await read(
                    temp.get_temp_skin_summary_by_interval_without_preload_content(
                        start_date=FIRST, end_date=END
                    )
                )
            )["tempSkin"]
            assert (await read(temp.get_temp_core_summary_by_date_without_preload_content(var_date=END))) == {
                "tempCore": []
            }
            assert "tempCore" in await read(
                temp.get_temp_core_summary_by_interval_without_preload_content(start_date=FIRST, end_date=END)
            )

            vo2 = web.CardioFitnessScoreVO2MaxApi(client)
            assert "cardioScore" in await read(
                vo2.get_vo2_max_summary_by_date_without_preload_content(var_date=END)
            )
            assert (
                await read(
                    vo2.get_vo2_max_summary_by_interval_without_preload_content(
                        start_date=FIRST, end_date=END
                    )
                )
            )["cardioScore"]

    asyncio.run(run())
