"""Spotlight tables: interviews and their answers, candidate credits, opt-outs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, UniqueConstraint, and_
from sqlmodel import Field, SQLModel

from bot.db.models import TZDateTime, utcnow
from bot.db.personal import Names, forget_rules, names_person


class Status(StrEnum):
    """Where an interview is; the order below is the happy path."""

    INVITED = "invited"
    ACCEPTED = "accepted"  # answering; answers are saved page by page
    SUBMITTED = "submitted"  # with the editors
    EDITOR_APPROVED = "editor_approved"  # waiting for the contributor to approve the final text
    APPROVED = "approved"  # both approved: queued for publishing
    PUBLISHED = "published"
    DECLINED = "declined"  # "Not now"
    OPTED_OUT = "opted_out"  # "Never"
    EXPIRED = "expired"


OPEN_STATUSES = (Status.INVITED, Status.ACCEPTED, Status.SUBMITTED, Status.EDITOR_APPROVED, Status.APPROVED)


def _ts(nullable: bool = True) -> Any:
    if nullable:
        return Field(default=None, sa_type=TZDateTime)
    return Field(default_factory=utcnow, sa_type=TZDateTime)


class SpotlightInterview(SQLModel, table=True):
    """One interview with one contributor, from invitation to publication."""

    __tablename__ = "spotlight_interview"
    __table_args__ = forget_rules(
        kept="a published spotlight its subject approved stays, with its answers: it is public already "
        "and they agreed to it; every other interview (drafts included) is erased",
        keep_rows_where=lambda t: and_(t.c.status == Status.PUBLISHED, t.c.approved_at.is_not(None)),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE", index=True)
    github_login: str | None = None
    display_name: str
    status: str = Field(index=True)
    locale: str = "en"
    # The questions as they were when the interview was accepted: [{id, en, zh-CN, optional}].
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    introduction: str | None = None
    # Snapshot of GitHub stats attached by an editor: {first_contribution_at, merged_prs, repos}.
    stats: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    change_request: str | None = None
    invited_by: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    editor_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    invited_at: datetime = _ts(nullable=False)
    accepted_at: datetime | None = _ts()
    submitted_at: datetime | None = _ts()
    reminded_at: datetime | None = _ts()
    editor_approved_at: datetime | None = _ts()
    approved_at: datetime | None = _ts()
    published_at: datetime | None = _ts()
    closed_at: datetime | None = _ts()  # declined, opted out or expired


class SpotlightAnswer(SQLModel, table=True):
    """One answer, stored exactly as written, with an optional editor's note after it."""

    __tablename__ = "spotlight_answer"
    __table_args__ = (UniqueConstraint("interview_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(foreign_key="spotlight_interview.id", ondelete="CASCADE", index=True)
    question_id: str
    text: str
    editor_note: str | None = None
    updated_at: datetime = _ts(nullable=False)


class SpotlightCredit(SQLModel, table=True):
    """A persisted reason to propose someone: a nomination, a finished good first issue or path."""

    __tablename__ = "spotlight_credit"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="CASCADE", index=True)
    github_login_lower: str | None = Field(
        default=None, index=True, sa_column_kwargs=names_person(Names.GITHUB_LOGIN)
    )
    kind: str  # nominated | gfi_done | path_finished
    detail: str = ""
    by_member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="SET NULL")
    at: datetime = _ts(nullable=False)


class SpotlightOptOut(SQLModel, table=True):
    """Someone who said "Never": by member, by GitHub login, or both."""

    __tablename__ = "spotlight_opt_out"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int | None = Field(default=None, foreign_key="member.id", ondelete="CASCADE", unique=True)
    github_login_lower: str | None = Field(
        default=None, unique=True, sa_column_kwargs=names_person(Names.GITHUB_LOGIN)
    )
    created_at: datetime = _ts(nullable=False)
