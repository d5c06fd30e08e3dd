"""The triage queue's wiring: GitHub events that fill and empty it, and its Ask-author button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.commands import action
from bot.core.errors import UserError
from bot.core.events import listener
from bot.core.github_events import (
    IssueAssigned,
    IssueClosed,
    IssueCommented,
    IssueLabeled,
    IssueOpened,
    IssueReopened,
    IssueUnlabeled,
    PullRequestOpened,
    PullRequestReviewed,
    RepoEvent,
)
from bot.core.invocation import Invocation
from cogs.oncall.service import OncallService
from cogs.oncall.triage import missing_sections

if TYPE_CHECKING:
    from bot.core.cog import Services


class TriageEvents:
    """Mixed into the on-call cog: the triage queue's GitHub listeners and the ``oncall_ask`` button."""

    service: OncallService
    services: Services

    @action("oncall_ask")
    async def ask_for_sections(self, inv: Invocation) -> None:
        svc, now = self.service, self.services.clock.now()
        repo, _, number_text = inv.value.rpartition("#")
        if not number_text.isdigit():
            raise UserError("core.error.stale_button")
        number = int(number_text)
        mine = svc.my_refs(inv.actor)
        if not mine and not inv.actor.is_maintainer:
            raise UserError("oncall.error.not_a_member")
        github = self.services.github
        if github is None:
            raise UserError("oncall.error.no_github")

        def load(session):  # type: ignore[no-untyped-def]
            item = next(
                (
                    i
                    for i in svc.triage().queue(session, None)
                    if i.repo.lower() == repo.lower() and i.number == number
                ),
                None,
            )
            if item is None:
                raise UserError("oncall.error.not_in_queue", ref=inv.value)
            return item

        item = await self.services.db.run(load)
        missing = item.missing_sections or tuple(missing_sections(None, svc.config.required_sections))
        locale = self.services.config.project.locale
        body = self.services.catalog.translate(
            locale,
            "oncall.github.ask_sections",
            author=item.author or "",
            sections="\n".join(f"- {s}" for s in missing),
        )
        await github.comment(
            item.repo,
            number,
            body,
            requested_by=inv.actor.member_id,
            dedupe_key=f"oncall-sections:{item.repo.lower()}#{number}",
            context={"feature": "oncall"},
        )
        await self.services.db.run(
            lambda s: svc.triage().mark(s, item.repo, number, item.opened_at, sections_requested_at=now)
        )
        await inv.reply(inv.t("oncall.queue.asked_reply", ref=inv.value))

    @listener(IssueOpened)
    async def on_opened(self, event: IssueOpened) -> None:
        await self.services.db.run(lambda s: self.service.triage().opened(s, event))

    @listener(PullRequestOpened)
    async def on_pr_opened(self, event: PullRequestOpened) -> None:
        await self.services.db.run(lambda s: self.service.triage().opened(s, event))

    async def _responded(self, event: RepoEvent) -> None:
        await self.services.db.run(lambda s: self.service.triage().responded(s, event))

    @listener(IssueLabeled)
    async def on_labeled(self, event: IssueLabeled) -> None:
        await self._responded(event)

    @listener(IssueUnlabeled)
    async def on_unlabeled(self, event: IssueUnlabeled) -> None:
        await self._responded(event)

    @listener(IssueCommented)
    async def on_commented(self, event: IssueCommented) -> None:
        await self._responded(event)

    @listener(IssueAssigned)
    async def on_assigned(self, event: IssueAssigned) -> None:
        await self._responded(event)

    @listener(IssueClosed)
    async def on_closed(self, event: IssueClosed) -> None:
        await self.services.db.run(lambda s: self.service.triage().state_changed(s, event))
        await self._responded(event)

    @listener(IssueReopened)
    async def on_reopened(self, event: IssueReopened) -> None:
        await self.services.db.run(lambda s: self.service.triage().state_changed(s, event))

    @listener(PullRequestReviewed)
    async def on_reviewed(self, event: PullRequestReviewed) -> None:
        await self._responded(event)
