"""Tables of the GitHub layer: the write outbox, webhook deliveries, permission cache, known accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.db.models import _ts


class OutboxItem(SQLModel, table=True):
    """One queued GitHub write (comment, assign, unassign, add_labels), retried until done or impossible."""

    __tablename__ = "github_outbox"
    __table_args__ = (Index("ix_github_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

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
    requested_by_member_id: int | None = None
    context: dict[str, str] = Field(default_factory=dict, sa_type=JSON)
    result_ref: str | None = None  # e.g. the created comment's id
    created_at: datetime = _ts()
    finished_at: datetime | None = _ts(nullable=True)


class WebhookDelivery(SQLModel, table=True):
    """A received webhook delivery: the primary key de-duplicates re-deliveries; the body waits here
    until processed so a crash between "200 OK" and processing loses nothing."""

    __tablename__ = "github_webhook_delivery"

    delivery_id: str = Field(primary_key=True)
    event: str
    received_at: datetime = _ts(index=True)
    processed_at: datetime | None = _ts(nullable=True)
    body: str | None = Field(default=None, sa_type=Text)  # cleared once processed
    error: str | None = None


class PermissionCache(SQLModel, table=True):
    """A looked-up permission: scope "repo:owner/name" (collaborator permission) or "team:org/slug"."""

    __tablename__ = "github_permission_cache"
    __table_args__ = (UniqueConstraint("scope", "login_lower"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str
    login_lower: str
    permission: str  # admin | maintain | write | triage | read | none | member
    checked_at: datetime = _ts()


class GitHubAccount(SQLModel, table=True):
    """An account seen in synced payloads, so bot accounts are recognised without an API call."""

    __tablename__ = "github_account"

    login_lower: str = Field(primary_key=True)
    login: str
    account_type: str  # "User" | "Bot" | "Organization" | "Mannequin"
    seen_at: datetime = _ts()
