"""SIGTERM/SIGINT while a chat adapter is still connecting (Slack's Socket Mode retrying, Discord's
login timing out) stops the bot: the start is cancelled and what it began is stopped. Before, the
signal was only waited for once the start returned, so systemd and `docker stop` had to kill it."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

from bot.app import App
from bot.config import load_config_text
from tests.fixtures.console import config_text


class NeverConnects:
    """An adapter whose platform never answers: its start waits until cancelled."""

    platform = "never"

    def __init__(self) -> None:
        self.connecting = asyncio.Event()
        self.cancelled = False
        self.stopped = False

    async def start(self, dispatcher: Any) -> None:
        self.connecting.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise

    async def stop(self) -> None:
        self.stopped = True

    async def health(self) -> dict[str, Any]:
        return {"ok": False}


async def test_sigterm_while_an_adapter_connects_stops_the_bot(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "steward.yaml"
    path.write_text(config_text(database_url), encoding="utf-8")
    app = App(load_config_text(path.read_text(encoding="utf-8"), str(path), base_dir=tmp_path))
    adapter = NeverConnects()
    app.adapters.append(adapter)  # type: ignore[arg-type]
    started: list[App] = []
    running = asyncio.create_task(app.run_until_stopped(on_started=started.append))
    # Once the adapter is connecting (after the database is prepared, which takes longer on PostgreSQL).
    await asyncio.wait_for(adapter.connecting.wait(), 30)
    assert not running.done()
    began = time.monotonic()
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(running, 10)
    assert time.monotonic() - began < 5
    assert adapter.cancelled and adapter.stopped and started == []
