"""The bundled demo: its data set loads through the IssueStore (twice changes nothing), and the demo
config (`steward run --demo`) has every feature on, onboarding paths included."""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, func, select

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.cli import demo_config_path
from bot.config import StewardConfig, load_config
from bot.core.clock import FakeClock
from bot.db.database import Database
from bot.db.models import IssueLabel, Repo, TrackedIssue
from bot.demo import default_demo_path, load_demo_data
from bot.i18n import Catalog, catalog_directories
from cogs.onboarding import OnboardingCog
from tests.fixtures.chat import ConsoleDriver, Reply

PATH_TITLES = ["Docs and examples", "GPU kernels", "Happy Open Source (快乐开源)"]


def test_demo_file_is_realistic_and_small() -> None:
    path = default_demo_path()
    assert path.stat().st_size < 400_000
    data = json.loads(path.read_text(encoding="utf-8"))
    items = [item for repo in data["repos"] for item in repo["issues"]]
    assert len(data["repos"]) == 3 and 250 <= len(items) <= 350
    labels = {label["name"] for item in items for label in item["labels"]}
    assert {"good first issue", "help wanted", "easy", "快乐开源", "needs-triage", "bug", "feature"} <= labels
    assert {"area/docs", "area/kernels", "area/models"} <= labels
    logins = {item["user"]["login"] for item in items}
    assert 20 <= len(logins) <= 30
    assert any(item["user"]["type"] == "Bot" for item in items)
    assert any(item["body"].startswith("Fixes #") and item["pull_request"]["merged_at"] for item in items
               if "pull_request" in item)  # fmt: skip
    assert max(item["updated_at"] for item in items) < data["anchor"]


def test_load_is_idempotent(db: Database) -> None:
    now = datetime(2031, 3, 15, 12, 0, tzinfo=UTC)
    first = load_demo_data(db, default_demo_path(), now)
    assert first.repos == 3
    assert first.issues + first.pull_requests == first.changed > 250
    assert first.pull_requests > 50

    with db.session() as s:
        counts = (
            s.exec(select(func.count()).select_from(Repo)).one(),
            s.exec(select(func.count()).select_from(TrackedIssue)).one(),
            s.exec(select(func.count()).select_from(IssueLabel)).one(),
        )
        prs = s.exec(select(func.count()).where(col(TrackedIssue.is_pull_request))).one()
        linked = s.exec(select(TrackedIssue).where(col(TrackedIssue.merged))).all()

    second = load_demo_data(db, default_demo_path(), now)
    assert second.changed == 0
    assert (second.repos, second.issues, second.pull_requests) == (
        first.repos,
        first.issues,
        first.pull_requests,
    )
    with db.session() as s:
        assert counts == (
            s.exec(select(func.count()).select_from(Repo)).one(),
            s.exec(select(func.count()).select_from(TrackedIssue)).one(),
            s.exec(select(func.count()).select_from(IssueLabel)).one(),
        )
    assert prs == first.pull_requests
    assert any(issue.linked_numbers for issue in linked)


def demo_config(database_url: str, tmp_path: Path) -> StewardConfig:
    """config/demo/steward.yaml as `steward run --demo` reads it: SQLite via STEWARD_DEMO_DB in
    ``tmp_path``, or the test's PostgreSQL database."""
    # Tests never take the default port 8080: another test run on the machine may hold it.
    env = {"STEWARD_DEMO_DB": str(tmp_path / "demo.db"), "STEWARD_DEMO_PORT": "0"}
    config = load_config(demo_config_path(), env=env)
    if database_url.startswith("sqlite:///"):
        return config
    database = config.database.model_copy(update={"url": database_url})
    return config.model_copy(update={"database": database})


@asynccontextmanager
async def demo_console(
    database_url: str, tmp_path: Path, now: datetime = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
) -> AsyncIterator[tuple[ConsoleDriver, io.StringIO]]:
    """The demo config running on the console adapter, as `steward run --demo` starts it, on ``now``."""
    out = io.StringIO()
    console = ConsoleAdapter(
        Catalog(catalog_directories()),
        locale="en",
        stdin=io.StringIO(),
        stdout=out,
        operator="operator",
        interactive=False,
        read_input=False,
    )
    clock = FakeClock(now)
    config = demo_config(database_url, tmp_path)
    app = App(
        config, config_path=demo_config_path(), adapters=[console], console_operator="operator", clock=clock
    )
    await app.start()
    app.scheduler.shutdown()  # jobs run only when the test ticks (not on real minutes)
    try:
        yield ConsoleDriver(app, console, clock), out
    finally:
        await app.stop()


def only(replies: list[Reply], kind: str = "reply") -> Reply:
    found = [r for r in replies if r.kind == kind]
    assert len(found) == 1, replies
    return found[0]


