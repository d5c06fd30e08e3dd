"""/onboard next, done, progress and stats, and the buttons of a step: working through a path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session

from bot.core.arguments import UserRef
from bot.core.commands import Access, Option, OptionType, action, command
from bot.core.errors import PermissionDenied, UserError
from bot.core.invocation import Invocation
from bot.core.messages import Message, Section
from bot.core.people import PersonResolver
from bot.core.posting import Poster
from bot.db.database import Database
from cogs.onboarding import views
from cogs.onboarding.funnel import compute_funnel
from cogs.onboarding.models import Enrollment
from cogs.onboarding.paths import find_path
from cogs.onboarding.progress import Advance, PendingReport, done_steps, latest_enrollment
from cogs.onboarding.service import OnboardingService, member_of


def button_id(value: str) -> int:
    """The number a button carries; anything else is a button from an older message."""
    try:
        return int(value)
    except ValueError:
        raise UserError("core.error.stale_button") from None


class StepCommands:
    """The current step, reporting it done, maintainers' confirmations, progress and the funnel."""

    def __init__(
        self,
        service: OnboardingService,
        db: Database,
        poster: Poster,
        people: Callable[[], PersonResolver],
    ) -> None:
        self.service = service
        self.db = db
        self.poster = poster
        self.people = people

    @command("onboard next", "onboarding.next.description")
    async def next_step(self, inv: Invocation) -> None:
        await self._next(inv)

    @action(views.NEXT)
    async def next_button(self, inv: Invocation) -> None:
        await self._next(inv)

    async def _next(self, inv: Invocation) -> None:
        member_id = member_of(inv)
        now = self.service.now()

        def load(session: Session) -> tuple[Enrollment | None, Advance | None, bool]:
            progress = self.service.progress()
            row = progress.active(session, member_id)
            if row is None or row.id is None:
                return row, None, False
            waiting = any(
                not d.confirmed and d.step_index == row.step_index for d in done_steps(session, row.id)
            )
            return row, progress.check(session, row, now), waiting

        row, advance, waiting = await self.db.run(load)
        if row is None:
            msg = views.paths_list(inv.t, inv.locale, self.service.cfg.paths)
            msg.blocks.insert(0, Section(inv.t("onboarding.next.no_path")))
            await inv.reply(msg)
            return
        if advance is not None:
            await self.service.tell(advance, inv)
            return
        path = find_path(self.service.cfg, row.path_id)
        if path is None or row.step_index >= len(path.steps):
            raise UserError("onboarding.error.path_gone", path=row.path_id)
        view = await self.service.step_view(
            inv.t, inv.locale, path, row.step_index, member_id, waiting=waiting
        )
        await inv.reply(view)

    @command("onboard done", "onboarding.done.description")
    async def done(self, inv: Invocation) -> None:
        await self._done(inv)

    @action(views.DONE)
    async def done_button(self, inv: Invocation) -> None:
        await self._done(inv)

    async def _done(self, inv: Invocation) -> None:
        member_id = member_of(inv)
        now = self.service.now()
        outcome = await self.db.run(lambda s: self.service.progress().self_report(s, member_id, now))
        if isinstance(outcome, Advance):
            await self.service.tell(outcome, inv)
            return
        await self._ask_maintainers(inv, outcome)

    async def _ask_maintainers(self, inv: Invocation, report: PendingReport) -> None:
        path = find_path(self.service.cfg, report.path_id)
        assert path is not None
        step = next(s for s in path.steps if s.id == report.step_id)
        locale = self.service.project_locale()
        message = views.confirm_request(
            self.service.tr(locale), locale, inv.actor.display_name, path, step, report.report_id
        )
        await self.poster.post(self.service.cfg.maintainer_channel, message)
        await inv.reply(inv.t("onboarding.done.sent_for_confirmation"))

    @action(views.CONFIRM, access=Access.MAINTAINERS)
    async def confirm(self, inv: Invocation) -> None:
        report_id = button_id(inv.value)
        now = self.service.now()
        advance = await self.db.run(lambda s: self.service.progress().confirm(s, report_id, now))
        await inv.reply(
            inv.t("onboarding.confirm.finished" if advance.finished else "onboarding.confirm.confirmed")
        )
        await self.service.tell(advance)

    @action(views.REJECT, access=Access.MAINTAINERS)
    async def reject(self, inv: Invocation) -> None:
        report = await self.db.run(lambda s: self.service.progress().reject(s, button_id(inv.value)))
        await inv.reply(inv.t("onboarding.confirm.rejected"))
        info = await self.service.member_info(report.member_id)
        t = self.service.tr(self.service.locale_of(info))
        await self.poster.dm_member(report.member_id, Message.text(t("onboarding.confirm.rejected_dm")))

    @command(
        "onboard progress",
        "onboarding.progress.description",
        Option("member", "onboarding.option.member", OptionType.USER, required=False),
    )
    async def show_progress(self, inv: Invocation, member: UserRef | None = None) -> None:
        member_id = member_of(inv)
        if member is not None:
            now = self.service.now()
            found, _ = await self.db.run(lambda s: self.people().member(s, inv.platform, member, now))
            if found != member_id and not inv.actor.is_maintainer:
                raise PermissionDenied("onboarding.error.progress_of_others")
            member_id = found
        info = await self.service.member_info(member_id)
        latest = await self.db.run(latest_enrollment, member_id)
        name = info.display_name if info else inv.actor.display_name
        if latest is None:
            await inv.reply(inv.t("onboarding.progress.none", name=name))
            return
        row, done = latest
        path = find_path(self.service.cfg, row.path_id)
        if path is None:
            raise UserError("onboarding.error.path_gone", path=row.path_id)
        view = views.progress_view(inv.t, inv.locale, name, path, row.status, row.step_index, done)
        await inv.reply(view)

    @command(
        "onboard stats",
        "onboarding.stats.description",
        Option(
            "days", "onboarding.option.days", OptionType.INTEGER, required=False, min_value=1, max_value=3650
        ),
        access=Access.MAINTAINERS,
    )
    async def stats(self, inv: Invocation, days: int | None = None) -> None:
        now = self.service.now()
        since = now - timedelta(days=days) if days else None
        longest = max((len(p.steps) for p in self.service.cfg.paths), default=0)
        stages = await self.db.run(compute_funnel, since, now, longest)
        await inv.reply(views.funnel_view(inv.t, stages, days))
