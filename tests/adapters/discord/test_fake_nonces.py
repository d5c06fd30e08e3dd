"""The fake de-duplicates nonces and serves channel history as Discord does, to real discord.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest

from tests.fakes.discord import FakeDiscord
from tests.fixtures.chat_discord import WAIT


@pytest.fixture()
async def client_and_fake() -> AsyncIterator[tuple[FakeDiscord, discord.Client, str]]:
    fake = FakeDiscord()
    await fake.start()
    channel = fake.add_channel("general").id
    with fake.patched_discord_py():
        client = discord.Client(intents=discord.Intents.none(), guild_ready_timeout=0.01)
        ready = asyncio.Event()

        @client.event
        async def on_ready() -> None:
            ready.set()

        await client.login(fake.token)
        task = asyncio.create_task(client.connect())
        await asyncio.wait_for(ready.wait(), WAIT)
        yield fake, client, channel
        await client.close()
        await task
    await fake.stop()


async def test_a_repeated_nonce_returns_the_original_within_the_window(
    client_and_fake: tuple[FakeDiscord, discord.Client, str],
) -> None:
    fake, client, cid = client_and_fake
    channel = await client.fetch_channel(int(cid))
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("digest", nonce="steward-abc")
    again = await channel.send("digest", nonce="steward-abc")
    assert again.id == first.id
    assert [m.body["content"] for m in fake.channel_messages(cid)] == ["digest"]
    assert fake.nonce_repeats == 1
    assert all(r[2].get("enforce_nonce") is True for r in fake.requests if r[0] == "POST")

    fake.nonces.expire()  # longer than Discord remembers: a new message
    later = await channel.send("digest", nonce="steward-abc")
    assert later.id != first.id
    assert len(fake.channel_messages(cid)) == 2


async def test_a_nonce_longer_than_25_characters_is_refused(
    client_and_fake: tuple[FakeDiscord, discord.Client, str],
) -> None:
    fake, client, cid = client_and_fake
    channel = await client.fetch_channel(int(cid))
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException):
        await channel.send("x", nonce="n" * 26)
    assert fake.channel_messages(cid) == []


async def test_history_after_a_message_leaves_out_nonces(
    client_and_fake: tuple[FakeDiscord, discord.Client, str],
) -> None:
    fake, client, cid = client_and_fake
    channel = await client.fetch_channel(int(cid))
    assert isinstance(channel, discord.TextChannel)
    sent = [await channel.send(f"m{i}", nonce=f"n{i}") for i in range(5)]
    read = [m async for m in channel.history(after=sent[1], limit=None)]  # pages oldest first
    assert [m.content for m in read] == ["m2", "m3", "m4"]
    assert all(m.nonce is None for m in read)
    assert fake.history_reads and "after" in fake.history_reads[-1][1]
