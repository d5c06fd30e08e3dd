"""ClaimStore: claiming, ending and extending claims, and the waitlist, over one database session.
Finding the issue a reference names is :mod:`cogs.good_first_issues.lookup`.

Every method runs inside the caller's transaction and raises GfiError before writing anything
that would be half-done. The UNIQUE ``open_issue_id`` decides races: the loser gets "already claimed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.db.database import mark_changed
from bot.db.models import ISSUES_TOPIC, Member, Repo, TrackedIssue
from cogs.good_first_issues.board import BoardRules
from cogs.good_first_issues.errors import GfiError
from cogs.good_first_issues.lookup import issue_labels, issue_ref
from cogs.good_first_issues.models import GfiClaim, GfiWaitlist


@dataclass(frozen=True)
class ClaimPolicy:
    """The claiming rules from the config."""

    lifetime: timedelta
    reminder_at: float
    claim_limit: int
    newcomer_claim_limit: int
    offer_window: timedelta


def member_name(session: Session, member_id: int) -> str:
    member = session.get(Member, member_id)
    return member.display_name if member is not None else "?"


def verified_login(session: Session, member_id: int) -> str | None:
    """The member's GitHub login when they proved it (``/steward link github``), else None."""
    member = session.get(Member, member_id)
    if member is None or member.github_verified_at is None:
        return None
    return member.github_login


def follow_link(session: Session, member_id: int, login: str | None) -> None:
    """The member linked (or unlinked) a GitHub login: their running claims carry it from now on."""
    for claim in session.exec(
        select(GfiClaim).where(GfiClaim.member_id == member_id, col(GfiClaim.ended_at).is_(None))
    ):
        claim.github_login = login
        session.add(claim)


def set_github_state(session: Session, claim_id: int, state: str) -> None:
    """Record where the claim's GitHub assignment stands (pending, assigned, retry, refused)."""
    claim = session.get(GfiClaim, claim_id)
    if claim is not None:
        claim.github_state = state
        session.add(claim)


