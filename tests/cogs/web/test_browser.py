"""The pages in a real headless Chromium (the system's package, driven by Playwright): the board
filters and paginates, the language switch works, on-call times show in the viewer's zone, no page
logs a console error (CSP violations included), and every page is captured as a screenshot.

Screenshots go to tests/artifacts/web/ (git-ignored); with STEWARD_WEB_SCREENSHOTS=docs they also
replace the README's images in docs/images/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.cogs.web.conftest import REPO, Site, SiteFactory
from tests.cogs.web.seeds import FULL_YAML, seed_community
from tests.cogs.web.test_board import seed_board

playwright_api = pytest.importorskip("playwright.async_api", reason="Playwright for Python is not installed")

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "tests" / "artifacts" / "web"
DOCS_IMAGES = ROOT / "docs" / "images"


def chromium_path() -> str:
    """The system's Chromium (Debian's ``chromium`` package); the tests skip without it."""
    found = os.environ.get("STEWARD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no system Chromium (apt-get install chromium fonts-noto-cjk); .ci/run installs it")
    return found


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    executable = chromium_path()
    async with playwright_api.async_playwright() as p:
        # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        launched = await p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


class ConsoleWatch:
    """Console errors and uncaught exceptions of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)


async def new_page(browser: Any, site: Site, timezone: str = "UTC", locale: str = "en-US") -> Any:
    context = await browser.new_context(
        base_url=site.base, timezone_id=timezone, locale=locale, viewport={"width": 1100, "height": 900}
    )
    return await context.new_page()


def shoot_path(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"


async def screenshot(page: Any, name: str) -> None:
    path = shoot_path(name)
    await page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    if os.environ.get("STEWARD_WEB_SCREENSHOTS") == "docs":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMAGES / f"web-{name}.png")


async def refs(page: Any) -> list[str]:
    items = page.locator("li.issue")
    return [await items.nth(i).get_attribute("data-issue") for i in range(await items.count())]


async def test_board_filters_paginates_and_switches_language(browser: Any, site_factory: SiteFactory) -> None:
    async with site_factory() as site:
        seed_board(site.chat)
        page = await new_page(browser, site)
        watch = ConsoleWatch(page)
        await page.goto("/")
        first = await refs(page)
        assert len(first) == 5 and first[0] == f"{REPO}#7"
        await page.get_by_role("link", name="Next →").click()
        await page.wait_for_url("**/?page=2")
        second = await refs(page)
        assert second and not set(second) & set(first)

        await page.goto("/")
        await page.get_by_label("Area").select_option("docs")
        await page.get_by_role("button", name="Filter").click()
        await page.wait_for_url("**area=docs**")
        assert await refs(page) == [f"{REPO}#10", f"{REPO}#1"]
        await page.get_by_label("Title contains").fill("typo")
        await page.get_by_role("button", name="Filter").click()
        await page.wait_for_url("**q=typo**")
        assert await refs(page) == [f"{REPO}#1"]

        await page.goto("/")
        await screenshot(page, "board")
        await page.get_by_role("link", name="中文").click()
        await page.wait_for_url("**lang=zh-CN**")
        assert await page.locator("html").get_attribute("lang") == "zh-CN"
        assert await page.locator("h1").inner_text() == "新手任务"
        # The choice sticks while browsing: the next page is still in Chinese.
        await page.get_by_role("link", name="下一页 →").click()
        await page.wait_for_url("**page=2**")
        assert await page.locator("h1").inner_text() == "新手任务"
        await screenshot(page, "board-zh-CN")
        assert watch.errors == []


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
async def test_oncall_shows_the_viewers_local_time(
    browser: Any, site_factory: SiteFactory, zone: str
) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seed_community(site.chat.app.db, site.chat.clock.now(), hostile=False)
        page = await new_page(browser, site, timezone=zone)
        watch = ConsoleWatch(page)
        await page.goto("/oncall")
        shown = page.locator("[data-viewer-zone]")
        await playwright_api.expect(shown).to_have_text(zone)
        first = page.locator("table.shifts time.local").first
        await playwright_api.expect(first).to_have_attribute("data-localized", zone)
        instant = datetime.fromisoformat(await first.get_attribute("datetime"))
        local = instant.astimezone(ZoneInfo(zone))
        text = await first.inner_text()
        assert f"{local:%I}:{local:%M}" in text or f"{local:%H}:{local:%M}" in text, text
        if zone == "Asia/Tokyo":
            await screenshot(page, "oncall")
        assert watch.errors == []


async def test_every_page_renders_without_console_errors(browser: Any, site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seed_board(site.chat)
        seeded = seed_community(site.chat.app.db, site.chat.clock.now(), hostile=False)
        page = await new_page(browser, site)
        watch = ConsoleWatch(page)
        for name, path in (
            ("spotlights", "/spotlights"),
            ("spotlight", f"/spotlights/{seeded.published_id}"),
            ("start", "/start"),
            ("health", "/health"),
            ("health-zh-CN", "/health?lang=zh-CN"),
        ):
            response = await page.goto(path)
            assert response is not None and response.status == 200, path
            await screenshot(page, name)
        assert watch.errors == []
