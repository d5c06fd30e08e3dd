"""The request pacer keeps the bot under Discord's global limit, however fast or slow the machine is."""

from __future__ import annotations

import asyncio

from bot.adapters.discord.pacing import RequestPacer


async def test_more_requests_at_once_than_the_limit_are_spread_over_windows() -> None:
    # Ten requests at the same moment against 3 per 50 ms: the limit binds by construction, not
    # because the machine happens to be fast enough to reach it.
    pacer = RequestPacer(limit=3, window=0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(pacer.wait() for _ in range(10)))
    assert pacer.waited > 0
    # Any 4 consecutive starts span a whole window, so the 10th starts 3 windows after the 1st at the
    # earliest (a lower bound: a slow machine only makes it later).
    assert loop.time() - started >= 3 * 0.05


async def test_requests_below_the_limit_never_wait() -> None:
    pacer = RequestPacer(limit=3, window=60.0)
    await asyncio.gather(*(pacer.wait() for _ in range(3)))
    assert pacer.waited == 0
