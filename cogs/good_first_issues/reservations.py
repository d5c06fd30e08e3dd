"""Issues held for someone: claimed, or reserved for the first person on the waitlist while their
offer runs. The board marks reserved issues; other features (onboarding) read ``held_issue_ids``
through the ``bot.core.held_issues`` port, so they never suggest an issue the next person would be
refused."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select, union

from bot.db.models import Member
from cogs.good_first_issues.models import GfiClaim, GfiWaitlist


@dataclass(frozen=True)
class Reservation:
    """Who an issue is reserved for (next on its waitlist) and until when."""

    member_id: int
    name: str
    until: datetime


def open_offers(session: Session, issue_ids: Iterable[int], now: datetime) -> dict[int, Reservation]:
    """The running waitlist offers on ``issue_ids``, by issue id."""
    ids = sorted(set(issue_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(GfiWaitlist.issue_id, GfiWaitlist.member_id, GfiWaitlist.offer_expires_at, Member.display_name)
        .join(Member, col(Member.id) == GfiWaitlist.member_id)
        .where(col(GfiWaitlist.issue_id).in_(ids), col(GfiWaitlist.offer_expires_at) > now)
    ).all()
    return {
        issue_id: Reservation(member_id, name, until) for issue_id, member_id, until, name in rows if until
    }


def taken_issue_ids(now: datetime) -> Any:
    """A subquery of issue ids someone holds: an active claim, or a waitlist offer still running."""
    claimed = select(GfiClaim.open_issue_id).where(col(GfiClaim.open_issue_id).is_not(None))
    offered = select(GfiWaitlist.issue_id).where(col(GfiWaitlist.offer_expires_at) > now)
    return union(claimed, offered)


def held_issue_ids(session: Session, now: datetime) -> set[int]:
    """The ids ``taken_issue_ids`` selects, read now (for the ``HeldIssues`` port)."""
    return {int(row[0]) for row in session.execute(taken_issue_ids(now)).all() if row[0] is not None}
