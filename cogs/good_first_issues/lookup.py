"""Finding the board's issues: the configured repo and tracked issue a reference names, and an
issue's labels."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.db.models import IssueLabel, Repo, TrackedIssue
from cogs.good_first_issues.board import BoardRules
from cogs.good_first_issues.errors import GfiError
from cogs.good_first_issues.refs import IssueRef, repos_named


def issue_ref(repo: Repo, issue: TrackedIssue) -> str:
    """``owner/name#number``, as messages show an issue."""
    return f"{repo.full_name}#{issue.number}"


def issue_labels(session: Session, issue: TrackedIssue) -> list[str]:
    """The issue's current labels, sorted."""
    return list(
        session.exec(
            select(IssueLabel.name).where(IssueLabel.issue_id == issue.id).order_by(col(IssueLabel.name))
        ).all()
    )


def _tracked(session: Session, repo: Repo, number: int) -> TrackedIssue | None:
    return session.exec(
        select(TrackedIssue).where(TrackedIssue.repo_id == repo.id, TrackedIssue.number == number)
    ).first()


class IssueLookup:
    """Resolves issue references against the repos the board's rules configure."""

    def __init__(self, rules: BoardRules) -> None:
        self.rules = rules

    def resolve(self, session: Session, ref: IssueRef) -> tuple[Repo, TrackedIssue]:
        """The configured repo and tracked issue ``ref`` names; GfiError for anything else."""
        shown = str(ref)
        wanted = list(self.rules.repo_labels)
        if ref.repo is not None:
            wanted = [r.lower() for r in repos_named(ref.repo, self.rules.repo_names.values())]
            if not wanted:
                raise GfiError("gfi.error.not_configured_repo", outside={"repo": ref.repo})
        repos = session.exec(
            select(Repo).where(col(Repo.full_name_lower).in_(wanted)).order_by(col(Repo.full_name_lower))
        ).all()
        candidates = [(r, _tracked(session, r, ref.number)) for r in repos]
        found = [(r, i) for r, i in candidates if i is not None and i.removed_at is None]
        if not found:
            raise GfiError("gfi.error.unknown_issue", outside={"ref": shown})
        if len(found) > 1:
            raise GfiError(
                "gfi.error.ambiguous",
                outside={"ref": shown, "choices": ", ".join(issue_ref(r, i) for r, i in found)},
            )
        repo, issue = found[0]
        if issue.is_pull_request or ref.is_pull_url:
            raise GfiError("gfi.error.pull_request", outside={"ref": issue_ref(repo, issue)})
        return repo, issue
