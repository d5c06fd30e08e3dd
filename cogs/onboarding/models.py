"""Onboarding tables: who joined and how they were greeted, who is on which path, what they finished."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.db.models import TZDateTime, utcnow
from bot.db.personal import forget_rules


def _ts(nullable: bool = True, index: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_type=TZDateTime, index=index)
    return Field(default_factory=utcnow, sa_type=TZDateTime, index=index)


class GreetingBatch(SQLModel, table=True):
    """One channel greeting on one platform: everyone who joined since the previous one."""

    __tablename__ = "onboarding_greeting_batch"
    __table_args__ = forget_rules(kept="greetings posted and how many people each welcomed: no names")

    id: int | None = Field(default=None, primary_key=True)
    platform: str
    size: int = 0
    created_at: datetime = _ts(nullable=False)
    posted_at: datetime | None = _ts()


class Newcomer(SQLModel, table=True):
    """Someone who joined; recorded before any greeting so a restart greets nobody twice."""

    __tablename__ = "onboarding_newcomer"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE", unique=True)
    platform: str
    platform_user_id: str
    display_name: str
    joined_at: datetime = _ts(nullable=False, index=True)
    batch_id: int | None = Field(
        default=None, foreign_key="onboarding_greeting_batch.id", ondelete="SET NULL", index=True
    )
    # pending -> sending (claimed by ``dm_owner``) -> sent | failed (DMs closed, no fallback)
    dm_state: str = Field(default="pending", index=True)
    dm_owner: str | None = None
    dm_at: datetime | None = _ts()


class Enrollment(SQLModel, table=True):
    """A person on a path: the step they are at and how often they were nudged there."""

    __tablename__ = "onboarding_enrollment"
    __table_args__ = (UniqueConstraint("member_id", "path_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE", index=True)
    path_id: str
    status: str = Field(default="active", index=True)  # active | finished | stopped
    step_index: int = 0
    started_at: datetime = _ts(nullable=False)
    step_started_at: datetime = _ts(nullable=False)  # when the current step became current
    finished_at: datetime | None = _ts()
    stopped_at: datetime | None = _ts()
    nudges: int = 0  # nudges sent for the current step
    last_nudged_at: datetime | None = _ts()
    reminders_off: bool = False
    announce: bool = True  # celebrate the finished path in the community channel
    # The path's Discord role / Slack channel is still owed (a platform refused or failed); the
    # nudges job retries, so fixing the bot's permissions or the config is enough.
    access_pending: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class StepDone(SQLModel, table=True):
    """A step someone finished (``confirmed`` False while a maintainer has yet to confirm it)."""

    __tablename__ = "onboarding_step_done"
    __table_args__ = (UniqueConstraint("enrollment_id", "step_id"),)

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="onboarding_enrollment.id", ondelete="CASCADE", index=True)
    member_id: int = Field(foreign_key="member.id", ondelete="CASCADE", index=True)
    path_id: str
    step_id: str
    step_index: int
    how: str  # merged_pr | claimed_gfi_done | linked_github | self_report
    detail: str | None = None  # e.g. "acme/widgets#12"
    confirmed: bool = True
    reported_at: datetime = _ts(nullable=False)
    completed_at: datetime | None = _ts(index=True)  # set once confirmed
