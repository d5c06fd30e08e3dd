"""A Discord chat with the demo cog loaded and its commands synced."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.core.cog import Cog
from tests.adapters.discord.demo_cog import DemoCog
from tests.fixtures.chat_discord import DiscordDriver, discord_chat

DemoChat = Callable[..., AbstractAsyncContextManager[DiscordDriver]]


@pytest.fixture()
def demo_chat(database_url: str, tmp_path: Path) -> DemoChat:
    @asynccontextmanager
    async def make(cogs: tuple[type[Cog], ...] = (DemoCog,), **kwargs: Any) -> AsyncIterator[DiscordDriver]:
        async with discord_chat(database_url, tmp_path, **kwargs) as chat:
            assert isinstance(chat, DiscordDriver)
            for cls in cogs:
                cog = cls(chat.app.services)
                cog.register()
                chat.app.cogs.append(cog)
            await chat.adapter.sync_commands()
            yield chat

    return make
