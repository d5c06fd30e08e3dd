"""Board issues someone is working on: the public "being worked on" list (who, since when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db.models import Member, TrackedIssue
from cogs.good_first_issues.board import BoardEntry, BoardFilter, BoardRules, configured_repo_ids, entries_for
from cogs.good_first_issues.models import GfiClaim


@dataclass(frozen=True)
class ClaimedEntry:
    """A newcomer issue with its running claim, by the claimer's display name."""

    entry: BoardEntry
    claimer: str
    since: datetime


def claimed_entries(session: Session, rules: BoardRules, flt: BoardFilter, limit: int) -> list[ClaimedEntry]:
    """The most recent running claims on open newcomer issues of the configured repos (``flt.repo`` only)."""
    repo_ids = {
        rid: name
        for rid, name in configured_repo_ids(session, rules).items()
        if flt.repo is None or name.lower() == flt.repo.lower()
    }
    if not repo_ids:
        return []
    rows = session.exec(
        select(TrackedIssue, GfiClaim.claimed_at, Member.display_name)
        .join(GfiClaim, col(GfiClaim.open_issue_id) == col(TrackedIssue.id))
        .join(Member, col(Member.id) == col(GfiClaim.member_id))
        .where(col(TrackedIssue.repo_id).in_(sorted(repo_ids)), col(TrackedIssue.state) == "open")
        .order_by(col(GfiClaim.claimed_at).desc(), col(GfiClaim.id).desc())
        .limit(limit * 2)  # a few may carry no newcomer label (assigned by a maintainer): skipped below
    ).all()
    entries = entries_for(session, rules, [issue for issue, _, _ in rows], repo_ids)
    out = [
        ClaimedEntry(entry, name, since)
        for entry, (_, since, name) in zip(entries, rows, strict=True)
        if rules.on_board_labels(entry.repo, entry.labels)
    ]
    return out[:limit]


def board_changed_at(session: Session) -> datetime | None:
    """When the board's data last changed: the newest issue update or claim (indexed maxima), for
    the public pages' Last-Modified."""
    issue = session.exec(select(func.max(TrackedIssue.updated_at))).one()
    claim_id = session.exec(select(func.max(GfiClaim.id))).one()
    claim = session.get(GfiClaim, claim_id) if claim_id is not None else None
    stamps = [s for s in (issue, claim.claimed_at if claim else None, claim.ended_at if claim else None) if s]
    return max(stamps) if stamps else None
