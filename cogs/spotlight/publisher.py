"""The spotlight jobs that post: publishing approved spotlights, and the hourly reminders and retries."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core.messages import Button, Buttons, Message, Section
from bot.core.posting import Poster
from bot.db.database import Database
from cogs.spotlight import interview as flow
from cogs.spotlight import views
from cogs.spotlight.delivery import SpotlightDelivery
from cogs.spotlight.document import Document, build_document
from cogs.spotlight.post_view import render_post
from cogs.spotlight.publishing import (
    PUBLISH_JOB,
    mark_published,
    next_to_publish,
    published_on,
    unfinished_publications,
)
from cogs.spotlight.service import SpotlightService

log = logging.getLogger(__name__)


class Publisher:
    """Posts approved spotlights, once each even across restarts, and finishes ones cut short."""

    def __init__(self, service: SpotlightService, db: Database, poster: Poster) -> None:
        self.service = service
        self.db = db
        self.poster = poster
        self.delivery = SpotlightDelivery(poster, db)
        # The publish job and the hourly retry must not post the same spotlight side by side.
        self._publishing = asyncio.Lock()

    async def publish_job(self) -> None:
        """Post the oldest approved spotlight (once, even across restarts); tell maintainers if none.

        A spotlight whose posting was cut short is finished first, and nothing new starts until it is.
        """
        svc = self.service
        async with self._publishing:
            if await self._finish_unfinished():
                return
            now = svc.now()
            doc = await self.db.run(next_to_publish, now, svc.project_timezone)
            if doc is None:
                published_today = await self.db.run(published_on, now, svc.project_timezone)
                if not published_today:
                    day = now.astimezone(ZoneInfo(svc.project_timezone)).date().isoformat()
                    notice = Message.text(svc.tr()("spotlight.notice.nothing_approved"))
                    await self.poster.post_once(
                        PUBLISH_JOB, f"empty:{day}", svc.cfg.maintainer_channel, notice
                    )
                return
            await self._publish(doc)

    async def _publish(self, doc: Document) -> bool:
        """Post what is missing of ``doc``; mark it published only once all of it reached every channel."""
        svc = self.service
        messages = render_post(doc, svc.tr(doc.locale), svc.project_timezone)
        if not await self.delivery.deliver(doc.interview_id, messages, svc.cfg.channel):
            log.warning(
                "spotlight %s: not every part reached every %r channel; the rest is retried",
                doc.interview_id,
                svc.cfg.channel,
            )
            notice = Message.text(svc.tr()("spotlight.notice.incomplete", name=doc.name, id=doc.interview_id))
            await self.poster.post_once(
                PUBLISH_JOB, f"incomplete:{doc.interview_id}", svc.cfg.maintainer_channel, notice
            )
            return False
        await self.db.run(mark_published, doc.interview_id, svc.now())
        return True

    async def _finish_unfinished(self) -> bool:
        """Retry every spotlight whose posting began but did not complete; True if any is still unfinished.

        Callers hold ``self._publishing``.
        """

        def documents(session: Session) -> list[Document]:
            ids = unfinished_publications(session)
            return [build_document(session, flow.get_interview(session, i)) for i in ids]

        pending = False
        for doc in await self.db.run(documents):
            pending = not await self._publish(doc) or pending
        return pending

    async def finish_publications(self) -> None:
        """Post the missing parts of spotlights whose posting was cut short (a part or platform failed)."""
        async with self._publishing:
            await self._finish_unfinished()

    async def reminders_job(self) -> None:
        """Remind people who accepted but have not submitted; expire interviews left too long; finish
        posting a spotlight that failed part-way (so a missing part does not wait a week)."""
        svc = self.service
        cfg = svc.cfg
        due = await self.db.run(flow.due_reminders, svc.now(), cfg.reminder_after, cfg.expire_after)
        for interview in due.remind:
            t = svc.tr(interview.locale)
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
            await self.poster.dm_member(interview.member_id, message)
        for interview in due.expired:
            await self.poster.dm_member(
                interview.member_id, Message.text(svc.tr(interview.locale)("spotlight.reminder.expired"))
            )
            await svc.notify_maintainers(
                "spotlight.notice.expired", name=interview.display_name, id=interview.id
            )
        await self.finish_publications()
