"""The onboarding funnel: joined -> picked a path -> step k done -> first merged PR.

Each stage counts the people of the cohort (everyone who joined in the window; ``cohort.py`` holds the
one definition the digest shares) who reached it, with the median days it took from the previous
stage (the first merged PR: from joining).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db.models import Member, TrackedIssue
from cogs.onboarding.cohort import cohort


@dataclass(frozen=True)
class Stage:
    """One row of the funnel; ``step`` is set for the "step k done" rows."""

    key: str  # joined | picked | step | merged
    count: int
    median_days: float | None
    step: int | None = None


def _median_days(pairs: list[tuple[datetime, datetime]]) -> float | None:
    if not pairs:
        return None
    return round(statistics.median((b - a).total_seconds() / 86400 for a, b in pairs), 1)


def compute_funnel(session: Session, since: datetime | None, until: datetime, max_steps: int) -> list[Stage]:
    """The funnel of people who joined in [since, until): the cohort's stages (see ``cohort.py``)."""
    group = cohort(session, since, until)
    joined = group.joined
    if not joined:
        return [Stage("joined", 0, None)]
    picked = group.picked
    merged = _first_merged(session, list(joined), joined)

    stages = [Stage("joined", len(joined), None)]
    stages.append(Stage("picked", len(picked), _median_days([(joined[m], picked[m]) for m in picked])))
    previous = picked
    for k in range(1, max_steps + 1):
        reached = group.reached_step(k)
        pairs = [(previous[m], at) for m, at in reached.items() if m in previous]
        stages.append(Stage("step", len(reached), _median_days(pairs), step=k))
        previous = reached
    stages.append(Stage("merged", len(merged), _median_days([(joined[m], merged[m]) for m in merged])))
    return stages


def _first_merged(session: Session, members: list[int], joined: dict[int, datetime]) -> dict[int, datetime]:
    """When each member's first PR merged after they joined (verified GitHub logins only)."""
    logins = {
        login.lower(): member_id
        for member_id, login in session.exec(
            select(Member.id, Member.github_login).where(
                col(Member.id).in_(members),
                col(Member.github_login).is_not(None),
                col(Member.github_verified_at).is_not(None),
            )
        ).all()
        if login and member_id is not None
    }
    if not logins:
        return {}
    first: dict[int, datetime] = {}
    for login, at in session.exec(
        select(func.lower(TrackedIssue.author_login), TrackedIssue.merged_at).where(
            col(TrackedIssue.is_pull_request).is_(True),
            col(TrackedIssue.merged).is_(True),
            func.lower(TrackedIssue.author_login).in_(list(logins)),
        )
    ).all():
        member_id = logins.get(login or "")
        if member_id is None or at is None or at < joined[member_id]:
            continue
        if member_id not in first or at < first[member_id]:
            first[member_id] = at
    return first
