"""Ending a claim inside its transaction, and what that leaves to do once it commits.

``Ended`` and ``Offer`` carry the follow-ups (GitHub unassignment, DMs) out of the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.db.models import Repo, TrackedIssue
from cogs.good_first_issues.claims import ClaimStore
from cogs.good_first_issues.lookup import issue_ref
from cogs.good_first_issues.models import GfiClaim


@dataclass(frozen=True)
class Ended:
    """A claim that just ended, with the follow-ups it needs outside the transaction."""

    claim_id: int
    member_id: int
    issue_id: int
    repo: str
    number: int
    ref: str
    title: str
    url: str | None
    login: str | None
    was_assigned: bool
    offered_to: int | None
    offer_until: datetime | None


@dataclass(frozen=True)
class Offer:
    """A freed issue reserved for the next person on its waitlist."""

    member_id: int
    issue_id: int
    ref: str
    title: str
    url: str | None
    until: datetime


def end_claim(
    session: Session,
    store: ClaimStore,
    claim: GfiClaim,
    reason: str,
    now: datetime,
    credited: bool = False,
) -> Ended:
    """End ``claim`` and, unless the issue is done, reserve it for the next person waiting."""
    store.end(session, claim, reason, now, credited)
    issue = session.get(TrackedIssue, claim.issue_id)
    repo = session.get(Repo, issue.repo_id) if issue else None
    assert issue is not None and repo is not None and claim.id is not None
    ref = issue_ref(repo, issue)
    offer = None
    if reason in ("unclaimed", "released", "expired") and issue.state == "open":
        offer = store.offer_next(session, claim.issue_id, now)
    return Ended(
        claim.id,
        claim.member_id,
        claim.issue_id,
        repo.full_name,
        issue.number,
        ref,
        issue.title,
        issue.html_url,
        claim.github_login,
        claim.github_state in ("pending", "assigned", "retry"),
        offer.member_id if offer else None,
        offer.offer_expires_at if offer else None,
    )
