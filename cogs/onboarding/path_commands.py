"""/onboard paths, start and stop, the path buttons, and turning reminders off: choosing a path."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.commands import Choice, Option, OptionType, action, autocomplete, command
from bot.core.errors import UserError
from bot.core.invocation import Invocation
from bot.core.messages import Message
from bot.db.database import Database
from cogs.onboarding import views
from cogs.onboarding.access import path_groups
from cogs.onboarding.models import Enrollment
from cogs.onboarding.paths import find_path
from cogs.onboarding.progress import Advance, AlreadyOnPath
from cogs.onboarding.service import OnboardingService, member_of
from cogs.onboarding.step_commands import button_id

PATH_OPTION = Option("path", "onboarding.option.path", autocomplete="onboarding_path")


class PathCommands:
    """Listing, starting and leaving onboarding paths."""

    def __init__(self, service: OnboardingService, db: Database) -> None:
        self.service = service
        self.db = db

    @command("onboard paths", "onboarding.paths.description")
    async def paths(self, inv: Invocation) -> None:
        await inv.reply(views.paths_list(inv.t, inv.locale, self.service.cfg.paths))

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
        member_id = member_of(inv)
        now = self.service.now()

        def start(session: Session) -> tuple[Enrollment, Advance | None, str | None]:
            current = self.service.progress().active(session, member_id)
            row, advance = self.service.progress().start(session, member_id, path_id, announce, now)
            return row, advance, current.path_id if current is not None else None

        try:
            row, advance, left_id = await self.db.run(start)
        except AlreadyOnPath as exc:
            raise UserError("onboarding.error.already_on_path", path=exc.path.title.get(inv.locale)) from None
        path = find_path(self.service.cfg, row.path_id)
        assert path is not None and row.id is not None
        left = find_path(self.service.cfg, left_id) if left_id is not None else None
        failed = await self.service.join_path_groups(row.id, member_id, path, left, now)
        lead = inv.t("onboarding.start.started", path=path.title.get(inv.locale))
        if failed:
            lead += " " + self.service.access_note(inv.t, failed)
        if advance is not None:
            lead += " " + views.congratulations(inv.t, inv.locale, path, advance.completed)
        if row.status == "finished":
            await inv.reply(Message.text(lead))
            if advance is not None:
                await self.service.tell(advance, inv=None)
            return
        await inv.reply(
            await self.service.step_view(inv.t, inv.locale, path, row.step_index, member_id, lead)
        )

    @autocomplete("onboarding_path")
    async def complete_path(self, inv: Invocation, partial: str) -> list[Choice]:
        low = partial.lower()
        return [
            Choice(p.id, p.title.get(inv.locale)[:100])
            for p in self.service.cfg.paths
            if low in p.id.lower() or low in p.title.get(inv.locale).lower()
        ]

    @command("onboard stop", "onboarding.stop.description")
    async def stop_path(self, inv: Invocation) -> None:
        member_id = member_of(inv)
        now = self.service.now()
        row = await self.db.run(lambda s: self.service.progress().stop(s, member_id, now))
        path = find_path(self.service.cfg, row.path_id)
        await self.service.leave_path_groups(member_id, path_groups(path), path)
        title = path.title.get(inv.locale) if path else row.path_id
        await inv.reply(inv.t("onboarding.stop.done", path=title))

    @action(views.STOP_REMINDERS)
    async def quiet(self, inv: Invocation) -> None:
        member_id = member_of(inv)
        enrollment_id = button_id(inv.value)
        await self.db.run(lambda s: self.service.progress().stop_reminders(s, enrollment_id, member_id))
        await inv.reply(inv.t("onboarding.nudge.stopped"))
