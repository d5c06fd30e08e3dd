"""What every part of the spotlight feature shares: its config, the clock, translation, notices to
maintainers, the final text a contributor approves and the blog export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.config.models import ProjectConfig
from bot.core.clock import Clock
from bot.core.invocation import Invocation
from bot.core.messages import Message
from bot.core.posting import Poster
from bot.db.database import Database
from bot.i18n import Catalog
from cogs.spotlight import interview as flow
from cogs.spotlight import views
from cogs.spotlight.blog_text import BlogTarget
from cogs.spotlight.candidates import CandidateFinder, CandidateRules
from cogs.spotlight.config import SpotlightConfig
from cogs.spotlight.document import Document, build_document, text_version
from cogs.spotlight.export import export_day, export_filename, export_markdown
from cogs.spotlight.models import SpotlightInterview
from cogs.spotlight.post_view import Translate, render_post

T = TypeVar("T")


class SpotlightService:
    """The spotlight feature's shared plumbing; the command and job parts each hold one."""

    def __init__(
        self,
        config: Callable[[], SpotlightConfig],
        project: Callable[[], ProjectConfig],
        github_bots: Callable[[], Sequence[str]],
        db: Database,
        clock: Clock,
        catalog: Catalog,
        poster: Poster,
    ) -> None:
        self.config = config  # the current section on each call, so reloads apply
        self.project = project
        self.github_bots = github_bots  # the GitHub section's bot accounts (none without one)
        self.db = db
        self.clock = clock
        self.catalog = catalog
        self.poster = poster

    @property
    def cfg(self) -> SpotlightConfig:
        return self.config()

    def now(self) -> datetime:
        return self.clock.now()

    def tr(self, locale: str | None = None) -> Translate:
        """Translate into ``locale`` (default: the project's language)."""
        return partial(self.catalog.translate, locale or self.project().locale)

    @property
    def project_timezone(self) -> str:
        return self.project().timezone

    def bot_logins(self) -> tuple[str, ...]:
        return tuple(self.github_bots()) + tuple(self.cfg.exclude_logins)

    def finder(self) -> CandidateFinder:
        cfg = self.cfg
        return CandidateFinder(
            CandidateRules(cfg.lookback_weeks, cfg.cooldown_months, cfg.not_now_cooldown, self.bot_logins())
        )

    async def run(self, inv: Invocation, work: Callable[[Session], T]) -> T:
        """``work`` in one transaction for ``inv``; a refusal naming a status names it by its label."""
        try:
            return await self.db.run(work)
        except flow.StatusRefusal as refusal:
            raise views.status_refusal(inv.t, refusal) from None

    async def notify_maintainers(self, key: str, **params: object) -> None:
        """A short notice in the maintainers' channel, in the project's language."""
        await self.poster.post(self.cfg.maintainer_channel, Message.text(self.tr()(key, **params)))

    async def ack_and_notify(
        self, inv: Invocation, reply_key: str, notice_key: str, interview: SpotlightInterview
    ) -> None:
        """Answer the contributor, then tell the maintainers what they did."""
        await inv.reply(inv.t(reply_key))
        await self.notify_maintainers(notice_key, name=interview.display_name, id=interview.id)

    async def final_text(self, interview_id: int) -> tuple[SpotlightInterview, list[Message]]:
        """The exact post, introduced and followed by the Approve / Request changes buttons."""

        def load(session: Session) -> tuple[SpotlightInterview, Document]:
            interview = flow.get_interview(session, interview_id)
            return interview, build_document(session, interview)

        interview, doc = await self.db.run(load)
        t = self.tr(interview.locale)
        messages = [Message.text(t("spotlight.final.intro"))]
        messages += render_post(doc, t, self.project_timezone)
        # The buttons name this exact text: approving it later approves nothing else.
        messages.append(views.final_approval_request(t, interview, text_version(doc)))
        return interview, messages

    async def send_final_text(self, interview_id: int) -> bool:
        """DM the contributor the final text to approve; False when the DM could not be delivered."""
        interview, messages = await self.final_text(interview_id)
        delivered = True
        for message in messages:
            delivered = await self.poster.dm_member(interview.member_id, message) and delivered
        return delivered

    def export_text(self, doc: Document) -> tuple[str, str]:
        """The blog file of ``doc`` and its file name."""
        blog = self.cfg.blog
        author = blog.author or doc.editor_name or self.project().name
        today = self.now().astimezone(ZoneInfo(self.project_timezone)).date()
        text = export_markdown(
            doc,
            author=author,
            category=blog.category,
            tags=list(blog.tags),
            t=self.tr(doc.locale),
            timezone=self.project_timezone,
            today=today,
            target=BlogTarget(self.cfg.export.target),
        )
        return text, export_filename(doc, export_day(doc, self.project_timezone, today))