async def test_demo_has_onboarding_paths_and_greets_joins(database_url: str, tmp_path: Path) -> None:
    async with demo_console(database_url, tmp_path) as (chat, out):
        app = chat.app
        assert {"spotlight_publish@default", "spotlight_reminders@default"} <= set(app.scheduler.job_ids())
        greeter = next(c for c in app.cogs if isinstance(c, OnboardingCog)).greeter
        await app.scheduler.tick()  # the scheduler's first look: nothing was missed

        paths = only(await chat.command("operator", "/onboard paths"))
        assert paths.text.startswith("Onboarding paths")
        assert (
            "3 steps: Read the contributing guide → Fix something in the docs → Introduce yourself"
            in paths.text
        )
        assert "GPU kernels (kernels) — For people who like performance work." in paths.text
        assert paths.buttons == PATH_TITLES

        # :join NAME: the console confirms, the newcomer gets a welcome DM with the paths, and the
        # welcome channel greets everyone who joined within the batch window.
        await chat.join("amara")
        await greeter.drain()
        assert "amara joined." in out.getvalue()
        [dm] = chat.dms("amara")
        assert "Welcome to Steward Demo!" in dm.text and dm.buttons == PATH_TITLES
        assert chat.posts("welcome") == []
        chat.clock.advance(minutes=1)
        await app.scheduler.tick()
        [greeting] = chat.posts("welcome")
        assert "@amara" in greeting.text and greeting.buttons == PATH_TITLES

        # Picking the docs path: a self-reported first step, then docs issues from the demo data.
        started = only(await chat.click("amara", dm, "Docs and examples"))
        assert "Step 1 of 3: Read the contributing guide" in started.text
        assert "https://github.com/steward-demo/docs/blob/main/CONTRIBUTING.md" in started.text
        step2 = only(await chat.command("amara", "/onboard done"))
        assert "Step 2 of 3: Fix something in the docs" in step2.text
        issues = [line for line in step2.text.splitlines() if line.startswith("• steward-demo/")]
        assert len(issues) == 5 and all(line.startswith("• steward-demo/docs#") for line in issues)

        # Switching to the kernels path: after the self-reported build step, kernel issues only.
        kernels = only(await chat.command("amara", "/onboard start kernels"))
        assert "Step 1 of 3: Build the kernels and run their tests" in kernels.text
        only(await chat.command("amara", "/onboard done"))
        step3 = only(await chat.command("amara", "/onboard next"))
        assert "Step 2 of 3: Land your first kernel change" in step3.text
        assert "steward-demo/kernels#" in step3.text and "steward-demo/docs#" not in step3.text


def test_demo_config_enables_every_feature(tmp_path: Path) -> None:
    config = demo_config(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path)
    for section in ("github", "good_first_issues", "oncall", "spotlight", "onboarding"):
        assert getattr(config, section) is not None, section
    assert config.onboarding is not None and len(config.onboarding.paths) == 3


def test_the_timeline_ends_now_whatever_the_day(db: Database) -> None:
    days = []
    for now in (datetime(2026, 12, 5, 7, 30, tzinfo=UTC), datetime(2031, 3, 15, 12, 0, tzinfo=UTC)):
        summary = load_demo_data(db, default_demo_path(), now)
        with db.session() as s:
            latest = s.exec(select(func.max(TrackedIssue.updated_at))).one()
            merged = s.exec(select(func.max(TrackedIssue.merged_at))).one()
            first = s.exec(select(func.min(TrackedIssue.created_at))).one()
        assert latest is not None and merged is not None and first is not None
        # The last activity (an update or a maintainer's comment) is now; nothing is in the future.
        assert latest <= now and summary.activity[-1].at <= now
        assert now in (latest, summary.activity[-1].at)
        days.append((now - first, now - merged))
    assert days[0] == days[1]  # the same relative history on both days


async def test_on_call_history_and_merged_prs_on_any_day(database_url: str, tmp_path: Path) -> None:
    async with demo_console(database_url, tmp_path, datetime(2030, 7, 1, 8, 0, tzinfo=UTC)) as (chat, _):
        stats = only(await chat.command("operator", "/oncall stats")).text
        overall = re.search(r"Last 8 weeks: (.+?) / (.+?) · .+? / .+? \((\d+)\)", stats)
        assert overall and overall.group(1) != "–" and int(overall.group(3)) > 20, stats
        assert "Per maintainer who responded" in stats and "aoife-b" in stats
        weeks = re.findall(r"^• [A-Z][a-z]{2} \d{1,2}, \d{4} (.+?) /", stats, flags=re.M)
        assert len(weeks) == 8 and "–" not in weeks, stats

        digest = only(await chat.command("operator", "/steward digest preview")).text
        merged = re.search(r"This week: (\d+) pull request", digest)
        assert merged and int(merged.group(1)) > 0, digest

        # The demo's issue template: an issue written without it can be sent back to its author.
        queue = only(await chat.command("operator", "/oncall queue"))
        assert "missing: Description, Environment" in queue.text
        assert any(label.startswith("Ask author #") for label in queue.buttons), queue.buttons
        assert "past the SLA" in queue.text and not re.search(r"\b[2-9]\d+d\b", queue.text)


async def test_demo_serves_every_public_page(database_url: str, tmp_path: Path) -> None:
    import aiohttp

    async with demo_console(database_url, tmp_path) as (chat, _):
        url = chat.app.public_pages_url()
        assert url is not None and url.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:
            for path in ("", "oncall", "spotlights", "spotlights/feed.xml", "start", "health"):
                async with http.get(url + path) as response:
                    assert response.status == 200, path
                    body = await response.text()
            async with http.get(url) as response:
                board = await response.text()
        assert "steward-demo/" in board and 'class="issue"' in board
        assert "Community health" in body  # the last page read: /health
