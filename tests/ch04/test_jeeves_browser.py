"""ch04_jeeves.jeeves.web in a real browser: headless Chromium (Debian's) driven by Playwright.

Jeeves is served by Hypercorn on this test's loop (development mode: plain
http on 127.0.0.1), with the Slack stand-in for "Sign in with Slack". The
browser logs in, creates a user through the form and sees it in the list,
links Slack through the stand-in, and takes screenshots of the main pages.
Screenshots go to a temporary folder; with ``JEEVES_SCREENSHOTS=1`` they
replace the ones in ``ch04_jeeves/screenshots/`` that the README shows.

Skipped, saying why, when Chromium or Playwright is missing (``.ci/run``
installs Debian's ``chromium``; never ``playwright install``).
"""

from __future__ import annotations

import os
import secrets
import shutil

import pytest

from ch04_jeeves.jeeves import create_app
from ch04_jeeves.jeeves.config import Settings
from ch04_jeeves.jeeves.models import Log, User
from workbook.catalogue import ROOT
from workbook.serving import serve_in_loop

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "a browser password"

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="Playwright for Python is not installed (pip install playwright)")
pytestmark = [pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason=f"no Chromium at {CHROMIUM} (Debian: apt-get install -y chromium)"),
    pytest.mark.slow]  # a browser and a served Jeeves: started first


@pytest.fixture
async def live_jeeves(tmp_path, slack_api, weather_api):
    settings = Settings(
        signing_secret=secrets.token_hex(32), bot_token=slack_api.state["token"],
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'jeeves.db'}",
        slack_api_url=slack_api.url + "/api/", weather_api_url=weather_api.url,
        geocoding_api_url=weather_api.url, instance_path=tmp_path, dev=True,
        secret_key=secrets.token_hex(32), slack_client_id="standin-client",
        slack_client_secret="standin-secret")
    app = create_app(settings)
    # Returns once Jeeves answers (its before_serving done): no polling here.
    live = await serve_in_loop(app, name="jeeves", ready_path="/home")
    try:
        admin = User(email="admin@example.com", is_admin=True, config={}, location="London")
        admin.set_password(PASSWORD)
        async with app.extensions["jeeves"].sessions.begin() as session:
            session.add(admin)
            await session.flush()
            session.add_all(Log(user_id=admin.id, service=service, message=text, outcome=outcome)
                            for service, text, outcome in (
                                ("weather", "weather in Paris", "ok"),
                                ("location", "config location London", "ok"),
                                ("weather", "weather in Atlantis", "error"),
                                ("unknown", "make tea", "unknown")))
        yield live.url
    finally:
        await live.aclose()


async def test_log_in_create_a_user_link_slack(live_jeeves, tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, args=ARGS,
            headless=True, viewport={"width": 1100, "height": 720})
        try:
            page = browser.pages[0] if browser.pages else await browser.new_page()
            page.set_default_timeout(20_000)

            await page.goto(live_jeeves + "/")  # a browser asks for HTML: the home page
            assert page.url == live_jeeves + "/home"
            assert await page.locator("#services").inner_text() != ""
            await page.screenshot(path=str(shots / "home.png"), full_page=True)

            await page.goto(live_jeeves + "/admin/users")  # anonymous: to the login page
            assert page.url.startswith(live_jeeves + "/login?next=/admin/users")
            await page.fill("#email", "admin@example.com")
            await page.fill("#password", "not the password")
            await page.click("button[type=submit]")
            assert "Wrong email or password." in await page.content()
            await page.screenshot(path=str(shots / "login-error.png"), full_page=True)
            await page.fill("#password", PASSWORD)
            await page.click("button[type=submit]")
            assert page.url == live_jeeves + "/admin/users"

            await page.fill("#email", "bo@example.com")
            await page.fill("#password", "bo's long password")
            await page.fill("#confirm", "bo's long password")
            await page.fill("#location", "Oslo")
            await page.click("text=Create")
            assert "Created bo@example.com." in await page.inner_text(".message")
            row = await page.locator("#users tr", has_text="bo@example.com").inner_text()
            assert "Oslo" in row and "active" in row and "user" in row
            await page.screenshot(path=str(shots / "admin-users.png"), full_page=True)

            await page.goto(live_jeeves + "/admin/services")
            await page.locator("#services tr", has_text="weather").locator("button").click()
            assert "off" in await page.locator("#services tr", has_text="weather").inner_text()
            await page.screenshot(path=str(shots / "admin-services.png"), full_page=True)

            await page.goto(live_jeeves + "/activity")
            assert "weather in Atlantis" in await page.locator("#logs").inner_text()
            await page.screenshot(path=str(shots / "activity.png"), full_page=True)

            await page.goto(live_jeeves + "/profile")
            assert "not linked" in await page.locator("#slack").inner_text()
            await page.click("text=Link your Slack account")  # to the stand-in and back
            assert page.url == live_jeeves + "/profile"
            assert "linked: U0LEARNER" in await page.locator("#slack").inner_text()
            await page.screenshot(path=str(shots / "profile.png"), full_page=True)

            await page.click("text=Log out")
            assert page.url == live_jeeves + "/login"
            await page.goto(live_jeeves + "/admin/users")
            assert page.url.startswith(live_jeeves + "/login")
        finally:
            await browser.close()
    taken = sorted(p.name for p in shots.iterdir())
    assert taken == ["activity.png", "admin-services.png", "admin-users.png", "home.png",
                     "login-error.png", "profile.png"]
    assert all((shots / name).stat().st_size > 5000 for name in taken)
    if os.environ.get("JEEVES_SCREENSHOTS") == "1":
        target = ROOT / "ch04_jeeves" / "screenshots"
        target.mkdir(exist_ok=True)
        for name in taken:
            shutil.copyfile(shots / name, target / name)
