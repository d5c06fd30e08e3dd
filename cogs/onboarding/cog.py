"""Wiring of /onboard: commands and buttons; greetings, GitHub progress and jobs live in ``events.py``."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.core.arguments import UserRef
from bot.core.commands import Access, Choice, Option, OptionType, action, autocomplete, command
from bot.core.errors import PermissionDenied, UserError
from bot.core.invocation import Invocation
from bot.core.messages import Message, Section
from cogs.onboarding import views
from cogs.onboarding.access import path_groups
from cogs.onboarding.events import OnboardingEvents
from cogs.onboarding.funnel import compute_funnel
from cogs.onboarding.models import Enrollment
from cogs.onboarding.paths import find_path
from cogs.onboarding.progress import Advance, PendingReport, latest_enrollment

PATH_OPTION = Option("path", "onboarding.option.path", autocomplete="onboarding_path")


class OnboardingCog(OnboardingEvents):
    """Newcomer onboarding: greetings, paths, progress from GitHub, nudges and the funnel."""

    @command("onboard paths", "onboarding.paths.description")
    async def paths(self, inv: Invocation) -> None:
        await inv.reply(views.paths_list(inv.t, inv.locale, self.cfg.paths))

    @command(
        "onboard start",
        "onboarding.start.description",
        PATH_OPTION,
        Option("announce", "onboarding.option.announce", OptionType.BOOLEAN, required=False),
    )
    async def start_path(self, inv: Invocation, path: str, announce: bool | None = None) -> None:
        await self._start(inv, path, True if announce is None else announce)

    @action(views.START)
    async def start_button(self, inv: Invocation) -> None:
        await self._start(inv, inv.value, True)

    async def _start(self, inv: Invocation, path_id: str, announce: bool) -> None:
        member_id = self._member(inv)
        now = self.now()

        def start(session: Session) -> tuple[Enrollment, Advance | None, str | None]:
            current = self.progress().active(session, member_id)
            row, advance = self.progress().start(session, member_id, path_id, announce, now)
            return row, advance, current.path_id if current is not None else None

        row, advance, left_id = await self.services.db.run(start)
        path = find_path(self.cfg, row.path_id)
        assert path is not None and row.id is not None
        left = find_path(self.cfg, left_id) if left_id is not None else None
        failed = await self.join_path_groups(row.id, member_id, path, left, now)
        lead = inv.t("onboarding.start.started", path=path.title.get(inv.locale))
        if failed:
            lead += " " + self.access_note(inv.t, failed)
        if advance is not None:
            lead += " " + views.congratulations(inv.t, inv.locale, path, advance.completed)
        if row.status == "finished":
            await inv.reply(Message.text(lead))
            if advance is not None:
                await self.tell(advance, inv=None)
            return
        await inv.reply(await self.step_view(inv.t, inv.locale, path, row.step_index, lead))

    @autocomplete("onboarding_path")
    async def complete_path(self, inv: Invocation, partial: str) -> list[Choice]:
        low = partial.lower()
        return [
            Choice(p.id, p.title.get(inv.locale)[:100])
            for p in self.cfg.paths
            if low in p.id.lower() or low in p.title.get(inv.locale).lower()
        ]

    @command("onboard next", "onboarding.next.description")
    async def next_step(self, inv: Invocation) -> None:
        await self._next(inv)

    @action(views.NEXT)
    async def next_button(self, inv: Invocation) -> None:
        await self._next(inv)

    async def _next(self, inv: Invocation) -> None:
        member_id = self._member(inv)
        now = self.now()

        def load(session: Session) -> tuple[Enrollment | None, Advance | None]:
            progress = self.progress()
            row = progress.active(session, member_id)
            return row, progress.check(session, row, now) if row is not None else None

        row, advance = await self.services.db.run(load)
        if row is None:
            msg = views.paths_list(inv.t, inv.locale, self.cfg.paths)
            msg.blocks.insert(0, Section(inv.t("onboarding.next.no_path")))
            await inv.reply(msg)
            return
        if advance is not None:
            await self.tell(advance, inv)
            return
        path = find_path(self.cfg, row.path_id)
        if path is None or row.step_index >= len(path.steps):
            raise UserError("onboarding.error.path_gone", path=row.path_id)
        await inv.reply(await self.step_view(inv.t, inv.locale, path, row.step_index))

    @command("onboard done", "onboarding.done.description")
    async def done(self, inv: Invocation) -> None:
        await self._done(inv)

    @action(views.DONE)
    async def done_button(self, inv: Invocation) -> None:
        await self._done(inv)

    async def _done(self, inv: Invocation) -> None:
        member_id = self._member(inv)
        now = self.now()
        outcome = await self.services.db.run(lambda s: self.progress().self_report(s, member_id, now))
        if isinstance(outcome, Advance):
            await self.tell(outcome, inv)
            return
        await self._ask_maintainers(inv, outcome)

    async def _ask_maintainers(self, inv: Invocation, report: PendingReport) -> None:
        path = find_path(self.cfg, report.path_id)
        assert path is not None
        step = next(s for s in path.steps if s.id == report.step_id)
        locale = self.project_locale()
        message = views.confirm_request(
            self.tr(locale), locale, inv.actor.display_name, path, step, report.report_id
        )
        await self.services.poster.post(self.cfg.maintainer_channel, message)
        await inv.reply(inv.t("onboarding.done.sent_for_confirmation"))

    @action(views.CONFIRM, access=Access.MAINTAINERS)
    async def confirm(self, inv: Invocation) -> None:
        report_id = _int(inv.value)
        now = self.now()
        advance = await self.services.db.run(lambda s: self.progress().confirm(s, report_id, now))
        await inv.reply(inv.t("onboarding.confirm.confirmed"))
        await self.tell(advance)

    @action(views.REJECT, access=Access.MAINTAINERS)
    async def reject(self, inv: Invocation) -> None:
        report = await self.services.db.run(lambda s: self.progress().reject(s, _int(inv.value)))
        await inv.reply(inv.t("onboarding.confirm.rejected"))
        info = await self.member_info(report.member_id)
        t = self.tr(self.locale_of(info))
        await self.services.poster.dm_member(
            report.member_id, Message.text(t("onboarding.confirm.rejected_dm"))
        )

    @command(
        "onboard progress",
        "onboarding.progress.description",
        Option("member", "onboarding.option.member", OptionType.USER, required=False),
    )
    async def show_progress(self, inv: Invocation, member: UserRef | None = None) -> None:
        member_id = self._member(inv)
        if member is not None:
            now = self.now()
            found, _ = await self.services.db.run(
                lambda s: self.services.people.member(s, inv.platform, member, now)
            )
            if found != member_id and not inv.actor.is_maintainer:
                raise PermissionDenied("onboarding.error.progress_of_others")
            member_id = found
        info = await self.member_info(member_id)
        latest = await self.services.db.run(latest_enrollment, member_id)
        name = info.display_name if info else inv.actor.display_name
        if latest is None:
            await inv.reply(inv.t("onboarding.progress.none", name=name))
            return
        row, done = latest
        path = find_path(self.cfg, row.path_id)
        if path is None:
            raise UserError("onboarding.error.path_gone", path=row.path_id)
        await inv.reply(
            views.progress_view(inv.t, inv.locale, name, path, row.status, row.step_index, done, self.day)
        )

    @command("onboard stop", "onboarding.stop.description")
    async def stop_path(self, inv: Invocation) -> None:
        member_id = self._member(inv)
        now = self.now()
        row = await self.services.db.run(lambda s: self.progress().stop(s, member_id, now))
        path = find_path(self.cfg, row.path_id)
        await self.leave_path_groups(member_id, path_groups(path), path)
        title = path.title.get(inv.locale) if path else row.path_id
        await inv.reply(inv.t("onboarding.stop.done", path=title))

    @action(views.STOP_REMINDERS)
    async def quiet(self, inv: Invocation) -> None:
        member_id = self._member(inv)
        enrollment_id = _int(inv.value)
        await self.services.db.run(lambda s: self.progress().stop_reminders(s, enrollment_id, member_id))
        await inv.reply(inv.t("onboarding.nudge.stopped"))

    @command(
        "onboard stats",
        "onboarding.stats.description",
        Option("days", "onboarding.option.days", OptionType.INTEGER, required=False, min_value=1),
        access=Access.MAINTAINERS,
    )
    async def stats(self, inv: Invocation, days: int | None = None) -> None:
        now = self.now()
        since = now - timedelta(days=days) if days else None
        longest = max((len(p.steps) for p in self.cfg.paths), default=0)
        stages = await self.services.db.run(compute_funnel, since, now, longest)
        await inv.reply(views.funnel_view(inv.t, stages, days))

    @staticmethod
    def _member(inv: Invocation) -> int:
        if inv.actor.member_id is None:
            raise UserError("onboarding.error.unknown_member", name=inv.actor.display_name)
        return inv.actor.member_id


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise UserError("core.error.stale_button") from None
