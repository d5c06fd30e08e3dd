"""What happened in the community during a period, from the database (the core's part of the digest)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db.models import Repo, TrackedIssue


@dataclass(frozen=True)
class FirstMerge:
    """A contributor whose first merged pull request landed in the period."""

    login: str
    repo: str
    number: int
    title: str
    url: str | None


@dataclass(frozen=True)
class CommunityWeek:
    """The core's digest facts for [start, end); ``new_members`` come from the feature recording joins."""

    new_members: list[str]
    first_merges: list[FirstMerge]
    merged_prs: int
    opened_issues: int
    closed_issues: int


def community_week(
    session: Session, start: datetime, end: datetime, bot_logins: set[str], joined: list[str]
) -> CommunityWeek:
    """Counts and names for the digest; ``joined`` are the people who joined in the period (a member
    row is not a join: people running commands and configured maintainers are not newcomers)."""
    merged_col, merged_at = col(TrackedIssue.merged), col(TrackedIssue.merged_at)
    author = col(TrackedIssue.author_login)
    first_merge_at = (
        select(author.label("login"), func.min(merged_at).label("first"))
        .where(merged_col.is_(True), author.is_not(None))
        .group_by(author)
        .subquery()
    )
    rows = session.exec(
        select(TrackedIssue, Repo.full_name)
        .join(Repo, col(Repo.id) == col(TrackedIssue.repo_id))
        .join(first_merge_at, (first_merge_at.c.login == author) & (first_merge_at.c.first == merged_at))
        .where(first_merge_at.c.first >= start, first_merge_at.c.first < end)
        .order_by(merged_at)
    ).all()
    first_merges = [
        FirstMerge(issue.author_login or "", repo, issue.number, issue.title, issue.html_url)
        for issue, repo in rows
        if issue.author_login and not _is_bot(issue.author_login, bot_logins)
    ]
    is_issue = col(TrackedIssue.is_pull_request).is_(False)
    created, closed_at = col(TrackedIssue.created_at), col(TrackedIssue.closed_at)
    merged = _count(session, merged_col.is_(True), merged_at >= start, merged_at < end)
    opened = _count(session, is_issue, created >= start, created < end)
    closed = _count(session, is_issue, closed_at >= start, closed_at < end)
    return CommunityWeek(list(joined), first_merges, int(merged), int(opened), int(closed))


def _count(session: Session, *conditions: Any) -> int:
    return int(session.exec(select(func.count()).select_from(TrackedIssue).where(*conditions)).one())


def _is_bot(login: str, bot_logins: set[str]) -> bool:
    return login.lower().endswith("[bot]") or login.lower() in bot_logins
