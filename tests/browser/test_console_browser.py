"""The console in Debian's Chromium (headless, through Playwright, never a downloaded browser) against a real server:
the seed's case walked end to end, and a user's charts checked against the API.

register a Server app → the OAuth 2.0 tutorial to a token → 15-minute AZM: 403 in the tutorial and in the request log
(which shows it without a reload) with its explanation → grant intraday → a new token → 200; then the user's charts
for a range and for one day, whose plotted values must equal the API's. Every page is checked at 1280×800 and
390×844 for horizontal scrolling and unlabelled form fields. Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from fitbit_local.config import Settings
from fitbit_local.services import Services
from tests.conftest import RunningServer, start_server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
VIEWPORTS = ({"width": 1280, "height": 800}, {"width": 390, "height": 844})
AZM_15MIN = "/1/user/-/activities/active-zone-minutes/date/today/1d/15min.json"
PASSWORD = "browser-test-password"

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} missing (apt-get install chromium; .ci/run does it)"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    settings = Settings()
    settings.data_dir = str(tmp_path)
    services = Services.build(settings)
    running = start_server(services)
    yield running
    running.stop()
    services.store.close()


@pytest.fixture
def page(server: RunningServer) -> Iterator[object]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport=VIEWPORTS[0])
        context.set_default_timeout(15_000)
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def check_layout(page, name: str) -> None:
    """At both sizes: no horizontal scrolling, every form field labelled; a screenshot of each."""
    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {viewport}"
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
                 .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.name)"""
        )
        assert unlabelled == [], f"{name}: fields without a label: {unlabelled}"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport['width']}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS[0])


def take_token(page, base: str, client_id: str, secret: str) -> str:
    """The tutorial from its form to a token: URL, consent (signing in), callback, exchange."""
    page.goto(f"{base}/console/apps/{client_id}/tutorial")
    page.get_by_label("Client Secret").fill(secret)
    page.get_by_role("button", name="Build the authorization URL").click()
    page.locator("#open-consent").click()
    page.locator("input[name=username]").fill("ann")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{base}/console/callback?*")
    assert page.locator("#code").inner_text()
    page.get_by_role("button", name="Exchange the code for tokens").click()
    assert page.locator(".exchange .status").first.inner_text() == "200"
    return page.locator("#access-token").inner_text()


def call(page, path: str) -> tuple[str, str]:
    page.get_by_label("Path").fill(path)
    page.get_by_role("button", name="Send GET with the access token").click()
    answer = page.locator(".exchange").last
    explanation = answer.locator(".explanation")
    return answer.locator(".status").inner_text(), explanation.inner_text() if explanation.count() else ""