class ClaimStore:
    """Claims and waitlists on the board's issues."""

    def __init__(self, rules: BoardRules, policy: ClaimPolicy) -> None:
        self.rules = rules
        self.policy = policy

    # -- claims ------------------------------------------------------------
    def active_for_issue(self, session: Session, issue_id: int) -> GfiClaim | None:
        return session.exec(select(GfiClaim).where(GfiClaim.open_issue_id == issue_id)).first()

    def active_for_member(self, session: Session, member_id: int) -> list[GfiClaim]:
        return list(
            session.exec(
                select(GfiClaim)
                .where(GfiClaim.member_id == member_id, col(GfiClaim.ended_at).is_(None))
                .order_by(col(GfiClaim.claimed_at))
            ).all()
        )

    def has_merged_contribution(self, session: Session, member_id: int, login: str | None) -> bool:
        """A finished claim here, or a merged PR by their verified login in the synced data."""
        credited = session.exec(
            select(GfiClaim.id).where(GfiClaim.member_id == member_id, col(GfiClaim.credited).is_(True))
        ).first()
        if credited is not None:
            return True
        if not login:
            return False
        merged = session.exec(
            select(TrackedIssue.id).where(
                col(TrackedIssue.merged).is_(True), func.lower(TrackedIssue.author_login) == login.lower()
            )
        ).first()
        return merged is not None

    def claim_limit(self, session: Session, member_id: int, login: str | None) -> int:
        if self.has_merged_contribution(session, member_id, login):
            return self.policy.claim_limit
        return self.policy.newcomer_claim_limit

    def claim(
        self,
        session: Session,
        repo: Repo,
        issue: TrackedIssue,
        member_id: int,
        login: str | None,
        now: datetime,
        *,
        assigned_by: int | None = None,
    ) -> GfiClaim:
        """Record a claim; GfiError when any rule refuses it (nothing is written then)."""
        assert issue.id is not None
        ref = issue_ref(repo, issue)
        if issue.state != "open":
            raise GfiError("gfi.error.closed", outside={"ref": ref})
        self._refuse_if_claimed(session, issue.id, member_id, ref, assigning=assigned_by is not None)
        if assigned_by is None:
            if not self.rules.on_board_labels(repo.full_name, issue_labels(session, issue)):
                raise GfiError("gfi.error.not_on_board", outside={"ref": ref})
            assignees = [a.lower() for a in issue.assignees]
            if assignees and (login is None or login.lower() not in assignees):
                raise GfiError(
                    "gfi.error.assigned_on_github", outside={"ref": ref, "logins": ", ".join(issue.assignees)}
                )
            offer = self.current_offer(session, issue.id, now)
            if offer is not None and offer.member_id != member_id:
                assert offer.offer_expires_at is not None
                raise GfiError(
                    "gfi.error.reserved",
                    outside={"ref": ref, "name": member_name(session, offer.member_id)},
                    until=offer.offer_expires_at,
                )
            limit = self.claim_limit(session, member_id, login)
            # Two claims by one person at the same instant: the row lock makes the second count
            # wait for the first to commit (PostgreSQL; SQLite transactions already take the
            # write lock up front).
            session.exec(select(Member.id).where(Member.id == member_id).with_for_update()).first()
            if len(self.active_for_member(session, member_id)) >= limit:
                raise GfiError("gfi.error.limit", count=limit)
        claim = GfiClaim(
            issue_id=issue.id,
            open_issue_id=issue.id,
            member_id=member_id,
            github_login=login,
            assigned_by_member_id=assigned_by,
            claimed_at=now,
        )
        self.schedule(claim, now)
        try:
            with session.begin_nested():
                session.add(claim)
        except IntegrityError:
            # Someone else's claim committed between our check and our insert: the constraint decided.
            if claim in session:
                session.expunge(claim)
            self._refuse_if_claimed(session, issue.id, member_id, ref, assigning=assigned_by is not None)
            raise
        self.leave_waitlist(session, issue.id, member_id)
        mark_changed(session, ISSUES_TOPIC, [issue.id])  # off the board in this transaction
        return claim

    def _refuse_if_claimed(
        self, session: Session, issue_id: int, member_id: int, ref: str, *, assigning: bool = False
    ) -> None:
        """Refuse a claim on a claimed issue: to a claimer, with the waitlist; to a maintainer
        assigning it, with how to hand it over."""
        active = self.active_for_issue(session, issue_id)
        if active is None:
            return
        holder = member_name(session, active.member_id)
        if assigning:
            key = "gfi.error.assign_theirs" if active.member_id == member_id else "gfi.error.assign_claimed"
            raise GfiError(key, outside={"ref": ref, "name": holder})
        if active.member_id == member_id:
            raise GfiError("gfi.error.already_yours", outside={"ref": ref})
        raise GfiError(
            "gfi.error.already_claimed",
            outside={"ref": ref, "name": holder},
            issue_id=issue_id,
        )

    def schedule(self, claim: GfiClaim, activity_at: datetime) -> None:
        """Count the claim's lifetime (and the reminder) from the claimer's latest activity."""
        claim.last_activity_at = activity_at
        claim.remind_at = activity_at + self.policy.lifetime * self.policy.reminder_at
        claim.expires_at = activity_at + self.policy.lifetime
        claim.reminded_at = None

    def touch(self, session: Session, claim: GfiClaim, at: datetime) -> bool:
        """The claimer did something; push the deadlines out. False when ``at`` is not newer."""
        if claim.ended_at is not None or at <= claim.last_activity_at:
            return False
        self.schedule(claim, at)
        session.add(claim)
        return True

    def end(
        self, session: Session, claim: GfiClaim, reason: str, now: datetime, credited: bool = False
    ) -> None:
        claim.open_issue_id = None
        claim.ended_at = claim.ended_at or now
        claim.end_reason = reason
        claim.credited = claim.credited or credited
        session.add(claim)
        session.flush()
        mark_changed(session, ISSUES_TOPIC, [claim.issue_id])  # back on the board if still eligible

    # -- waitlist ----------------------------------------------------------
    def join_waitlist(
        self, session: Session, repo: Repo, issue: TrackedIssue, member_id: int, now: datetime
    ) -> int:
        """Queue ``member_id`` for a claimed issue; returns their position (1 = next)."""
        assert issue.id is not None
        ref = issue_ref(repo, issue)
        if issue.state != "open":
            raise GfiError("gfi.error.closed", outside={"ref": ref})
        active = self.active_for_issue(session, issue.id)
        if active is not None and active.member_id == member_id:
            raise GfiError("gfi.error.already_yours", outside={"ref": ref})
        if active is None and self.current_offer(session, issue.id, None) is None:
            if issue.assignees:  # held on GitHub, not here: no claim will ever free it for the queue
                logins = ", ".join(issue.assignees)
                raise GfiError("gfi.error.assigned_on_github", outside={"ref": ref, "logins": logins})
            raise GfiError("gfi.error.not_claimed_join", outside={"ref": ref})
        try:
            with session.begin_nested():
                session.add(GfiWaitlist(issue_id=issue.id, member_id=member_id, created_at=now))
        except IntegrityError:
            raise GfiError("gfi.error.already_waiting", outside={"ref": ref}) from None
        return self.position(session, issue.id, member_id)

    def position(self, session: Session, issue_id: int, member_id: int) -> int:
        rows = self.waitlist(session, issue_id)
        return next((i + 1 for i, row in enumerate(rows) if row.member_id == member_id), 0)

    def waitlist(self, session: Session, issue_id: int) -> list[GfiWaitlist]:
        return list(
            session.exec(
                select(GfiWaitlist)
                .where(GfiWaitlist.issue_id == issue_id)
                .order_by(col(GfiWaitlist.created_at), col(GfiWaitlist.id))
            ).all()
        )

    def leave_waitlist(self, session: Session, issue_id: int, member_id: int) -> bool:
        row = session.exec(
            select(GfiWaitlist).where(GfiWaitlist.issue_id == issue_id, GfiWaitlist.member_id == member_id)
        ).first()
        if row is None:
            return False
        session.delete(row)
        session.flush()
        return True

    def current_offer(self, session: Session, issue_id: int, now: datetime | None) -> GfiWaitlist | None:
        """The waitlisted person the issue is reserved for, if an offer is running."""
        query = select(GfiWaitlist).where(
            GfiWaitlist.issue_id == issue_id, col(GfiWaitlist.offer_expires_at).is_not(None)
        )
        if now is not None:
            query = query.where(col(GfiWaitlist.offer_expires_at) > now)
        return session.exec(query).first()

    def offer_next(self, session: Session, issue_id: int, now: datetime) -> GfiWaitlist | None:
        """Reserve a freed issue for the first person waiting; None when nobody waits."""
        for row in self.waitlist(session, issue_id):
            if row.offer_expires_at is None:
                row.offer_expires_at = now + self.policy.offer_window
                session.add(row)
                session.flush()
                return row
        return None

    def lapse_offers(self, session: Session, now: datetime) -> list[int]:
        """Drop offers nobody took in time; returns the issue ids to offer to the next person."""
        rows = session.exec(
            select(GfiWaitlist).where(
                col(GfiWaitlist.offer_expires_at).is_not(None), col(GfiWaitlist.offer_expires_at) <= now
            )
        ).all()
        issue_ids = sorted({row.issue_id for row in rows})
        for row in rows:
            session.delete(row)
        session.flush()
        return issue_ids
