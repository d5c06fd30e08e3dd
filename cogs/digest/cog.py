"""Wiring of the weekly digest: the job, /steward digest preview and /steward digest send."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.core.cog import Cog
from bot.core.commands import Access, command
from bot.core.invocation import Invocation
from bot.core.messages import Block, Message
from bot.core.posting import require_delivered
from bot.i18n import Reader
from bot.scheduling import JobContext
from cogs.digest.service import community_week
from cogs.digest.views import render_digest, week_ending

JOB = "weekly_digest"
PURPOSE = "digest"


class DigestCog(Cog):
    """Always loaded; the ``weekly_digest`` schedule decides when it posts."""

    name = "digest"

    def jobs(self) -> dict[str, Callable[..., Any]]:
        return {JOB: self.weekly_digest}

    async def build(self, start: datetime, end: datetime, reader: Reader) -> Message:
        """The digest for [start, end) for ``reader``, with every loaded feature's section."""
        config = self.services.config
        bots = {b.lower() for b in (config.github.bot_logins if config.github else [])}
        sections: list[list[Block]] = []
        joined: list[str] = []
        for cog in self.services.cogs():
            if cog is not self:
                sections.append(await cog.digest_section(start, end, reader))
                joined += await cog.joined_members(start, end) or []
        week = await self.services.db.run(lambda s: community_week(s, start, end, bots, joined))

        return render_digest(
            self.services.catalog.for_reader(reader), config.project.name, start, end, week, sections
        )

    async def weekly_digest(self, ctx: JobContext) -> None:
        """Scheduled: post the digest of the week before the scheduled time, once per period."""
        start, end = week_ending(ctx.scheduled_at)
        # Posted to a channel, read by everyone: the project's language and time zone.
        message = await self.build(start, end, self.services.project_reader())
        # A failed target fails the run, so the scheduler retries the period (sent targets are skipped).
        require_delivered(
            await self.services.poster.post_once(JOB, ctx.period, PURPOSE, message, ctx.channels)
        )

    @command("steward digest preview", "digest.preview.description")
    async def preview(self, inv: Invocation) -> None:
        start, end = week_ending(self.services.clock.now())
        zone = inv.actor.timezone or self.services.config.project.timezone
        await inv.reply(await self.build(start, end, Reader(inv.locale, zone)))

    @command("steward digest send", "digest.send.description", access=Access.MAINTAINERS)
    async def send(self, inv: Invocation) -> None:
        now = self.services.clock.now()
        start, end = week_ending(now)
        message = await self.build(start, end, self.services.project_reader())
        # Keyed by the minute: a double click posts once, a deliberate resend later posts again.
        results = await self.services.poster.post_once(JOB, f"manual-{now:%Y-%m-%dT%H:%M}", PURPOSE, message)
        sent = [r for r in results if r.status == "sent"]
        if not results:
            await inv.reply(inv.t("digest.send.no_channel"))
        elif sent:
            await inv.reply(inv.t("digest.send.done", count=len(sent)))
        else:
            await inv.reply(inv.t("digest.send.not_sent"))
