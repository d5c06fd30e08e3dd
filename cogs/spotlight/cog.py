"""Wiring of /spotlight: the candidate list, the scheduled jobs and the credit listener.

The contributor's buttons live in ``contributor.py`` and the editors' commands in ``editor.py``;
this class puts them together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.commands import Access, command
from bot.core.community_events import ContributionCredited
from bot.core.events import listener
from bot.core.invocation import Invocation
from bot.core.messages import Button, Buttons, Message, Section
from cogs.spotlight import interview as flow
from cogs.spotlight import views
from cogs.spotlight.editor import EditorSide
from cogs.spotlight.models import SpotlightCredit
from cogs.spotlight.publishing import mark_published, next_to_publish, published_on
from cogs.spotlight.render import render_post

log = logging.getLogger(__name__)


class SpotlightCog(EditorSide):
    """Contributor spotlights: candidates, interviews, editing, publishing and the blog export."""

    name = "spotlight"

    @command("spotlight candidates", "spotlight.candidates.description", access=Access.MAINTAINERS)
    async def candidates(self, inv: Invocation) -> None:
        found = await self.services.db.run(
            lambda s: self.finder().find(s, self.now(), self.cfg.candidate_limit)
        )
        await inv.reply(views.candidate_list(inv.t, found, self.cfg.lookback_weeks))

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
        await self.services.db.run(lambda s: s.add(credit))

    def jobs(self) -> dict[str, Callable[[], Any]]:
        return {
            "spotlight_publish": self.publish_job,
            "spotlight_reminders": self.reminders_job,
            "spotlight_candidates": self.candidates_job,
        }

    async def publish_job(self) -> None:
        """Post the oldest approved spotlight (once, even across restarts); tell maintainers if none."""
        now = self.now()
        doc = await self.services.db.run(next_to_publish, now, self.project_timezone)
        poster = self.services.poster
        day = now.astimezone(ZoneInfo(self.project_timezone)).date().isoformat()
        if doc is None:
            published_today = await self.services.db.run(published_on, now, self.project_timezone)
            if not published_today:
                notice = Message.text(self.tr()("spotlight.notice.nothing_approved"))
                await poster.post_once(
                    "spotlight_publish", f"empty:{day}", self.cfg.maintainer_channel, notice
                )
            return
        messages = render_post(doc, self.tr(doc.locale), self.project_timezone)
        delivered = False
        for part, message in enumerate(messages, start=1):
            period = f"interview:{doc.interview_id}:{part}/{len(messages)}"
            results = await poster.post_once("spotlight_publish", period, self.cfg.channel, message)
            delivered = delivered or any(r.status in ("sent", "skipped") for r in results)
        if not delivered:
            log.warning("spotlight %s: no %r channel took the post", doc.interview_id, self.cfg.channel)
            return
        await self.services.db.run(mark_published, doc.interview_id, now)

    async def reminders_job(self) -> None:
        """Remind people who accepted but have not submitted; expire interviews left too long."""
        cfg = self.cfg
        due = await self.services.db.run(flow.due_reminders, self.now(), cfg.reminder_after, cfg.expire_after)
        for interview in due.remind:
            t = self.tr(interview.locale)
            assert interview.id is not None
            message = Message(
                [
                    Section(t("spotlight.reminder.body", days=cfg.expire_after.days)),
                    Buttons(
                        (Button(t("spotlight.reminder.continue"), "spot_page", views.ref(interview.id, 1)),)
                    ),
                ]
            )
            await self.services.poster.dm_member(interview.member_id, message)
        for interview in due.expired:
            await self.services.poster.dm_member(
                interview.member_id, Message.text(self.tr(interview.locale)("spotlight.reminder.expired"))
            )
            await self.notify_maintainers(
                "spotlight.notice.expired", name=interview.display_name, id=interview.id
            )

    async def candidates_job(self) -> None:
        """The weekly ranked list of candidates, in the maintainers' channel (once per ISO week)."""
        now = self.now()
        found = await self.services.db.run(lambda s: self.finder().find(s, now, self.cfg.candidate_limit))
        year, week, _ = now.astimezone(ZoneInfo(self.project_timezone)).isocalendar()
        message = views.candidate_list(self.tr(), found, self.cfg.lookback_weeks)
        await self.services.poster.post_once(
            "spotlight_candidates", f"{year}-W{week:02d}", self.cfg.maintainer_channel, message
        )
