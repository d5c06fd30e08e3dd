"""Core tables: members and their chat identities, GitHub repos/issues/labels, and the post log."""

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Index, MetaData, Table, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from bot.db.personal import forget_rules

# Deterministic constraint names (Alembic's recommended convention). SQLite batch migrations can
# only drop or alter a constraint that has a name, and the names must match on every backend.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# Must be set before the first table class below is defined: names are fixed at definition time.
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (a fallback default; services pass their clock's now)."""
    return datetime.now(UTC)


class TZDateTime(TypeDecorator[datetime]):
    """A timestamp that only accepts aware datetimes and always returns aware UTC ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = _aware(value)
        # SQLite has no timestamp type; store UTC wall time and re-attach UTC on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any]:
        # One function instead of the decorator's chain (process_bind_param, then the dialect's own
        # processor): bulk writes bind four timestamps an issue, and the chain cost more than the
        # insert. The values are the chain's, exactly (tests/db/test_bulk_driver.py holds them equal).
        return _sqlite_utc_text if dialect.name == "sqlite" else _aware_utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        # A naive value is ambiguous (local time? UTC?); refuse it rather than guess.
        raise ValueError(f"naive datetime {value!r}: pass an aware datetime (e.g. tzinfo=UTC)")
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _aware_utc(value: datetime | None) -> datetime | None:
    return None if value is None else _aware(value)


def _sqlite_utc_text(value: datetime | None) -> str | None:
    # SQLite has no timestamp type: UTC wall time in the text form SQLAlchemy's SQLite DATETIME
    # writes ("YYYY-MM-DD HH:MM:SS.ffffff"), which reads back through the usual result processor.
    if value is None:
        return None
    # Cut the "+00:00" off rather than build a naive copy first: this runs for every time column of
    # every row a sync stores. Years are always four digits, so the wall time is the first 26 characters.
    return _aware(value).isoformat(" ", "microseconds")[:26]


def _ts(*, nullable: bool = False, index: bool = False) -> Any:
    """A TZDateTime field; required ones default to now."""
    if nullable:
        return Field(default=None, sa_type=TZDateTime, index=index)
    return Field(default_factory=utcnow, sa_type=TZDateTime, index=index)


class Member(SQLModel, table=True):
    """A person known to the bot, across chat platforms and (once verified) GitHub."""

    __tablename__ = "member"

    id: int | None = Field(default=None, primary_key=True)
    display_name: str
    github_login: str | None = Field(default=None, index=True)
    # Lower-cased copy of github_login: GitHub logins are case-insensitive; NULLs never collide.
    github_login_lower: str | None = Field(default=None, unique=True)
    github_verified_at: datetime | None = _ts(nullable=True)
    timezone: str | None = None
    locale: str | None = None
    is_bot: bool = False
    created_at: datetime = _ts()


class PlatformIdentity(SQLModel, table=True):
    """A member's account on one chat platform (discord, slack or console)."""

    __tablename__ = "platform_identity"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE", index=True)
    platform: str
    platform_user_id: str
    display_name: str | None = None
    created_at: datetime = _ts()


# Table info key: the table is this database's own bookkeeping (a count its triggers keep), not data.
# An export leaves it out, and an import neither needs it empty nor fills it.
NOT_ARCHIVED = "steward_not_archived"


def archived_tables(metadata: MetaData) -> list[Table]:
    """The tables an export writes and an import loads, parents first."""
    return [table for table in metadata.sorted_tables if not table.info.get(NOT_ARCHIVED)]


class MemberChanges(SQLModel, table=True):
    """How many writes ``member`` and ``platform_identity`` have had, counted by SQLite triggers: lets
    the member cache tell another process's change to members from any other commit
    (``bot/db/change_count.py``). One row; unused on PostgreSQL, where nothing is cached."""

    __tablename__ = "member_changes"
    __table_args__ = {
        "info": {**forget_rules(kept="a count of writes: no people")["info"], NOT_ARCHIVED: True}
    }

    id: int = Field(default=1, primary_key=True)
    writes: int = 0


class Repo(SQLModel, table=True):
    """A watched GitHub repository and its sync bookmarks."""

    __tablename__ = "repo"
    __table_args__ = forget_rules(kept="watched repositories and sync bookmarks: no people")

    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(unique=True)
    full_name_lower: str = Field(unique=True)
    # GitHub's ids passed 2**31 in 2024; INTEGER would overflow on PostgreSQL.
    github_id: int | None = Field(default=None, sa_type=BigInteger)
    list_etag: str | None = None
    since_high_water: datetime | None = _ts(nullable=True)
    last_polled_at: datetime | None = _ts(nullable=True)
    last_full_sync_at: datetime | None = _ts(nullable=True)


class TrackedIssue(SQLModel, table=True):
    """An issue or pull request mirrored from GitHub."""

    __tablename__ = "tracked_issue"
    __table_args__ = (
        UniqueConstraint("repo_id", "number"),
        Index("ix_tracked_issue_repo_id_state_is_pull_request", "repo_id", "state", "is_pull_request"),
        # /oncall stats' backlog reads its candidates (open, or closed in the window) from this index
        # alone, without visiting the table (cogs/oncall/untriaged.py).
        Index(
            "ix_tracked_issue_backlog",
            *("state", "closed_at", "created_at", "removed_at", "repo_id", "number"),
            *("author_association", "author_login"),
        ),
        forget_rules(
            kept="issues and pull requests (authors, assignees) mirror what is public on GitHub "
            "and are read again at every sync"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    repo_id: int = Field(foreign_key="repo.id", ondelete="CASCADE")
    number: int
    # GitHub's ids passed 2**31 in 2024; INTEGER would overflow on PostgreSQL.
    github_id: int | None = Field(default=None, sa_type=BigInteger)
    title: str
    state: str  # "open" | "closed"
    state_reason: str | None = None
    is_pull_request: bool
    draft: bool = False
    author_login: str | None = Field(default=None, index=True)
    author_association: str | None = None
    assignees: list[str] = Field(default_factory=list, sa_type=JSON)
    comments: int = 0
    html_url: str | None = None
    body_excerpt: str | None = None
    linked_numbers: list[int] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = _ts()
    updated_at: datetime = _ts(index=True)
    closed_at: datetime | None = _ts(nullable=True)
    merged_at: datetime | None = _ts(nullable=True)
    merged: bool = False
    removed_at: datetime | None = _ts(nullable=True)


# Database.on_change topic: every insert, change or removal of a tracked issue (and of what decides
# whether it is free to work on, e.g. a claim) is marked under it, so derived tables follow in the
# same transaction.
ISSUES_TOPIC = TrackedIssue.__tablename__


class IssueLabel(SQLModel, table=True):
    """One label on a tracked issue."""

    __tablename__ = "issue_label"
    __table_args__ = forget_rules(kept="labels of mirrored issues: no people")

    issue_id: int = Field(foreign_key="tracked_issue.id", ondelete="CASCADE", primary_key=True)
    name: str = Field(primary_key=True, index=True)


class PostLog(SQLModel, table=True):
    """One scheduled post per (job, period, platform, channel): the claim that makes posts happen once."""

    __tablename__ = "post_log"
    __table_args__ = (
        UniqueConstraint("job", "period", "platform", "channel"),
        forget_rules(kept="which scheduled posts went to which channel: no people"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job: str
    period: str
    platform: str
    channel: str
    status: str  # "claimed" | "sent" | "failed" | "skipped" (too late, past its grace: never sent)
    owner: str | None = None  # instance that holds the claim; a new leader takes over others' claims
    attempts: int = 0
    claimed_at: datetime = _ts()
    sent_at: datetime | None = _ts(nullable=True)
    message_ref: str | None = None
    error: str | None = None
    # The key every part is sent with (bot.core.post_keys), written with the claim, before any attempt.
    post_key: str | None = None
    parts_done: int = 0  # parts known to be on the platform; a retry resumes after them
    part_refs: str | None = None  # their platform refs, space-separated (never adopted for another post)
    epoch: int | None = None  # the scheduler lease epoch the claim was made under (None: not the leader)
    attempt_at: datetime | None = _ts(nullable=True)  # wall time the latest attempt began (history since)


def load_all_models() -> MetaData:
    """Import every module that defines tables (`bot.db.models`, `bot.<pkg>.models`, `cogs.<feature>.models`).

    Migrations and the drift test need the complete metadata, not just what happens to be imported.
    """
    for root in ("bot", "cogs"):
        try:
            package = importlib.import_module(root)
        except ImportError:  # pragma: no cover - cogs/ absent in a partial checkout
            continue
        for info in pkgutil.iter_modules(package.__path__):
            if not info.ispkg:
                continue
            name = f"{root}.{info.name}.models"
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
    return SQLModel.metadata
