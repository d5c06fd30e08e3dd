"""Weekly newcomer figures from the synced GitHub tables: whose first pull request was opened, and
whose first was merged, in each week (bots left out)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from bot.db.models import TrackedIssue


def _week_of(when: datetime, starts: Sequence[datetime]) -> datetime | None:
    """The week of ``starts`` (sorted, oldest first) that ``when`` falls in; None before the first."""
    index = bisect_right(starts, when) - 1
    return starts[index] if index >= 0 else None


def _is_bot(login: str, bots: set[str]) -> bool:
    return login.endswith("[bot]") or login in bots


def _firsts(session: Session, since: datetime) -> list[tuple[str, datetime | None, datetime | None]]:
    """(login, first PR opened, first PR merged) for logins whose first PR, or first merged PR, falls at
    or after ``since``: one pass over the pull requests for both figures."""
    author = func.lower(col(TrackedIssue.author_login))
    first_opened = func.min(col(TrackedIssue.created_at))
    first_merged = func.min(col(TrackedIssue.merged_at))  # MIN skips NULLs: the first merged one
    query = (
        select(author, first_opened, first_merged)
        .where(col(TrackedIssue.is_pull_request).is_(True), col(TrackedIssue.author_login).is_not(None))
        .group_by(author)
        .having(or_(first_opened >= since, first_merged >= since))
    )
    return [(str(login), opened, merged) for login, opened, merged in session.execute(query).all() if login]


def weekly_newcomers(
    session: Session, starts: Sequence[datetime], bot_logins: Iterable[str]
) -> tuple[list[int], list[int]]:
    """Per week of ``starts`` (oldest first): first pull requests opened, first pull requests merged."""
    bots = {b.lower() for b in bot_logins}
    opened: Counter[datetime] = Counter()
    merged: Counter[datetime] = Counter()
    for login, first_opened, first_merged in _firsts(session, starts[0]):
        if _is_bot(login, bots):
            continue
        for counter, at in ((opened, first_opened), (merged, first_merged)):
            week = _week_of(at, starts) if at is not None else None
            if week is not None:
                counter[week] += 1
    return [opened[s] for s in starts], [merged[s] for s in starts]
