"""Tables of the good-first-issue board: claims, waitlists, and announcements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, func
from sqlmodel import Field, SQLModel, col

from bot.db.models import ISSUES_TOPIC, IssueLabel, TrackedIssue, TZDateTime, utcnow
from bot.db.personal import Names, OnForget, forget_rules, names_person


class GfiClaim(SQLModel, table=True):
    """One person working on one issue. ``open_issue_id`` is set only while the claim is active.

    Its UNIQUE constraint is what makes "one active claim per issue" hold under concurrent clicks
    on every database (NULLs never collide, so ended claims keep their history).
    """

    __tablename__ = "gfi_claim"
    __table_args__ = (
        Index("ix_gfi_claim_member_id_ended_at", "member_id", "ended_at"),
        Index("ix_gfi_claim_issue_id_claimed_at", "issue_id", "claimed_at"),
        # An erased active claim frees its issue: the board follows in the same transaction.
        forget_rules(change_topic=(ISSUES_TOPIC, "issue_id")),
    )

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="tracked_issue.id", ondelete="CASCADE")
    open_issue_id: int | None = Field(default=None, unique=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    github_login: str | None = None  # the claimer's verified login, used to recognise their activity
    assigned_by_member_id: int | None = Field(  # a maintainer who assigned it (bypasses board rules)
        default=None, sa_column_kwargs=names_person(Names.MEMBER_ID, OnForget.DETACH)
    )
    claimed_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    last_activity_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    remind_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
    expires_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
    reminded_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    pr_number: int | None = None
    github_state: str = "none"  # none | pending | assigned | refused | failed
    ended_at: datetime | None = Field(default=None, sa_type=TZDateTime, index=True)
    end_reason: str | None = None  # done | closed | unclaimed | released | expired | removed
    credited: bool = False


class GfiWaitlist(SQLModel, table=True):
    """Someone waiting for a claimed issue; the first in line is offered it when it is released."""

    __tablename__ = "gfi_waitlist"
    __table_args__ = (UniqueConstraint("issue_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    issue_id: int = Field(foreign_key="tracked_issue.id", ondelete="CASCADE", index=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    offer_expires_at: datetime | None = Field(default=None, sa_type=TZDateTime, index=True)


class GfiAnnouncement(SQLModel, table=True):
    """An issue that became a good first issue; the primary key makes webhook + poll queue it once."""

    __tablename__ = "gfi_announcement"
    __table_args__ = forget_rules(kept="which issues were announced: no people")

    issue_id: int = Field(foreign_key="tracked_issue.id", ondelete="CASCADE", primary_key=True)
    seen_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
    batch: str | None = Field(default=None, index=True)  # post-log period of the message carrying it
    announced_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    skipped: bool = False  # no longer on the board when its batch went out


class GfiBoardEntry(SQLModel, table=True):
    """An issue on the board under one facet: "" (the whole board), "area:<name>" or "difficulty:<name>".

    Derived from tracked issues, their labels, active claims and the config; kept in step inside the
    transactions that change those (see board_index), so a page of /gfi list is one index walk.
    """

    __tablename__ = "gfi_board_entry"
    __table_args__ = (
        Index("ix_gfi_board_entry_facet_priority_created_at", "facet", "priority", "created_at", "issue_id"),
        Index(
            "ix_gfi_board_entry_facet_repo_id_priority_created_at",
            "facet",
            "repo_id",
            "priority",
            "created_at",
            "issue_id",
        ),
        forget_rules(kept="derived from issues, labels and claims: no people"),
    )

    issue_id: int = Field(foreign_key="tracked_issue.id", ondelete="CASCADE", primary_key=True)
    facet: str = Field(primary_key=True)
    repo_id: int
    priority: bool = False
    created_at: datetime = Field(sa_type=TZDateTime)


# Labels are matched case-insensitively (config says so); this expression index keeps that lookup
# index-backed on both databases. Declared here (not in bot/db/models.py) because only the board needs it.
ISSUE_LABEL_LOWER = Index(
    "ix_issue_label_name_lower", func.lower(col(IssueLabel.name)), col(IssueLabel.issue_id)
)

# Announcements and the stats count walk open issues newest-first (see announcements.py).
TRACKED_ISSUE_OPEN_NEWEST = Index(
    "ix_tracked_issue_state_is_pull_request_created_at",
    col(TrackedIssue.state),
    col(TrackedIssue.is_pull_request),
    col(TrackedIssue.created_at),
)
