"""Config reload (``/steward reload`` and SIGHUP) never stalls chat and never runs a half-read file."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from pathlib import Path

from bot.app import App
from bot.config import load_config_text
from bot.config.loader import MAX_CONFIG_BYTES
from tests.fixtures.chat import ConsoleDriver, console_chat
from tests.fixtures.console import config_text
from tests.fixtures.waiting import eventually


async def test_chat_is_answered_while_a_reload_is_reading(database_url: str, tmp_path: Path) -> None:
    async with console_chat(database_url, tmp_path) as chat:
        assert isinstance(chat, ConsoleDriver)
        app = chat.app
        assert app.config_path is not None
        renamed = app.config_path.read_text(encoding="utf-8").replace("Demo Project", "Renamed")
        # A named pipe: reading it blocks until the test writes, like a huge file being parsed.
        pipe = tmp_path / "slow.yaml"
        os.mkfifo(pipe)
        app.config_path = pipe
        reload = asyncio.create_task(app.reloads.reload())
        [reply] = await chat.command("alice", "/steward me")
        assert "alice" in reply.text
        assert not reload.done()
        assert app.config.project.name == "Demo Project"  # the running config stays meanwhile

        def feed() -> None:
            with pipe.open("w", encoding="utf-8") as handle:
                handle.write(renamed)

        writer = threading.Thread(target=feed)
        writer.start()
        assert await reload == []
        await asyncio.to_thread(writer.join)
        assert app.config.project.name == "Renamed"


async def test_an_oversized_file_is_refused_before_parsing(database_url: str, tmp_path: Path) -> None:
    async with console_chat(database_url, tmp_path, maintainers=["mia"]) as chat:
        assert isinstance(chat, ConsoleDriver)
        app = chat.app
        assert app.config_path is not None
        text = app.config_path.read_text(encoding="utf-8").replace("Demo Project", "Renamed")
        app.config_path.write_text(text + "# " + "x" * MAX_CONFIG_BYTES + "\n", encoding="utf-8")
        problems = await app.reloads.reload()
        assert [p.message for p in problems] == ["config file is larger than 1024 KiB"]
        assert app.config.project.name == "Demo Project"
        [reply] = await chat.command("mia", "/steward reload")
        assert "larger than 1024 KiB" in reply.text


async def test_sighup_reloads_without_blocking(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "steward.yaml"
    path.write_text(config_text(database_url), encoding="utf-8")
    app = App(
        load_config_text(path.read_text(encoding="utf-8"), str(path), base_dir=tmp_path), config_path=path
    )
    stop = asyncio.Event()
    running = asyncio.create_task(app.run_until_stopped(stop))
    try:
        await eventually(lambda: app._started, "the app to start")
        path.write_text(config_text(database_url).replace("Demo Project", "Renamed"), encoding="utf-8")
        os.kill(os.getpid(), signal.SIGHUP)
        await eventually(lambda: app.config.project.name == "Renamed", "SIGHUP to reload the config")
    finally:
        stop.set()
        await running
