"""Wiring of /spotlight: the candidate list, the scheduled jobs and the credit listener.

The contributor's buttons live in ``contributor.py`` and the editors' commands in ``editor.py``;
this class puts them together.

Every job has a default cadence, used when ``schedules:`` does not name it (an entry there replaces
the default): ``spotlight_publish`` Friday 10:00, ``spotlight_candidates`` Monday 09:00 (both in the
project's time zone) and ``spotlight_reminders`` hourly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from bot.core.cog import Services
from bot.core.commands import Access, command
from bot.core.community_events import ContributionCredited
from bot.core.events import listener
from bot.core.invocation import Invocation
from bot.core.messages import Button, Buttons, Message, Section
from cogs.spotlight import interview as flow
from cogs.spotlight import views
from cogs.spotlight.delivery import SpotlightDelivery
from cogs.spotlight.document import Document, build_document
from cogs.spotlight.editor import EditorSide
from cogs.spotlight.models import SpotlightCredit
from cogs.spotlight.publishing import (
    PUBLISH_JOB,
    mark_published,
    next_to_publish,
    published_on,
    unfinished_publications,
)
from cogs.spotlight.render import render_post

log = logging.getLogger(__name__)

# Default cadences, as crontab lines in the project's time zone (what a ``schedules:`` entry would say).
DEFAULT_PUBLISH_CRON = "0 10 * * fri"
DEFAULT_CANDIDATES_CRON = "0 9 * * mon"
REMINDER_CHECK = timedelta(hours=1)
# A publishing slot missed by a restart still happens within 12 hours; the candidate list within a day.
PUBLISH_GRACE = timedelta(hours=12)
CANDIDATES_GRACE = timedelta(days=1)


class SpotlightCog(EditorSide):
    """Contributor spotlights: candidates, interviews, editing, publishing and the blog export."""

    name = "spotlight"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.delivery = SpotlightDelivery(services.poster, services.db)
        # The publish job and the hourly retry must not post the same spotlight side by side.
        self._publishing = asyncio.Lock()

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
            PUBLISH_JOB: self.publish_job,
            "spotlight_reminders": self.reminders_job,
            "spotlight_candidates": self.candidates_job,
        }

    def default_schedules(self) -> dict[str, tuple[Any, timedelta]]:
        # Without these a ``spotlight:`` section alone would never publish or remind anyone.
        tz = ZoneInfo(self.project_timezone)
        # A fixed start keeps hourly runs on whole hours, the same on every instance.
        hourly = IntervalTrigger(
            seconds=REMINDER_CHECK.total_seconds(), start_date=datetime(2020, 1, 1, tzinfo=tz), timezone=tz
        )
        return {
            PUBLISH_JOB: (CronTrigger.from_crontab(DEFAULT_PUBLISH_CRON, timezone=tz), PUBLISH_GRACE),
            "spotlight_reminders": (hourly, REMINDER_CHECK),
            "spotlight_candidates": (
                CronTrigger.from_crontab(DEFAULT_CANDIDATES_CRON, timezone=tz),
                CANDIDATES_GRACE,
            ),
        }

    async def publish_job(self) -> None:
        """Post the oldest approved spotlight (once, even across restarts); tell maintainers if none.

        A spotlight whose posting was cut short is finished first, and nothing new starts until it is.
        """
        async with self._publishing:
            if await self._finish_unfinished():
                return
            now = self.now()
            doc = await self.services.db.run(next_to_publish, now, self.project_timezone)
            if doc is None:
                published_today = await self.services.db.run(published_on, now, self.project_timezone)
                if not published_today:
                    day = now.astimezone(ZoneInfo(self.project_timezone)).date().isoformat()
                    notice = Message.text(self.tr()("spotlight.notice.nothing_approved"))
                    await self.services.poster.post_once(
                        PUBLISH_JOB, f"empty:{day}", self.cfg.maintainer_channel, notice
                    )
                return
            await self._publish(doc)

    async def _publish(self, doc: Document) -> bool:
        """Post what is missing of ``doc``; mark it published only once all of it reached every channel."""
        messages = render_post(doc, self.tr(doc.locale), self.project_timezone)
        if not await self.delivery.deliver(doc.interview_id, messages, self.cfg.channel):
            log.warning(
                "spotlight %s: not every part reached every %r channel; the rest is retried",
                doc.interview_id,
                self.cfg.channel,
            )
            notice = Message.text(
                self.tr()("spotlight.notice.incomplete", name=doc.name, id=doc.interview_id)
            )
            await self.services.poster.post_once(
                PUBLISH_JOB, f"incomplete:{doc.interview_id}", self.cfg.maintainer_channel, notice
            )
            return False
        await self.services.db.run(mark_published, doc.interview_id, self.now())
        return True

    async def _finish_unfinished(self) -> bool:
        """Retry every spotlight whose posting began but did not complete; True if any is still unfinished.

        Callers hold ``self._publishing``.
        """

        def documents(session: Session) -> list[Document]:
            ids = unfinished_publications(session)
            return [build_document(session, flow.get_interview(session, i)) for i in ids]

        pending = False
        for doc in await self.services.db.run(documents):
            pending = not await self._publish(doc) or pending
        return pending

    async def finish_publications(self) -> None:
        """Post the missing parts of spotlights whose posting was cut short (a part or platform failed)."""
        async with self._publishing:
            await self._finish_unfinished()

    async def reminders_job(self) -> None:
        """Remind people who accepted but have not submitted; expire interviews left too long; finish
        posting a spotlight that failed part-way (so a missing part does not wait a week)."""
        cfg = self.cfg
        due = await self.services.db.run(flow.due_reminders, self.now(), cfg.reminder_after, cfg.expire_after)
        for interview in due.remind:
            t = self.tr(interview.locale)
            assert interview.id is not None
            message = Message(
                [
                    Section(
                        t("spotlight.reminder.body", days=cfg.expire_after.days, count=cfg.expire_after.days)
                    ),
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
        await self.finish_publications()

    async def candidates_job(self) -> None:
        """The weekly ranked list of candidates, in the maintainers' channel (once per ISO week)."""
        now = self.now()
        found = await self.services.db.run(lambda s: self.finder().find(s, now, self.cfg.candidate_limit))
        year, week, _ = now.astimezone(ZoneInfo(self.project_timezone)).isocalendar()
        message = views.candidate_list(self.tr(), found, self.cfg.lookback_weeks)
        await self.services.poster.post_once(
            "spotlight_candidates", f"{year}-W{week:02d}", self.cfg.maintainer_channel, message
        )
