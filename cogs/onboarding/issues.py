"""Open good first issues that fit an onboarding step, from the synced GitHub tables.

An issue another feature holds for someone (the good-first-issue board: an active claim, or a
reservation for the next person on its waitlist) is not suggested to a newcomer; the caller passes
those ids, read through the ``bot.core.held_issues`` port.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db.models import IssueLabel, Repo, TrackedIssue


@dataclass(frozen=True)
class IssueSuggestion:
    """One open issue to suggest."""

    repo: str
    number: int
    title: str
    url: str | None


def matching_issues(
    session: Session, labels: list[str], held: Collection[int] = (), limit: int = 5
) -> list[IssueSuggestion]:
    """Open, unassigned issues (not PRs) not in ``held``, carrying one of ``labels`` (any case), newest
    first."""
    if not labels:
        return []
    folded = [label.lower() for label in labels]
    labelled = select(IssueLabel.issue_id).where(func.lower(IssueLabel.name).in_(folded))
    query = (
        select(TrackedIssue, Repo.full_name)
        .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
        .where(
            TrackedIssue.state == "open",
            col(TrackedIssue.is_pull_request).is_(False),
            col(TrackedIssue.removed_at).is_(None),
            col(TrackedIssue.id).in_(labelled),
        )
        .order_by(col(TrackedIssue.created_at).desc(), col(TrackedIssue.id).desc())
    )
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
