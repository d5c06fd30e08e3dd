"""A person's part of the board for their home page: running claims and waitlist places."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.db.models import Repo, TrackedIssue
from cogs.good_first_issues.claims import ClaimStore
from cogs.good_first_issues.lookup import issue_ref
from cogs.good_first_issues.models import GfiWaitlist


@dataclass(frozen=True)
class HomeClaim:
    """One running claim, with its deadlines and whether the reminder went out."""

    ref: str
    title: str
    url: str | None
    claimed_at: datetime
    expires_at: datetime
    remind_at: datetime
    reminded_at: datetime | None


@dataclass(frozen=True)
class HomeWait:
    """A place on a claimed issue's waitlist; ``offered_until`` when the issue is reserved for them."""

    ref: str
    title: str
    url: str | None
    position: int
    offered_until: datetime | None


@dataclass(frozen=True)
class HomeBoard:
    """Everything of the board that belongs to one person."""

    claims: list[HomeClaim]
    waiting: list[HomeWait]


def home_board(session: Session, store: ClaimStore, member_id: int, now: datetime) -> HomeBoard:
    """``member_id``'s running claims (oldest first) and waitlist places (longest waiting first)."""
    claims = []
    for claim in store.active_for_member(session, member_id):
        found = _issue(session, claim.issue_id)
        if found is not None:
            repo, issue = found
            claims.append(
                HomeClaim(
                    issue_ref(repo, issue),
                    issue.title,
                    issue.html_url,
                    claim.claimed_at,
                    claim.expires_at,
                    claim.remind_at,
                    claim.reminded_at,
                )
            )
    waiting = []
    rows = session.exec(
        select(GfiWaitlist)
        .where(GfiWaitlist.member_id == member_id)
        .order_by(col(GfiWaitlist.created_at), col(GfiWaitlist.id))
    ).all()
    for row in rows:
        found = _issue(session, row.issue_id)
        if found is None:
            continue
        repo, issue = found
        offered = row.offer_expires_at if row.offer_expires_at and row.offer_expires_at > now else None
        position = store.position(session, row.issue_id, member_id)
        waiting.append(HomeWait(issue_ref(repo, issue), issue.title, issue.html_url, position, offered))
    return HomeBoard(claims, waiting)


def _issue(session: Session, issue_id: int) -> tuple[Repo, TrackedIssue] | None:
    issue = session.get(TrackedIssue, issue_id)
    repo = session.get(Repo, issue.repo_id) if issue is not None else None
    if issue is None or repo is None or issue.removed_at is not None:
        return None
    return repo, issue
