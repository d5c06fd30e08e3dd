"""Turn the before/after of one issue upsert into core events, the same way for webhooks and polls.

Because events come from what the upsert actually changed, a change delivered twice (webhook, then
the poll that sees the same state) yields its events once: the second upsert changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.core.events import Event
from bot.core.github_events import (
    IssueAssigned,
    IssueClosed,
    IssueLabeled,
    IssueOpened,
    IssueReopened,
    IssueUnassigned,
    IssueUnlabeled,
    PullRequestMerged,
    PullRequestOpened,
)

# author_association values meaning "has contributed to this repo before".
EXPERIENCED = frozenset({"CONTRIBUTOR", "COLLABORATOR", "MEMBER", "OWNER"})


class IssueFacts(Protocol):
    """What events are derived from: a stored issue (an ORM row or a plain `IssueRow`)."""

    @property
    def number(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def state_reason(self) -> str | None: ...
    @property
    def is_pull_request(self) -> bool: ...
    @property
    def draft(self) -> bool: ...
    @property
    def author_login(self) -> str | None: ...
    @property
    def assignees(self) -> list[str]: ...
    @property
    def linked_numbers(self) -> list[int]: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def closed_at(self) -> datetime | None: ...
    @property
    def merged_at(self) -> datetime | None: ...
    @property
    def merged(self) -> bool: ...


@dataclass(frozen=True)
class IssueState:
    """The parts of an issue whose changes are events."""

    state: str
    merged: bool
    labels: frozenset[str]
    assignees: frozenset[str]

    @classmethod
    def of(cls, issue: IssueFacts, labels: Iterable[str]) -> IssueState:
        return cls(issue.state, issue.merged, frozenset(labels), frozenset(issue.assignees))


@dataclass(frozen=True)
class Source:
    """Who caused a change and how we heard of it (a webhook delivery, or a poll: all None)."""

    delivery: str | None = None
    actor_login: str | None = None
    actor_is_maintainer: bool = False
    actor_is_bot: bool = False
    # Polls only: items first seen now count as "opened" when created after this instant.
    opened_after: datetime | None = None
    # A first sync's silent import: nothing it stores is news, so no events are derived at all.
    baseline: bool = False


def derive_events(
    repo: str,
    issue: IssueFacts,
    before: IssueState | None,
    after: IssueState,
    source: Source,
    *,
    first_contribution: bool = False,
) -> list[Event]:
    """The events that explain going from `before` (None: not stored yet) to `after`."""
    common: dict[str, Any] = {
        "repo": repo,
        "number": issue.number,
        "actor_login": source.actor_login,
        "actor_is_maintainer": source.actor_is_maintainer,
        "actor_is_bot": source.actor_is_bot,
        "is_pull_request": issue.is_pull_request,
        "delivery": source.delivery,
    }
    events: list[Event] = []
    if before is None:
        is_new = source.opened_after is None or issue.created_at >= source.opened_after
        if is_new:
            events.append(_opened(issue, after, common))
            before = IssueState("open", False, after.labels, after.assignees)
        else:
            # First sight of an older item: only a close/merge since the last poll is news.
            recent = (
                source.opened_after is not None
                and (issue.closed_at or issue.created_at) >= source.opened_after
            )
            if after.state == "closed" and recent:
                before = IssueState("open", False, after.labels, after.assignees)
            else:
                return events
    at = issue.updated_at
    for label in sorted(after.labels - before.labels):
        events.append(IssueLabeled(at=at, label=label, **common))
    for label in sorted(before.labels - after.labels):
        events.append(IssueUnlabeled(at=at, label=label, **common))
    for login in sorted(after.assignees - before.assignees):
        events.append(IssueAssigned(at=at, assignee=login, **common))
    for login in sorted(before.assignees - after.assignees):
        events.append(IssueUnassigned(at=at, assignee=login, **common))
    if after.merged and not before.merged:
        events.append(
            PullRequestMerged(
                at=issue.merged_at or at,
                author_login=issue.author_login or "",
                linked_issues=tuple(issue.linked_numbers),
                labels=tuple(sorted(after.labels)),
                first_contribution=first_contribution,
                **common,
            )
        )
    elif after.state == "closed" and before.state != "closed":
        events.append(IssueClosed(at=issue.closed_at or at, state_reason=issue.state_reason, **common))
    elif after.state == "open" and before.state == "closed":
        events.append(IssueReopened(at=at, **common))
    return events


def _opened(issue: IssueFacts, after: IssueState, common: dict[str, Any]) -> Event:
    if issue.is_pull_request:
        return PullRequestOpened(
            at=issue.created_at,
            author_login=issue.author_login or "",
            linked_issues=tuple(issue.linked_numbers),
            draft=issue.draft,
            **common,
        )
    return IssueOpened(
        at=issue.created_at,
        title=issue.title,
        labels=tuple(sorted(after.labels)),
        **common,
    )
