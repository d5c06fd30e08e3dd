"""/healthz, /metrics and `steward status`."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import aiohttp

from bot.adapters.console import ConsoleAdapter
from bot.app import App
from bot.config import load_config_text
from bot.core.clock import FakeClock
from bot.i18n import Catalog, catalog_directories
from tests.fixtures.console import config_text

ROOT = Path(__file__).resolve().parents[1]


async def test_healthz_and_metrics(tmp_path: Path, database_url: str) -> None:
    text = config_text(database_url, "http:\n  enabled: true\n  port: 0\n")
    config = load_config_text(text, str(tmp_path / "s.yaml"), base_dir=tmp_path)
    console = ConsoleAdapter(
        Catalog(catalog_directories()),
        stdin=io.StringIO(),
        stdout=io.StringIO(),
        interactive=False,
        read_input=False,
    )
    app = App(config, adapters=[console], clock=FakeClock())
    await app.start()
    try:
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
    finally:
        await app.stop()
    assert health["ok"] is True
    assert health["checks"]["database"] == {"ok": True}
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
