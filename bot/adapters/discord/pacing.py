"""Keeping the bot's own REST requests under Discord's global limit (50 requests per second).

discord.py honours per-route buckets from the response headers but only reacts to the global limit
after a 429; a burst of welcome DMs (two requests each) would hit it. The pacer is a sliding-window
log: at most ``limit`` requests start in any ``window`` seconds. Interaction responses are exempt
(Discord does not count them against the global limit) and do not go through it.
"""

from __future__ import annotations

import asyncio
from collections import deque

DISCORD_GLOBAL_LIMIT = 50  # requests per second for every bot (PLATFORM-NOTES A6)
HEADROOM = 0.8  # stay below the limit: requests arrive at Discord later than they leave the pacer


class RequestPacer:
    """Waits as needed so that no more than ``limit`` requests start within ``window`` seconds."""

    def __init__(self, limit: int = int(DISCORD_GLOBAL_LIMIT * HEADROOM), window: float = 1.0) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a pacer needs a positive limit and window")
        self.limit = limit
        self.window = window
        self.waited = 0  # how often a request had to wait (health, tests)
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when one more request may start."""
        loop = asyncio.get_running_loop()
        async with self._lock:
            while True:
                now = loop.time()
                while self._starts and now - self._starts[0] >= self.window:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    return
                self.waited += 1
                await asyncio.sleep(self.window - (now - self._starts[0]))
