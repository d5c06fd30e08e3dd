"""What the board hears without a command: GitHub's issue and pull-request events, the outcome of its
GitHub writes, and account links made with /steward link."""

from __future__ import annotations

from bot.core.community_events import GitHubLinked, GitHubUnlinked
from bot.core.events import listener
from bot.core.github_events import (
    GitHubActionDone,
    GitHubActionFailed,
    IssueAssigned,
    IssueClosed,
    IssueCommented,
    IssueLabeled,
    IssueOpened,
    IssueRemoved,
    PullRequestMerged,
    PullRequestOpened,
)
from bot.db.database import Database
from cogs.good_first_issues.announcements import Announcer
from cogs.good_first_issues.claims import follow_link
from cogs.good_first_issues.lifecycle import ClaimLifecycle
from cogs.good_first_issues.service import GfiService


class BoardEvents:
    """Queues newly labelled issues for announcement and hands claim-related events to the lifecycle."""

    def __init__(
        self, service: GfiService, announcer: Announcer, lifecycle: ClaimLifecycle, db: Database
    ) -> None:
        self.service = service
        self.announcer = announcer
        self.lifecycle = lifecycle
        self.db = db

    @listener(IssueLabeled)
    async def on_labeled(self, ev: IssueLabeled) -> None:
        labels = self.service.rules.repo_labels.get(ev.repo.lower(), frozenset())
        if not ev.is_pull_request and ev.label.casefold() in labels:
            await self.announcer.queue(ev.repo, ev.number, ev.at)

    @listener(IssueOpened)
    async def on_opened(self, ev: IssueOpened) -> None:
        labels = self.service.rules.repo_labels.get(ev.repo.lower(), frozenset())
        if not ev.is_pull_request and any(label.casefold() in labels for label in ev.labels):
            await self.announcer.queue(ev.repo, ev.number, ev.at)

    @listener(IssueClosed)
    async def on_closed(self, ev: IssueClosed) -> None:
        await self.lifecycle.on_closed(ev)

    @listener(IssueRemoved)
    async def on_removed(self, ev: IssueRemoved) -> None:
        await self.lifecycle.on_removed(ev)

    @listener(IssueAssigned)
    async def on_assigned(self, ev: IssueAssigned) -> None:
        await self.lifecycle.on_assigned(ev)

    @listener(IssueCommented)
    async def on_commented(self, ev: IssueCommented) -> None:
        await self.lifecycle.on_commented(ev)

    @listener(PullRequestOpened)
    async def on_pr_opened(self, ev: PullRequestOpened) -> None:
        await self.lifecycle.on_pr_opened(ev)

    @listener(PullRequestMerged)
    async def on_merged(self, ev: PullRequestMerged) -> None:
        await self.lifecycle.on_merged(ev)

    @listener(GitHubActionDone)
    async def on_action_done(self, ev: GitHubActionDone) -> None:
        await self.lifecycle.on_action_done(ev)

    @listener(GitHubActionFailed)
    async def on_action_failed(self, ev: GitHubActionFailed) -> None:
        await self.lifecycle.on_action_failed(ev)

    # -- account links (made by /steward link) -----------------------------
    @listener(GitHubLinked)
    async def on_linked(self, ev: GitHubLinked) -> None:
        await self.db.run(lambda s: follow_link(s, ev.member_id, ev.login))

    @listener(GitHubUnlinked)
    async def on_unlinked(self, ev: GitHubUnlinked) -> None:
        await self.db.run(lambda s: follow_link(s, ev.member_id, None))
