"""Weekly newcomer figures from the synced GitHub tables: whose first pull request was opened, and
whose first was merged, in each week (bots left out)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db.models import TrackedIssue


def _week_of(when: datetime, starts: Sequence[datetime]) -> datetime | None:
    found = None
    for start in starts:
        if when >= start:
            found = start
    return found


def _is_bot(login: str, bots: set[str]) -> bool:
    return login.endswith("[bot]") or login in bots


def _firsts(
    session: Session, column: object, since: datetime, merged: bool
) -> Iterable[tuple[str, datetime]]:
    """(login, first time) for logins whose first PR (or first merged PR) falls at or after ``since``."""
    author = func.lower(col(TrackedIssue.author_login))
    first = func.min(column)
    conditions = [col(TrackedIssue.is_pull_request).is_(True), col(TrackedIssue.author_login).is_not(None)]
    if merged:
        conditions.append(col(TrackedIssue.merged_at).is_not(None))
    query = select(author, first).where(*conditions).group_by(author).having(first >= since)
    return [(str(login), at) for login, at in session.execute(query).all() if login and at]


def weekly_newcomers(
    session: Session, starts: Sequence[datetime], bot_logins: Iterable[str]
) -> tuple[list[int], list[int]]:
    """Per week of ``starts`` (oldest first): first pull requests opened, first pull requests merged."""
    bots = {b.lower() for b in bot_logins}
    opened: Counter[datetime] = Counter()
    merged: Counter[datetime] = Counter()
    for counter, column, only_merged in (
        (opened, TrackedIssue.created_at, False),
        (merged, TrackedIssue.merged_at, True),
    ):
        for login, at in _firsts(session, column, starts[0], only_merged):
            week = _week_of(at, starts)
            if week is not None and not _is_bot(login, bots):
                counter[week] += 1
    return [opened[s] for s in starts], [merged[s] for s in starts]
