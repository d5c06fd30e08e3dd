"""The fake refuses what Discord refuses, so passing tests mean Discord would accept the bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest

from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.rules import command_problems, message_problems
from tests.fixtures.chat_discord import WAIT
from tests.fixtures.waiting import eventually


@pytest.fixture()
async def bare() -> AsyncIterator[tuple[FakeDiscord, discord.Client, list[Exception]]]:
    fake = FakeDiscord()
    await fake.start()
    fake.add_channel("general")
    errors: list[Exception] = []
    with fake.patched_discord_py():
        client = discord.Client(intents=discord.Intents.none(), guild_ready_timeout=0.01)
        ready = asyncio.Event()
        client.event(_ready(ready))
        await client.login(fake.token)
        task = asyncio.create_task(client.connect())
        await asyncio.wait_for(ready.wait(), WAIT)
        yield fake, client, errors
        await client.close()
        await task
    await fake.stop()


def _ready(event: asyncio.Event):  # type: ignore[no-untyped-def]
    async def on_ready() -> None:
        event.set()

    return on_ready


async def _slash(fake: FakeDiscord) -> object:
    channel = next(iter(fake.channels))
    interaction = fake.interaction_payload(
        2, fake.add_user("alice"), channel, {"id": "1", "name": "x", "type": 1}
    )
    await fake.send_interaction(interaction)
    return interaction


async def test_answering_twice_or_late_is_refused(
    bare: tuple[FakeDiscord, discord.Client, list[Exception]],
) -> None:
    fake, client, errors = bare

    async def on_interaction(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        adapter = interaction.response._parent  # the same Interaction; answer again through its callback
        try:
            await discord.InteractionResponse(adapter).send_message("two")
        except discord.HTTPException as exc:
            errors.append(exc)

    client.event(on_interaction)
    interaction = await _slash(fake)
    await asyncio.wait_for(interaction.answered.wait(), WAIT)  # type: ignore[attr-defined]
    [error] = await eventually(lambda: errors, "the second answer to be refused")
    assert isinstance(error, discord.HTTPException) and error.code == 40060


def test_limits() -> None:
    assert message_problems({"content": "x" * 2001})
    assert message_problems({"embeds": [{"description": "x" * 4000}, {"description": "x" * 2500}]})
    assert message_problems({"content": ""}) == ["Cannot send an empty message"]
    row = {"type": 1, "components": [{"type": 2, "style": 1, "label": "b", "custom_id": "a" * 101}]}
    assert message_problems({"content": "x", "components": [row]})
    assert command_problems({"name": "Bad", "description": "x", "type": 1})
    assert command_problems({"name": "ok", "description": "x" * 101, "type": 1})
    assert not command_problems({"name": "ok", "description": "fine", "type": 1})


async def test_answering_after_three_seconds_is_refused(
    bare: tuple[FakeDiscord, discord.Client, list[Exception]],
) -> None:
    fake, client, errors = bare

    async def on_interaction(interaction: discord.Interaction) -> None:
        fake.interactions[str(interaction.id)].created -= 3.5  # as if the handler took 3.5 s
        try:
            await interaction.response.send_message("late")
        except discord.HTTPException as exc:
            errors.append(exc)

    client.event(on_interaction)
    await _slash(fake)
    [error] = await eventually(lambda: errors, "the late answer to be refused")
    assert isinstance(error, discord.NotFound) and error.code == 10062
