"""Repository events as the core sees them, whether they came from a webhook or a poll.

``bot/github`` publishes these on the bus after the database upsert; cogs listen to them. Each
carries ``repo`` ("owner/name"), ``number`` and ``at`` (when it happened on GitHub, aware UTC).
``delivery`` is the webhook delivery id, or None when a poll noticed the change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.events import Event


@dataclass(frozen=True)
class RepoEvent(Event):
    """Something happened to issue/PR ``number`` of ``repo``."""

    repo: str
    number: int
    at: datetime
    actor_login: str | None = None  # who did it on GitHub
    actor_is_maintainer: bool = False
    actor_is_bot: bool = False
    is_pull_request: bool = False
    delivery: str | None = None


@dataclass(frozen=True)
class IssueOpened(RepoEvent):
    """A new issue (or PR, see PullRequestOpened) was opened."""

    title: str = ""
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssueLabeled(RepoEvent):
    """A label was added."""

    label: str = ""


@dataclass(frozen=True)
class IssueUnlabeled(RepoEvent):
    """A label was removed."""

    label: str = ""


@dataclass(frozen=True)
class IssueClosed(RepoEvent):
    """Closed (``state_reason``: completed, not_planned, ...)."""

    state_reason: str | None = None


@dataclass(frozen=True)
class IssueReopened(RepoEvent):
    """Reopened."""


@dataclass(frozen=True)
class IssueAssigned(RepoEvent):
    """Someone was assigned."""

    assignee: str = ""


@dataclass(frozen=True)
class IssueUnassigned(RepoEvent):
    """Someone was unassigned."""

    assignee: str = ""


@dataclass(frozen=True)
class IssueCommented(RepoEvent):
    """A comment; flags say whether the commenter is a maintainer, a bot or the item's author."""

    comment_id: int = 0
    commenter_is_author: bool = False
    body_excerpt: str = ""


@dataclass(frozen=True)
class PullRequestOpened(RepoEvent):
    """A pull request was opened; ``linked_issues`` are the numbers it says it fixes."""

    author_login: str = ""
    linked_issues: tuple[int, ...] = ()
    draft: bool = False


@dataclass(frozen=True)
class PullRequestMerged(RepoEvent):
    """A pull request was merged; ``first_contribution`` when it is the author's first merged PR here."""

    author_login: str = ""
    linked_issues: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    first_contribution: bool = False


@dataclass(frozen=True)
class PullRequestReviewed(RepoEvent):
    """A review was submitted (state: approved, changes_requested, commented)."""

    state: str = ""


@dataclass(frozen=True)
class IssueRemoved(RepoEvent):
    """A reconcile found the item deleted or transferred away."""


@dataclass(frozen=True)
class GitHubActionFailed(Event):
    """A queued GitHub write (comment, assignment, label) is impossible; tell whoever asked."""

    outbox_id: int
    kind: str
    repo: str
    number: int
    reason: str
    requested_by_member_id: int | None = None
    context: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GitHubActionDone(Event):
    """A queued GitHub write succeeded (possibly after retries)."""

    outbox_id: int
    kind: str
    repo: str
    number: int
    requested_by_member_id: int | None = None
    context: dict[str, str] = field(default_factory=dict)
