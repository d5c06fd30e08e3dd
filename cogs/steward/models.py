"""The member features' table: pending GitHub account links."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.db.models import TZDateTime, utcnow


class LinkCode(SQLModel, table=True):
    """A pending GitHub account link: the one-time code the person must publish to prove the login."""

    # The name dates from when linking belonged to the good-first-issue board; kept so no migration
    # has to move existing rows.
    __tablename__ = "gfi_link_code"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE", unique=True)
    login: str
    code: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    expires_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
