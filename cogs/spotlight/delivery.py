"""Posting a rendered spotlight to every platform, part by part, and knowing whether all of it arrived.

Each part goes through the post log under (``spotlight_publish``, ``interview:<id>:<part>/<total>``,
platform, channel), so a second attempt posts only what the first one did not. A spotlight counts as
delivered only when the post log shows every part sent to every target channel.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.messages import Message
from bot.core.posting import Poster
from bot.db.database import Database
from cogs.spotlight.publishing import PUBLISH_JOB, all_sent, part_period


class SpotlightDelivery:
    """Sends the parts of one spotlight in order on each platform; reports whether it is complete."""

    def __init__(self, poster: Poster, db: Database) -> None:
        self.poster = poster
        self.db = db

    async def deliver(self, interview_id: int, messages: Sequence[Message], purpose: str) -> bool:
        """Post the parts not yet sent; True when every part has reached every ``purpose`` channel.

        False when some part failed somewhere (the next attempt sends only what is missing) or when no
        platform has a channel for ``purpose`` at all.
        """
        targets = [(adapter.platform, channel) for adapter, channel in self.poster.targets(purpose)]
        if not targets or not messages:
            return False
        total = len(messages)
        periods = [part_period(interview_id, part, total) for part in range(1, total + 1)]
        for platform in dict.fromkeys(platform for platform, _ in targets):
            for period, message in zip(periods, messages, strict=True):
                results = await self.poster.post_once(
                    PUBLISH_JOB, period, purpose, message, platform=platform
                )
                if not results or any(r.status == "failed" for r in results):
                    # Later parts wait for this one, so no channel ever shows part 3 before part 2.
                    break
        return await self.db.run(all_sent, periods, targets)
