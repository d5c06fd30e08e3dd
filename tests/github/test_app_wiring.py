"""The GitHub layer inside the real App: webhook route, health check, default sync jobs, offline demo."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from pathlib import Path

import aiohttp

from bot.app import App
from bot.config import load_config_text
from bot.core.clock import FakeClock
from bot.github.models import OutboxItem
from bot.github.service import GitHubService
from tests.fakes.github import FakeGitHub
from tests.fixtures.console import config_text
from tests.fixtures.github import github_config

DEMO_DATA = Path(__file__).resolve().parents[2] / "config" / "demo" / "github.json"


async def test_app_serves_webhooks_and_schedules_polling(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    fake_github.state.add_repo("acme/widgets")
    fake_github.state.add_issue("acme/widgets", title="Hello")
    config = github_config(
        fake_github,
        database_url,
        tmp_path,
        ["acme/widgets"],
        extra="  webhook_secret: s3cret\nhttp:\n  port: 0\n",
    )
    app = App(config, clock=FakeClock())
    github = app.services.github
    assert isinstance(github, GitHubService)
    await app.start()
    try:
        assert {"github_sync@default", "github_reconcile@default"} <= set(app.scheduler.job_ids())
        assert github.polling.first_sync is not None
        await github.first_sync_done()  # the catch-up sync at start
        body = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
        sig = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        base = f"http://127.0.0.1:{app.http.port}"
        async with aiohttp.ClientSession() as http:
            headers = {"X-GitHub-Event": "ping", "X-GitHub-Delivery": "p1", "X-Hub-Signature-256": sig}
            async with http.post(f"{base}/github/webhook", data=body, headers=headers) as resp:
                assert resp.status == 200
            async with http.post(
                f"{base}/github/webhook", data=body, headers={"X-GitHub-Event": "ping"}
            ) as resp:
                assert resp.status == 401
            async with http.get(f"{base}/healthz") as resp:
                health = await resp.json()
        assert health["checks"]["github"]["ok"] is True
        assert health["checks"]["github"]["rate_limit"]["remaining"] is not None
        assert fake_github.requests("GET", "/repos/acme/widgets/issues")
    finally:
        await app.stop()


def test_schedules_entry_overrides_the_default_interval(
    fake_github: FakeGitHub, database_url: str, tmp_path: Path
) -> None:
    config = github_config(
        fake_github,
        database_url,
        tmp_path,
        ["acme/widgets"],
        extra="schedules:\n  - {job: github_sync, cron: '*/10 * * * *'}\n",
    )
    app = App(config, clock=FakeClock())
    names = app.scheduler.apply(app.config, app.jobs(), app.default_schedules())
    assert names == ["github_reconcile@default", "github_sync@cron */10 * * * * Europe/Berlin"]


async def test_offline_demo_records_writes_without_network(database_url: str, tmp_path: Path) -> None:
    demo = DEMO_DATA
    text = config_text(database_url, f"github:\n  repos: [steward-demo/docs]\n  demo_data: {demo}\n")
    app = App(load_config_text(text, "demo.yaml", base_dir=tmp_path), clock=FakeClock())
    github = app.services.github
    assert isinstance(github, GitHubService) and github.client is None
    await app.start()
    try:
        assert app.jobs().keys().isdisjoint({"github_sync", "github_reconcile"})
        item_id = await github.comment("steward-demo/docs", 1, "hi")
        # The app's own outbox worker may lease the item before this call does: wait for either.
        await github.outbox.run_due()
        status = None
        for _ in range(750):  # up to 15 s on a loaded machine
            row = app.db.call(lambda s: s.get(OutboxItem, item_id))
            status = row.status if row is not None else None
            if status == "done":
                break
            await asyncio.sleep(0.02)
        assert status == "done"
        assert (await github.health())["mode"] == "offline"
        contribution = await github.contribution("nobody-at-all")
        assert contribution.merged_prs == 0
    finally:
        await app.stop()
