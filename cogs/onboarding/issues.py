"""Open good first issues that fit an onboarding step, from the synced GitHub tables.

Onboarding builds on the good-first-issue feature: an issue someone has claimed there (an active
claim sets ``gfi_claim.open_issue_id``) is not suggested to a newcomer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.good_first_issues.models import GfiClaim


@dataclass(frozen=True)
class IssueSuggestion:
    """One open issue to suggest."""

    repo: str
    number: int
    title: str
    url: str | None


def matching_issues(session: Session, labels: list[str], limit: int = 5) -> list[IssueSuggestion]:
    """Open, unassigned, unclaimed issues (not PRs) carrying one of ``labels`` (any case), newest first."""
    if not labels:
        return []
    folded = [label.lower() for label in labels]
    labelled = select(IssueLabel.issue_id).where(func.lower(IssueLabel.name).in_(folded))
    claimed = select(GfiClaim.open_issue_id).where(col(GfiClaim.open_issue_id).is_not(None))
    query = (
        select(TrackedIssue, Repo.full_name)
        .join(Repo, col(Repo.id) == TrackedIssue.repo_id)
        .where(
            TrackedIssue.state == "open",
            col(TrackedIssue.is_pull_request).is_(False),
            col(TrackedIssue.removed_at).is_(None),
            col(TrackedIssue.id).in_(labelled),
            col(TrackedIssue.id).not_in(claimed),
        )
        .order_by(col(TrackedIssue.created_at).desc(), col(TrackedIssue.id).desc())
    )
    found: list[IssueSuggestion] = []
    page, offset = max(limit * 4, 20), 0
    while len(found) < limit:
        # ``assignees`` is JSON, so "unassigned" is checked here rather than in portable SQL.
        rows = session.exec(query.offset(offset).limit(page)).all()
        found += [
            IssueSuggestion(repo, issue.number, issue.title, issue.html_url)
            for issue, repo in rows
            if not issue.assignees
        ]
        if len(rows) < page:
            break
        offset += page
    return found[:limit]
