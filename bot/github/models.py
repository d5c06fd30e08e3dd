"""Tables of the GitHub layer: the write outbox, webhook deliveries, permission cache, known accounts,
and what the polls have read of (and published from) repositories' comments and issue events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.db.models import _ts
from bot.db.personal import Names, OnForget, forget_rules, names_person


class OutboxItem(SQLModel, table=True):
    """One queued GitHub write (comment, assign, unassign, add_labels), retried until done or impossible."""

    __tablename__ = "github_outbox"
    __table_args__ = (
        Index("ix_github_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        forget_rules(
            kept="queued and finished GitHub writes act on GitHub, where they are public; "
            "only who asked for them is cleared"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str  # "comment" | "assign" | "unassign" | "add_labels"
    repo: str
    number: int
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # The same key is queued once: a retried command can't comment twice.
    dedupe_key: str | None = Field(default=None, unique=True)
    status: str = "pending"  # "pending" | "done" | "failed"
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    last_error: str | None = None
    requested_by_member_id: int | None = Field(
        default=None, sa_column_kwargs=names_person(Names.MEMBER_ID, OnForget.DETACH)
    )
    context: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    result_ref: str | None = None  # e.g. the created comment's id
    created_at: datetime = _ts()
    finished_at: datetime | None = _ts(nullable=True)


class WebhookDelivery(SQLModel, table=True):
    """A received webhook delivery: the primary key de-duplicates re-deliveries; the body waits here
    until processed so a crash between "200 OK" and processing loses nothing."""

    __tablename__ = "github_webhook_delivery"
    __table_args__ = forget_rules(
        kept="GitHub webhook deliveries carry public GitHub data; bodies are cleared once processed"
    )

    delivery_id: str = Field(primary_key=True)
    event: str
    received_at: datetime = _ts(index=True)
    processed_at: datetime | None = _ts(nullable=True)
    body: str | None = Field(default=None, sa_type=Text)  # cleared once processed
    error: str | None = None
    attempts: int = 0  # failed processing attempts; a delivery failing too often is parked
    # Set when given up on (too many failures, or a body that can never be processed): the body and
    # `error` stay for a maintainer to read in `steward status`, but start-up no longer retries it.
    parked_at: datetime | None = _ts(nullable=True)


class PermissionCache(SQLModel, table=True):
    """A looked-up permission: scope "repo:owner/name" (collaborator permission) or "team:org/slug"."""

    __tablename__ = "github_permission_cache"
    __table_args__ = (UniqueConstraint("scope", "login_lower"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str
    login_lower: str = Field(sa_column_kwargs=names_person(Names.GITHUB_LOGIN))
    permission: str  # admin | maintain | write | triage | read | none | member
    checked_at: datetime = _ts()


class GitHubAccount(SQLModel, table=True):
    """An account seen in synced payloads, so bot accounts are recognised without an API call."""

    __tablename__ = "github_account"

    login_lower: str = Field(primary_key=True, sa_column_kwargs=names_person(Names.GITHUB_LOGIN))
    login: str
    account_type: str  # "User" | "Bot" | "Organization" | "Mannequin"
    seen_at: datetime = _ts()


class ActivityCursor(SQLModel, table=True):
    """Where a repository's poll stands in GitHub's activity lists (comments, issue events).

    Activity older than `started_at` (the repository's first poll after its silent baseline) is
    never published. `comments_since` and `comments_etag` make an unchanged comment list a free 304;
    `comments_due` says a comment read was needed but has not completed yet (retried even when the
    issues list answers 304). `events_page` keeps the relevant part of the issue events' first page,
    so a 304 answer to it still attributes changes.
    """

    __tablename__ = "github_activity_cursor"
    __table_args__ = forget_rules(kept="where each repository's poll stands: no people")

    repo_lower: str = Field(primary_key=True)
    started_at: datetime = _ts()
    comments_since: datetime = _ts()
    comments_read_to: datetime = _ts()  # newest issue `updated_at` whose comments were read
    comments_etag: str | None = None
    comments_due: bool = False
    events_etag: str | None = None
    events_page: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class HandledActivity(SQLModel, table=True):
    """A comment or issue event already turned into a published event, by a webhook or a poll: the
    primary key makes "whichever comes first wins" hold across restarts, re-polls and instances."""

    __tablename__ = "github_handled_activity"
    __table_args__ = forget_rules(kept="ids of GitHub comments and events already handled: no people")

    kind: str = Field(primary_key=True)  # "comment" | "issue_event"
    github_id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    repo: str
    created_at: datetime = _ts(index=True)  # on GitHub; rows past the retention window are pruned
    handled_at: datetime = _ts()


class HistoryBackfill(SQLModel, table=True):
    """A repository's one-time read of its closed history (items updated in ``[window_start, until)``).

    ``until`` is when the repository's first sync began: what changed after it is the polls' to see
    (with its events), so the backfill stops there. ``next_url`` resumes paging after a restart.
    """

    __tablename__ = "github_history_backfill"
    __table_args__ = forget_rules(kept="how far each repository's history read got: no people")

    repo_lower: str = Field(primary_key=True)
    window_start: datetime = _ts()
    until: datetime = _ts()
    next_url: str | None = Field(default=None, sa_type=Text)
    pages: int = 0
    items: int = 0
    total_pages: int | None = None
    done_at: datetime | None = _ts(nullable=True)