def test_the_seed_case_in_the_console_and_charts_equal_to_the_api(page, server: RunningServer) -> None:
    base = server.base_url
    page.goto(base + "/")
    assert page.url == base + "/console/"
    check_layout(page, "overview")

    # A synthetic user with history, created in the console.
    page.goto(base + "/console/users")
    page.get_by_label("Name (signs in on the consent page)").fill("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Days of history").fill("3")
    page.get_by_label("Seed (optional").fill("7")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(f"{base}/console/users/*")
    user_id = page.url.rsplit("/", 1)[-1]
    today = page.locator("ul.days a").first.inner_text()

    # The sandbox clock, frozen at 20:00 of the user's today (UTC), so the day holds the night and the daytime.
    page.goto(base + "/console/sandbox")
    page.get_by_label("Set to").fill(f"{today}T20:00:00Z")
    page.get_by_label("frozen").check()
    page.get_by_role("button", name="Set", exact=True).click()
    assert page.locator("#clock-now").inner_text().startswith(f"{today}T20:00:00")

    # Register a Server app, with the keyboard: the redirect URL is the console's own callback already.
    page.goto(base + "/console/apps/new")
    page.get_by_label("Application Name").focus()
    page.keyboard.type("DPR105 dashboard")
    page.keyboard.press("Tab")
    page.keyboard.type("The seed's app")
    check_layout(page, "register")
    page.get_by_role("button", name="Register").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#client-secret")
    client_id = page.locator("#client-id").inner_text()
    secret = page.locator("#client-secret").inner_text()
    assert page.locator("#app-type").inner_text().startswith("Server")
    check_layout(page, "app")

    # The tutorial to a token; the seed's call is refused, and says why.
    take_token(page, base, client_id, secret)
    check_layout(page, "tutorial")
    status, explanation = call(page, AZM_15MIN)
    seed_explanation = (
        f"intraday denied: Server app {client_id} has no intraday grant; grant it, then take a new token "
        "(tokens issued before the change keep the old permission)"
    )
    assert (status, explanation) == ("403", "Why: " + seed_explanation)

    # The request log shows it, and a new request appears without reloading.
    page.goto(f"{base}/console/requests?app={client_id}")
    page.locator("#log tbody tr[data-status='403']").first.wait_for()
    assert seed_explanation in page.locator("#log tbody tr[data-status='403']").first.inner_text()
    page.locator("#log").evaluate("t => t.dataset.marker = 'same page'")
    httpx.post(base + "/oauth2/token", data={"grant_type": "refresh_token"}, auth=(client_id, "wrong"))
    page.locator("#log tbody tr[data-status='401']").first.wait_for()
    assert page.locator("#log").get_attribute("data-marker") == "same page"
    check_layout(page, "requests")

    # Grant intraday; the old token keeps the old permission, a new one gets 200.
    page.goto(f"{base}/console/apps/{client_id}")
    page.get_by_role("switch").click()
    assert page.locator("#intraday-state").inner_text() == "granted"
    access_token = take_token(page, base, client_id, secret)
    status, explanation = call(page, AZM_15MIN)
    assert (status, explanation) == ("200", "")
    page.screenshot(path=str(ARTIFACTS / "tutorial-200.png"), full_page=True)
    bearer = {"Authorization": f"Bearer {access_token}"}

    # The user's charts: the plotted values are the API's.
    page.goto(f"{base}/console/users/{user_id}")
    check_layout(page, "user")
    start = page.get_by_label("From", exact=True).input_value()
    end = page.get_by_label("To", exact=True).input_value()
    api = httpx.get(f"{base}/1/user/-/activities/steps/date/{start}/{end}.json", headers=bearer).json()
    plotted = page.locator("svg[data-chart=steps] rect").evaluate_all(
        "rs => rs.map(r => [r.dataset.x, r.dataset.value])"
    )
    assert plotted == [[d["dateTime"], d["value"]] for d in api["activities-steps"]]
    heart = httpx.get(f"{base}/1/user/-/activities/heart/date/{start}/{end}.json", headers=bearer).json()
    resting = {
        d["dateTime"]: str(d["value"]["restingHeartRate"])
        for d in heart["activities-heart"]
        if "restingHeartRate" in d["value"]
    }
    plotted = page.locator("svg[data-chart=resting-heart-rate] rect").evaluate_all(
        "rs => Object.fromEntries(rs.map(r => [r.dataset.x, r.dataset.value]))"
    )
    assert plotted == resting and resting

    day = httpx.get(f"{base}/1/user/-/profile.json", headers=bearer).json()  # the user's today, by their zone
    assert day["user"]["encodedId"] == user_id
    yesterday = today
    page.locator("ul.days a").first.click()
    page.wait_for_url(f"{base}/console/users/{user_id}/day/{today}")
    check_layout(page, "day")
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.screenshot(path=str(ARTIFACTS / "day-full.png"), full_page=True)
    steps = httpx.get(
        f"{base}/1/user/-/activities/steps/date/{yesterday}/1d/1min.json", headers=bearer
    ).json()
    plotted = page.locator("svg[data-chart=steps-1min] rect").evaluate_all(
        "rs => Object.fromEntries(rs.map(r => [r.dataset.x, Number(r.dataset.value)]))"
    )
    expected = {p["time"][:5]: p["value"] for p in steps["activities-steps-intraday"]["dataset"]}
    assert plotted == expected and sum(expected.values()) > 0
    heart_day = httpx.get(
        f"{base}/1/user/-/activities/heart/date/{yesterday}/1d/1sec.json", headers=bearer
    ).json()
    points = page.locator("svg[data-chart=heart-1sec] polyline").evaluate_all(
        "ls => ls.flatMap(l => l.getAttribute('points').split(' '))"
    )
    drawn = [(int(x), -int(y)) for x, y in (p.split(",") for p in points)]
    api_points = [
        (int(p["time"][:2]) * 3600 + int(p["time"][3:5]) * 60 + int(p["time"][6:]), p["value"])
        for p in heart_day["activities-heart-intraday"]["dataset"]
    ]
    assert drawn == api_points and len(api_points) > 1000
    codes = server.services.store.series.get_series(user_id, "sleep", date.fromisoformat(today))
    assert codes is not None
    runs = page.locator("svg[data-chart=hypnogram] rect").evaluate_all(
        "rs => rs.map(r => [r.dataset.stage, Number(r.dataset.start), Number(r.dataset.end)])"
    )
    stages = {1: "wake", 2: "light", 3: "deep", 4: "rem"}
    drawn_codes = [0] * 1440
    for stage, first, last in runs:
        code = next(c for c, name in stages.items() if name == stage)
        drawn_codes[first:last] = [code] * (last - first)
    assert drawn_codes[: 20 * 60] == [int(c) for c in codes[: 20 * 60]] and runs

    # The implicit flow: the token comes back in the fragment, which only the page's script reads.
    client, _ = server.services.store.apps.create(
        name="phone", app_type="client", redirect_uris=[f"{base}/console/callback"]
    )
    page.goto(f"{base}/console/apps/{client.client_id}/tutorial")
    page.get_by_label("Implicit Grant Flow").check()
    page.get_by_role("button", name="Build the authorization URL").click()
    page.locator("#open-consent").click()
    page.locator("input[name=username]").fill("ann")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{base}/console/callback#*")
    assert page.locator("#fragment-token").inner_text().startswith("access_token=")
    assert call(page, "/1/user/-/profile.json") == ("200", "")

    for name, path in (
        ("sandbox", "/console/sandbox"),
        ("explorer", "/console/explorer"),
        ("users", "/console/users"),
    ):
        page.goto(base + path)
        check_layout(page, name)
