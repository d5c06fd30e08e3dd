"""Open good first issues that fit an onboarding step, from the synced GitHub tables.

A step names labels and areas; an issue fits when it carries one of those labels (or one mapped to
an area) and, where the good-first-issue board is loaded, one of the board's labels too, so every
suggestion can be claimed. A step that counts merged PRs in some repos only suggests their issues.

An issue another feature holds for someone (the good-first-issue board: an active claim, or a
reservation for the next person on its waitlist) is not suggested to a newcomer; the caller passes
those ids, read through the ``bot.core.held_issues`` port.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, func
from sqlmodel import Session, col, select

from bot.db.models import IssueLabel, Repo, TrackedIssue


@dataclass(frozen=True)
class IssueSuggestion:
    """One open issue to suggest."""

    repo: str
    number: int
    title: str
    url: str | None


@dataclass(frozen=True)
class StepIssues:
    """What fits a step: one of ``labels``, and one of ``newcomer`` (the board's labels; None when no
    feature lists issues for newcomers), in one of ``repos`` (any repo when empty)."""

    labels: list[str]
    newcomer: list[str] | None = None
    repos: list[str] | None = None


def _labelled(labels: Collection[str]) -> Select:
    folded = [label.lower() for label in labels]
    return select(IssueLabel.issue_id).where(func.lower(IssueLabel.name).in_(folded))


def matching_issues(
    session: Session, wanted: StepIssues, held: Collection[int] = (), limit: int = 5
) -> list[IssueSuggestion]:
    """Open, unassigned issues (not PRs) not in ``held`` that fit ``wanted`` (labels in any case),
    newest first."""
    if not wanted.labels or wanted.newcomer == []:
        return []
    query = (
        select(TrackedIssue, Repo.full_name)
        .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
        .where(
            TrackedIssue.state == "open",
            col(TrackedIssue.is_pull_request).is_(False),
            col(TrackedIssue.removed_at).is_(None),
            col(TrackedIssue.id).in_(_labelled(wanted.labels)),
        )
        .order_by(col(TrackedIssue.created_at).desc(), col(TrackedIssue.id).desc())
    )
    if wanted.newcomer is not None:
        query = query.where(col(TrackedIssue.id).in_(_labelled(wanted.newcomer)))
    if wanted.repos:
        query = query.where(col(Repo.full_name_lower).in_([repo.lower() for repo in wanted.repos]))
    found: list[IssueSuggestion] = []
    page, offset = max(limit * 4, 20), 0
    while len(found) < limit:
        # ``assignees`` is JSON, so "unassigned" is checked here rather than in portable SQL. Held
        # issues are left out here too: as NOT IN (thousands of claimed ids) the statement took
        # longer to bind and parse than to run.
        rows = session.exec(query.offset(offset).limit(page)).all()
        found += [
            IssueSuggestion(repo, issue.number, issue.title, issue.html_url)
            for issue, repo in rows
            if not issue.assignees and issue.id not in held
        ]
        if len(rows) < page:
            break
        offset += page
        page *= 2  # a board where most fitting issues are held needs few round trips
    return found[:limit]
