"""2,000 people join within a minute on the Discord fake: everyone is greeted once, without a 429.

The fake enforces Discord's global limit (50 requests per window); the window is shortened to 50 ms
so the burst runs in seconds, and the adapter's pacer gets the matching window.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from bot.adapters.discord.pacing import RequestPacer
from bot.app import App
from cogs.onboarding import OnboardingCog
from cogs.onboarding.models import Newcomer
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.payloads import FakeUser
from tests.fixtures.chat_discord import discord_chat

PEOPLE = 2000
WINDOW = 0.05  # seconds; Discord's is 1 s
YAML = """onboarding:
  greet_batch_max_names: 20
  paths:
    - id: docs
      title: Docs and typos
      steps: [{id: fix, title: Fix a typo}]
"""


async def manual_time(app: App) -> None:
    """Jobs run only when the test ticks the FakeClock: stop APScheduler's real-time timer."""
    app.scheduler.shutdown()
    await app.scheduler.tick()  # the first look: nothing was missed


def cog_of(app: App) -> OnboardingCog:
    return next(c for c in app.cogs if isinstance(c, OnboardingCog))


async def count(app: App, *where: object) -> int:
    return int(await app.db.run(lambda s: s.exec(select(func.count(col(Newcomer.id))).where(*where)).one()))


# Seconds a thousand joins (or their DMs) may take to get through. Unloaded it is a few; a shared 2-core
# CI machine under load has taken 15 and more. Only a failing test waits this long.
BURST_DEADLINE = 180.0


async def wait_for(app: App, n: int, *where: object) -> None:
    """Wait (for real I/O, not for time to pass) until ``n`` newcomers match ``where``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BURST_DEADLINE
    while loop.time() < deadline:
        try:
            if await count(app, *where) >= n:
                return
        except OperationalError:
            pass  # SQLite: this poll lost the write lock race to the burst for 5 s; just look again
        await asyncio.sleep(0.05)
    raise AssertionError(f"only {await count(app, *where)} of {n} newcomers got there")


async def burst(fake: FakeDiscord, users: list[FakeUser]) -> None:
    for user in users:
        await fake.member_join(user)


def dms_per_user(fake: FakeDiscord) -> Counter[str]:
    recipients = {c.id: c.recipient for c in fake.channels.values() if c.recipient}
    return Counter(recipients[m.channel_id] for m in fake.messages.values() if m.channel_id in recipients)


def greeted_in_channel(fake: FakeDiscord, welcome: str) -> tuple[list[str], int]:
    """User ids named in the welcome channel's greetings, and how many more they counted."""
    named: list[str] = []
    more = 0
    for message in fake.channel_messages(welcome):
        named += message.pinged_users
        text = message.body.get("content", "") + str(message.body.get("embeds", ""))
        if " and " in text and " more" in text:
            more += int(text.split(" and ", 1)[1].split(" more", 1)[0].replace(",", ""))
    return named, more


def welcome_channel(fake: FakeDiscord) -> str:
    return next(c.id for c in fake.channels.values() if c.name == "welcome")


async def test_two_thousand_joins_in_a_minute(database_url: str, tmp_path: Path) -> None:
    fake = FakeDiscord(global_window=WINDOW)
    await fake.start()
    try:
        users = [fake.add_user(f"newcomer{i}") for i in range(PEOPLE)]
        pacer = RequestPacer(window=WINDOW)
        async with discord_chat(database_url, tmp_path, YAML, fake=fake, pacer=pacer) as chat:
            await manual_time(chat.app)
            await burst(fake, users)
            await wait_for(chat.app, PEOPLE)
            await cog_of(chat.app).greeter.drain()
            chat.clock.advance(seconds=59)
            await chat.app.scheduler.tick()
            chat.clock.advance(seconds=1)
            await chat.app.scheduler.tick()
            await chat.app.scheduler.tick()
        dms = dms_per_user(fake)
        assert len(dms) == PEOPLE and set(dms.values()) == {1}
        # No 429: the pacer kept the burst under the limit. Whether the limit was binding depends on how
        # fast this machine produces requests (a loaded CI machine may never reach 40 per 50 ms);
        # that the pacer binds and holds at any speed is tests/adapters/discord/test_pacing.py.
        assert fake.global_429s == 0
        [greeting] = fake.channel_messages(welcome_channel(fake))
        named, more = greeted_in_channel(fake, welcome_channel(fake))
        assert len(named) == 20 and more == PEOPLE - 20
        assert "1980" in str(greeting.body) or "1,980" in str(greeting.body)
    finally:
        await fake.stop()


async def test_restart_half_way_greets_everyone_once(database_url: str, tmp_path: Path) -> None:
    fake = FakeDiscord(global_window=WINDOW)
    await fake.start()
    try:
        users = [fake.add_user(f"newcomer{i}") for i in range(PEOPLE)]
        half = PEOPLE // 2
        async with discord_chat(
            database_url, tmp_path, YAML, fake=fake, pacer=RequestPacer(window=WINDOW)
        ) as chat:
            await manual_time(chat.app)
            await burst(fake, users[:half])
            await wait_for(chat.app, half)
            chat.clock.advance(minutes=1)
            await chat.app.scheduler.tick()  # the first greeting: everyone so far
            await burst(fake, users[half:])
            await wait_for(chat.app, PEOPLE)
            await wait_for(chat.app, half, Newcomer.dm_state == "sent")
            clock = chat.clock
        # Stopped half-way through the DMs; the next start continues from the table.
        assert 0 < len(dms_per_user(fake)) < PEOPLE
        async with discord_chat(
            database_url, tmp_path, YAML, fake=fake, pacer=RequestPacer(window=WINDOW), clock=clock
        ) as chat:
            await manual_time(chat.app)
            await cog_of(chat.app).greeter.drain()
            chat.clock.advance(minutes=1)
            await chat.app.scheduler.tick()
        dms = dms_per_user(fake)
        assert len(dms) == PEOPLE and set(dms.values()) == {1}
        assert fake.global_429s == 0
        named, more = greeted_in_channel(fake, welcome_channel(fake))
        assert len(fake.channel_messages(welcome_channel(fake))) == 2
        assert len(named) == len(set(named)) == 40 and len(named) + more == PEOPLE
    finally:
        await fake.stop()
