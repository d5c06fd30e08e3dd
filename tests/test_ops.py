"""/healthz, /metrics and `steward status`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import aiohttp

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.core.clock import FakeClock
from tests.fakes.github import FakeGitHub
from tests.fixtures.chat_discord import discord_chat
from tests.fixtures.console import console_app
from tests.fixtures.github import github_config

ROOT = Path(__file__).resolve().parents[1]


async def test_healthz_and_metrics(tmp_path: Path, database_url: str) -> None:
    async with console_app(database_url, tmp_path, "http:\n  enabled: true\n  port: 0\n") as app:
        console = app.adapters[0]
        assert isinstance(console, ConsoleAdapter)
        await console.handle_line("/steward help")
        await console.handle_line("/steward reload")
        await console.handle_line("/steward language xx")
        await console.handle_line("/steward timezone Mars/Base")
        base = f"http://127.0.0.1:{app.http.port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/healthz") as resp:
                assert resp.status == 200
                health = await resp.json()
            async with session.get(f"{base}/metrics") as resp:
                assert resp.status == 200
                metrics = await resp.text()
    assert health["ok"] is True
    assert health["checks"]["database"] == {"ok": True, "id": app.db.fingerprint}
    assert health["checks"]["scheduler"]["role"] == "leader"
    assert 'steward_commands_total{name="steward help",outcome="ok",platform="console"} 1.0' in metrics
    assert (
        'steward_commands_total{name="steward timezone",outcome="user_error",platform="console"} 1.0'
        in metrics
    )
    assert 'steward_commands_total{name="(unparsed)",outcome="usage_error",platform="console"} 1.0' in metrics
    assert "steward_scheduler_leader 1.0" in metrics


def test_status_command(tmp_path: Path) -> None:
    cfg = tmp_path / "steward.yaml"
    cfg.write_text(
        "project:\n  name: S\ndatabase:\n  sqlite_path: s.db\nhttp:\n  port: 1\n", encoding="utf-8"
    )
    subprocess.run(
        [sys.executable, "-m", "bot", "migrate", "--config", str(cfg)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "status", "--config", str(cfg), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["database"]["ok"] is True and report["database"]["pending_migrations"] is False
    assert report["scheduler"]["leader_running"] is False
    assert report["instance"]["reachable"] is False
    human = subprocess.run(
        [sys.executable, "-m", "bot", "status", "--config", str(cfg)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "database   ok (sqlite" in human.stdout


async def test_metrics_count_github_requests_and_the_budget(
    fake_github: FakeGitHub, tmp_path: Path, database_url: str
) -> None:
    fake_github.state.add_repo("acme/widgets")
    extra = "http:\n  enabled: true\n  port: 0\n"
    app = App(github_config(fake_github, database_url, tmp_path, ["acme/widgets"], extra), clock=FakeClock())
    await app.start()
    try:
        assert app.services.github is not None
        await app.services.github.first_sync_done()
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{app.http.port}/metrics") as resp,
        ):
            metrics = await resp.text()
    finally:
        await app.stop()
    requests = re.search(r'steward_github_requests_total\{kind="GET"\} (\d+)', metrics)
    assert requests is not None and int(requests.group(1)) >= 1
    remaining = re.search(r"^steward_github_rate_remaining (\d+)", metrics, re.MULTILINE)
    assert remaining is not None and int(remaining.group(1)) > 0


async def test_healthz_reports_the_discord_connection(database_url: str, tmp_path: Path) -> None:
    async with discord_chat(database_url, tmp_path) as chat:
        [adapter] = [a for a in chat.app.adapters if a.platform == "discord"]
        health = await adapter.health()
        assert health["ok"] is True and health["guilds"] == 1
        await adapter.stop()  # the gateway connection is gone: /healthz must say so
        assert (await adapter.health())["ok"] is False
