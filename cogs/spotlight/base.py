"""Shared plumbing of the spotlight cog's parts: config, translation, notices to maintainers."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.core.cog import Cog
from bot.core.invocation import Invocation
from bot.core.messages import Message
from cogs.spotlight.candidates import CandidateFinder, CandidateRules
from cogs.spotlight.config import SpotlightConfig
from cogs.spotlight.models import SpotlightInterview
from cogs.spotlight.render import Translate


class SpotlightBase(Cog):
    """What every part of the spotlight cog needs."""

    name = "spotlight"

    @property
    def cfg(self) -> SpotlightConfig:
        cfg = self.services.config.section(SpotlightConfig)
        assert cfg is not None, "the spotlight cog is loaded only with a spotlight section"
        return cfg

    def now(self) -> datetime:
        return self.services.clock.now()

    def tr(self, locale: str | None = None) -> Translate:
        """Translate into ``locale`` (default: the project's language)."""
        return partial(self.services.catalog.translate, locale or self.services.config.project.locale)

    @property
    def project_timezone(self) -> str:
        return self.services.config.project.timezone

    def bot_logins(self) -> tuple[str, ...]:
        github = self.services.config.github
        return tuple(github.bot_logins if github is not None else ()) + tuple(self.cfg.exclude_logins)

    def finder(self) -> CandidateFinder:
        cfg = self.cfg
        return CandidateFinder(
            CandidateRules(cfg.lookback_weeks, cfg.cooldown_months, cfg.not_now_cooldown, self.bot_logins())
        )

    async def notify_maintainers(self, key: str, **params: object) -> None:
        """A short notice in the maintainers' channel, in the project's language."""
        await self.services.poster.post(self.cfg.maintainer_channel, Message.text(self.tr()(key, **params)))

    async def ack_and_notify(
        self, inv: Invocation, reply_key: str, notice_key: str, interview: SpotlightInterview
    ) -> None:
        """Answer the contributor, then tell the maintainers what they did."""
        await inv.reply(inv.t(reply_key))
        await self.notify_maintainers(notice_key, name=interview.display_name, id=interview.id)
