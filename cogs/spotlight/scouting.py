"""Finding people to spotlight: the credit listener, /spotlight candidates and the weekly list."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.commands import Access, command
from bot.core.community_events import ContributionCredited
from bot.core.events import listener
from bot.core.invocation import Invocation
from bot.core.posting import Poster
from bot.db.database import Database
from cogs.spotlight import views
from cogs.spotlight.models import SpotlightCredit
from cogs.spotlight.service import SpotlightService


class Scouting:
    """Records contributions as reasons to propose someone and ranks the candidates."""

    def __init__(self, service: SpotlightService, db: Database, poster: Poster) -> None:
        self.service = service
        self.db = db
        self.poster = poster

    @command("spotlight candidates", "spotlight.candidates.description", access=Access.MAINTAINERS)
    async def candidates(self, inv: Invocation) -> None:
        svc = self.service
        found = await self.db.run(lambda s: svc.finder().find(s, svc.now(), svc.cfg.candidate_limit))
        await inv.reply(views.candidate_list(inv.t, found, svc.cfg.lookback_weeks))

    @listener(ContributionCredited)
    async def on_credit(self, event: ContributionCredited) -> None:
        """Record a finished good first issue or onboarding path as a reason to propose someone."""
        login = event.github_login.lower() if event.github_login else None
        if event.member_id is None and login is None:
            return
        credit = SpotlightCredit(
            member_id=event.member_id,
            github_login_lower=login,
            kind=event.kind,
            detail=event.detail,
            at=event.at,
        )
        await self.db.run(lambda s: s.add(credit))

    async def candidates_job(self) -> None:
        """The weekly ranked list of candidates, in the maintainers' channel (once per ISO week)."""
        svc = self.service
        now = svc.now()
        found = await self.db.run(lambda s: svc.finder().find(s, now, svc.cfg.candidate_limit))
        year, week, _ = now.astimezone(ZoneInfo(svc.project_timezone)).isocalendar()
        message = views.candidate_list(svc.tr(), found, svc.cfg.lookback_weeks)
        await self.poster.post_once(
            "spotlight_candidates", f"{year}-W{week:02d}", svc.cfg.maintainer_channel, message
        )
