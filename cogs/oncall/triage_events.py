"""The triage queue's wiring: GitHub events that fill and empty it, and its Ask-author button.

The button queues a GitHub comment (through the outbox, with a dedupe key so a double press comments
once) and marks the item as asked. When GitHub refuses the comment for good (a locked issue, lost
permissions), the outbox publishes GitHubActionFailed: the mark is cleared, the key moves on to a new
round so the button can ask again, and the person who pressed and the rotation channel are told.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.clock import Clock
from bot.core.commands import action
from bot.core.errors import UserError
from bot.core.events import listener
from bot.core.github_events import (
    GitHubActionFailed,
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
from bot.core.github_port import GitHubPort
from bot.core.invocation import Invocation
from bot.core.messages import Message
from bot.core.posting import Poster
from bot.db.database import Database
from bot.i18n import Catalog
from cogs.oncall.config import OncallConfig
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.sections import missing_sections
from cogs.oncall.shiftlife import channel_of
from cogs.oncall.triage import TriageAccess
from cogs.oncall.voices import Translate, Voices

ASK_ACTION = "ask_sections"
ASK_ROUND = "ask_round"  # in OncallTriage.extra: bumped by each refused ask, so a new one is queued


class TriageEvents:
    """The triage queue's GitHub listeners and the ``oncall_ask`` button."""

    def __init__(
        self,
        people: RotationPeople,
        triage: TriageAccess,
        config: Callable[[], OncallConfig],
        db: Database,
        clock: Clock,
        poster: Poster,
        github: Callable[[], GitHubPort | None],
        catalog: Catalog,
        voices: Voices,
    ) -> None:
        self.people = people
        self.triage = triage
        self.config = config
        self.db = db
        self.clock = clock
        self.poster = poster
        self.github = github  # asked on each use: the GitHub client is set up after the cogs
        self.catalog = catalog
        self.voices = voices  # the project's language for GitHub comments and channel notices

    def locale(self) -> str:
        """The project's language: GitHub comments are read by everyone."""
        return self.voices.project_reader().locale

    @action("oncall_ask")
    async def ask_for_sections(self, inv: Invocation) -> None:
        now = self.clock.now()
        repo, _, number_text = inv.value.rpartition("#")
        if not number_text.isdigit():
            raise UserError("core.error.stale_button")
        number = int(number_text)
        mine = self.people.my_refs(inv.actor)
        if not mine and not inv.actor.is_maintainer:
            raise UserError("oncall.error.not_a_member")
        github = self.github()
        if github is None:
            raise UserError("oncall.error.no_github")

        triage, recorder = self.triage.store(), self.triage.recorder()

        def load(session):  # type: ignore[no-untyped-def]
            item = next(
                (
                    i
                    for i in triage.queue(session, None)
                    if i.repo.lower() == repo.lower() and i.number == number
                ),
                None,
            )
            if item is None:
                raise UserError("oncall.error.not_in_queue", ref=inv.value)
            record = recorder.record(session, item.repo, number)
            ask_round = record.extra.get(ASK_ROUND, "0") if record is not None else "0"
            # Marked before the comment is queued: a refusal can come back before this handler ends,
            # and it must find the mark to clear.
            recorder.mark(session, item.repo, number, item.opened_at, sections_requested_at=now)
            return item, ask_round

        item, ask_round = await self.db.run(load)
        missing = item.missing_sections or tuple(missing_sections(None, self.config().required_sections))
        locale = self.locale()
        body = self.catalog.translate(
            locale,
            "oncall.github.ask_sections",
            author=item.author or "",
            sections="\n".join(f"- {s}" for s in missing),
        )
        key = f"oncall-sections:{item.repo.lower()}#{number}"
        try:
            await github.comment(
                item.repo,
                number,
                body,
                requested_by=inv.actor.member_id,
                # Round 0 keeps the key earlier versions used, so an item asked before an upgrade
                # is not asked twice.
                dedupe_key=key if ask_round == "0" else f"{key}:{ask_round}",
                context={"feature": "oncall", "oncall_action": ASK_ACTION, "oncall_round": ask_round},
            )
        except Exception:
            await self.db.run(
                lambda s: recorder.mark(s, item.repo, number, item.opened_at, sections_requested_at=None)
            )
            raise
        await inv.reply(inv.t("oncall.queue.asked_reply", ref=inv.value))

    @listener(GitHubActionFailed)
    async def on_github_action_failed(self, event: GitHubActionFailed) -> None:
        # The cog's only comment is the ask (asks queued by earlier versions carry no oncall_action).
        if event.context.get("feature") != "oncall" or event.kind != "comment":
            return
        if event.context.get("oncall_action", ASK_ACTION) != ASK_ACTION:
            return
        asked_round = event.context.get("oncall_round", "0")
        recorder = self.triage.recorder()

        def reopen(session):  # type: ignore[no-untyped-def]
            row = recorder.record(session, event.repo, event.number)
            if row is None or row.extra.get(ASK_ROUND, "0") != asked_round:
                return None  # this refusal was handled already (a repeated event)
            row.sections_requested_at = None
            row.extra = {**row.extra, ASK_ROUND: str(int(asked_round) + 1)}
            session.add(row)
            return (row.rotation or "",)

        reopened = await self.db.run(reopen)
        if reopened is None:
            return
        await self._tell_ask_failed(event, reopened[0])

    async def _tell_ask_failed(self, event: GitHubActionFailed, rotation: str) -> None:
        period = f"outbox:{event.outbox_id}"
        has_text = self.catalog.has(f"github.action_failed.{event.reason}")
        if event.requested_by_member_id is not None:
            t = await self.voices.member(event.requested_by_member_id)
            await self.poster.dm_member_once(
                "oncall_ask_failed", period, event.requested_by_member_id, _ask_failed(t, event, has_text)
            )
        # The rotation sees it too: the next person on call inherits the item.
        known = {r.name: r for r in self.config().rotations}
        channel = known[rotation].channel if rotation in known else None
        message = _ask_failed(self.voices.project(), event, has_text)
        await self.poster.post_once("oncall_ask_failed", period, channel_of(channel), message)

    @listener(IssueOpened)
    async def on_opened(self, event: IssueOpened) -> None:
        await self.db.run(lambda s: self.triage.recorder().opened(s, event))

    @listener(PullRequestOpened)
    async def on_pr_opened(self, event: PullRequestOpened) -> None:
        await self.db.run(lambda s: self.triage.recorder().opened(s, event))

    async def _responded(self, event: RepoEvent) -> None:
        await self.db.run(lambda s: self.triage.recorder().responded(s, event))

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
        await self.db.run(lambda s: self.triage.recorder().state_changed(s, event))
        await self._responded(event)

    @listener(IssueReopened)
    async def on_reopened(self, event: IssueReopened) -> None:
        await self.db.run(lambda s: self.triage.recorder().state_changed(s, event))

    @listener(PullRequestReviewed)
    async def on_reviewed(self, event: PullRequestReviewed) -> None:
        await self._responded(event)


def _ask_failed(t: Translate, event: GitHubActionFailed, known_reason: bool) -> Message:
    """What failed and why, in ``t``'s language; a reason code without a text is never shown raw."""
    reason = t("oncall.queue.ask_failed_reason")
    if known_reason:
        reason = t(
            f"github.action_failed.{event.reason}",
            repo=event.repo,
            number=event.number,
            action=t("github.action.comment"),
            login="",
        )
    ref = f"{event.repo}#{event.number}"
    return Message.text(t("oncall.queue.ask_failed", ref=ref, reason=reason))
