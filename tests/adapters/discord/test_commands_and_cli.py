"""Every command of every cog fits Discord's limits; the Discord CLI commands."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bot.adapters.discord.cli import cmd_sync, invite_url
from bot.adapters.discord.commands import command_payloads
from bot.app import App
from bot.cli import build_parser, project_root
from bot.config import load_config_text
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.rules import commands_problems
from tests.fixtures.chat_discord import WAIT


def test_whole_registry_fits_discord_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example config enables every feature, so every cog that exists declares its commands."""
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-x")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-x")
    monkeypatch.setenv("GITHUB_TOKEN", "x")
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", "x")
    text = (project_root() / "config" / "steward.example.yaml").read_text(encoding="utf-8")
    config = load_config_text(text, "steward.example.yaml", base_dir=tmp_path)
    app = App(config, run_migrations=False)
    payloads = command_payloads(app.registry, app.catalog)
    assert payloads and commands_problems(payloads) == []
    for path in app.registry.commands:  # every command is reachable in the payload
        node = next(p for p in payloads if p["name"] == path[0])
        for part in path[1:]:
            node = next(o for o in node["options"] if o["name"] == part)


def test_invite_url_has_exact_scopes_and_permissions() -> None:
    query = parse_qs(urlparse(invite_url(123)).query)
    assert query["client_id"] == ["123"]
    assert query["scope"] == ["bot applications.commands"]
    assert int(query["permissions"][0]) == 1024 | 2048 | 16384 | 32768
    # With onboarding paths that give roles: Manage Roles (1 << 28) as well, nothing else.
    with_roles = parse_qs(urlparse(invite_url(123, manage_roles=True)).query)
    assert int(with_roles["permissions"][0]) == 1024 | 2048 | 16384 | 32768 | (1 << 28)


def test_cli_has_discord_commands() -> None:
    args = build_parser().parse_args(["discord-sync", "--global"])
    assert args.global_ is True
    assert build_parser().parse_args(["discord-invite"]).fn.__name__ == "cmd_invite"


def test_discord_sync_global_against_the_fake(tmp_path: Path, database_url: str) -> None:
    from tests.fixtures.console import config_text

    loop = asyncio.new_event_loop()
    fake = FakeDiscord()
    loop.run_until_complete(fake.start())
    # The CLI runs its own event loop: serve the fake from a thread with this one.
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        path = tmp_path / "steward.yaml"
        path.write_text(config_text(database_url, f"discord:\n  token: {fake.token}\n"), encoding="utf-8")
        args = build_parser().parse_args(["discord-sync", "--global", "--config", str(path)])
        with fake.patched_discord_py():
            assert cmd_sync(args) == 0
        assert {c["name"] for c in fake.global_commands} >= {"steward"}
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(WAIT)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(WAIT)


def test_an_unreachable_discord_is_one_line_not_a_traceback(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    import discord

    from bot.cli import main
    from tests.fixtures.console import config_text

    with socket.socket() as held:  # a port nothing answers on: bound, never listening
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
        path = tmp_path / "steward.yaml"
        path.write_text(config_text(database_url, "discord:\n  token: some-token\n"), encoding="utf-8")
        code = main(["discord-sync", "--global", "--config", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("steward discord-sync: could not reach Discord (") and "check the network" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
