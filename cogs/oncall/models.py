"""On-call tables: roster history, overrides, swaps, time away, handoff notes, triage records and the
items waiting for triage."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.db.models import NOT_ARCHIVED, TZDateTime, utcnow
from bot.db.personal import Names, OnForget, forget_rules, names_person


def _ts(*, nullable: bool = False, index: bool = False) -> datetime:
    if nullable:
        return Field(default=None, sa_type=TZDateTime, index=index)
    return Field(default_factory=utcnow, sa_type=TZDateTime, index=index)


class OncallRoster(SQLModel, table=True):
    """The members of a rotation (or region) from member slot ``from_slot`` on; never rewritten."""

    __tablename__ = "oncall_roster"
    __table_args__ = (
        UniqueConstraint("rotation", "region", "from_slot"),
        forget_rules(
            kept="rotation member lists as the config had them: rewriting one would move everyone's "
            "past and future shifts; take the person out of the config's rotation instead"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    rotation: str
    region: str = ""  # "" for a simple rotation
    from_slot: int
    members: list[str] = Field(default_factory=list, sa_type=JSON)
    offset: int = 0
    created_at: datetime = _ts()


class OncallOverride(SQLModel, table=True):
    """Someone on call in place of the plan (maintainer override, or a swap that was taken)."""

    __tablename__ = "oncall_override"
    __table_args__ = (Index("ix_oncall_override_rotation_ends_at", "rotation", "ends_at"),)

    id: int | None = Field(default=None, primary_key=True)
    rotation: str
    region: str | None = None
    member: str = Field(sa_column_kwargs=names_person(Names.MEMBER_REF))  # login or platform:id
    starts_at: datetime = _ts()
    ends_at: datetime = _ts()
    reason: str = "override"  # override | swap
    created_by: int | None = Field(  # member id
        default=None, sa_column_kwargs=names_person(Names.MEMBER_ID, OnForget.DETACH)
    )
    created_at: datetime = _ts()


class OncallAway(SQLModel, table=True):
    """A member's time away: they are skipped and the next person covers."""

    __tablename__ = "oncall_away"

    id: int | None = Field(default=None, primary_key=True)
    member: str = Field(index=True, sa_column_kwargs=names_person(Names.MEMBER_REF))
    starts_at: datetime = _ts()
    ends_at: datetime = _ts(index=True)
    created_by: int | None = Field(
        default=None, sa_column_kwargs=names_person(Names.MEMBER_ID, OnForget.DETACH)
    )
    created_at: datetime = _ts()


class OncallSwap(SQLModel, table=True):
    """A request to hand one shift to someone else; open until taken, confirmed or withdrawn."""

    __tablename__ = "oncall_swap"

    id: int | None = Field(default=None, primary_key=True)
    rotation: str
    region: str | None = None
    shift_start: datetime = _ts()
    shift_end: datetime = _ts()
    requester: str = Field(sa_column_kwargs=names_person(Names.MEMBER_REF))
    requester_member_id: int | None = Field(default=None, sa_column_kwargs=names_person(Names.MEMBER_ID))
    # member ref when addressed to one person
    target: str | None = Field(default=None, sa_column_kwargs=names_person(Names.MEMBER_REF))
    status: str = Field(default="open", index=True)  # open | taken | withdrawn | expired
    taken_by: str | None = Field(default=None, sa_column_kwargs=names_person(Names.MEMBER_REF))
    created_at: datetime = _ts()
    resolved_at: datetime | None = _ts(nullable=True)


class OncallHandoffNote(SQLModel, table=True):
    """A note the on-call person leaves for the next one."""

    __tablename__ = "oncall_handoff_note"

    id: int | None = Field(default=None, primary_key=True)
    rotation: str
    shift_key: str = Field(index=True)
    author: str  # display name of the writer
    author_member_id: int | None = Field(default=None, sa_column_kwargs=names_person(Names.MEMBER_ID))
    note: str
    created_at: datetime = _ts()


class OncallTriage(SQLModel, table=True):
    """Per issue/PR: when it was opened, first answered and triaged by a maintainer, and escalations."""

    __tablename__ = "oncall_triage"
    __table_args__ = (
        UniqueConstraint("repo", "number"),
        # Response times read the window's records from this index alone (cogs/oncall/stats.py).
        Index(
            "ix_oncall_triage_window",
            *("opened_at", "first_response_at", "triaged_at", "rotation", "first_response_by", "triaged_by"),
        ),
        forget_rules(
            kept="who opened, answered and triaged issues on GitHub (logins): public there, and the "
            "basis of the response-time figures"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    repo: str  # lower-cased "owner/name"
    number: int
    rotation: str | None = Field(default=None, index=True)
    is_pull_request: bool = False
    author_login: str | None = None
    opened_at: datetime = _ts(index=True)
    first_response_at: datetime | None = _ts(nullable=True, index=True)
    first_response_by: str | None = None
    triaged_at: datetime | None = _ts(nullable=True, index=True)
    triaged_by: str | None = None
    triage_kind: str | None = None  # label | comment | assign | close | review
    closed_at: datetime | None = _ts(nullable=True)  # by anyone (for the backlog); None while open
    escalated_at: datetime | None = _ts(nullable=True)
    sections_requested_at: datetime | None = _ts(nullable=True)
    extra: dict[str, str] = Field(default_factory=dict, sa_type=JSON)


class OncallWaiting(SQLModel, table=True):
    """An item waiting for triage in the queue of every rotation (see :mod:`cogs.oncall.waiting`).

    Derived from tracked issues, their labels, triage records and the config; kept in step inside the
    transactions that change those, so the queue's size is a count of this table.
    """

    __tablename__ = "oncall_waiting"
    __table_args__ = (forget_rules(kept="derived from issues and triage records: no people"),)

    issue_id: int = Field(foreign_key="tracked_issue.id", ondelete="CASCADE", primary_key=True)


class OncallChange(SQLModel, table=True):
    """One write that may move the response-time figures or the backlog, journaled by triggers
    (migration 0020) so the stats cache recomputes only what changed, whichever process wrote.

    ``issue_id``: a tracked item whose backlog facts (times, author, labels, triage record) may have
    changed; ``opened``: the ``opened_at`` of a triage record written; both NULL: anything may have
    changed (a repo renamed or removed). The triggers keep the last 100,000 entries or so.
    """

    __tablename__ = "oncall_change"
    __table_args__ = {
        "info": {
            **forget_rules(kept="a journal of item ids and times: no people")["info"],
            NOT_ARCHIVED: True,
        },
    }

    seq: int | None = Field(
        default=None, primary_key=True, sa_type=BigInteger().with_variant(Integer, "sqlite")
    )
    issue_id: int | None = None
    opened: datetime | None = _ts(nullable=True)
    # PostgreSQL: the writing transaction's id (readers go on from their snapshot's oldest running one,
    # because there numbers are drawn before commit, not in commit order); NULL on SQLite.
    xact: int | None = Field(default=None, sa_type=BigInteger, index=True)


class OncallFeedToken(SQLModel, table=True):
    """The calendar feeds' secret when the config sets none: generated once, so feeds are never open."""

    __tablename__ = "oncall_feed_token"
    __table_args__ = (forget_rules(kept="the calendar feeds' secret: no people"),)

    name: str = Field(primary_key=True)  # "calendar": one deployment-wide token
    token: str
    created_at: datetime = _ts()
