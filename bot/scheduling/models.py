"""Scheduler state that must survive restarts: when each scheduled job last ran."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.db.models import TZDateTime
from bot.db.personal import forget_rules


class JobRun(SQLModel, table=True):
    """The last run of one schedule entry (``key`` = job name + trigger), for catch-up and recovery."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("key"), forget_rules(kept="when scheduled jobs ran: no people"))

    id: int | None = Field(default=None, primary_key=True)
    key: str
    job: str
    last_fire_at: datetime | None = Field(default=None, sa_type=TZDateTime)  # scheduled time of the last run
    started_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    status: str = "never"  # "running" | "ok" | "failed" | "never"
    runs: int = 0
    error: str | None = None


class LeaderLease(SQLModel, table=True):
    """Who leads the scheduler until when; ``epoch`` grows by one on every takeover (the fencing token)."""

    __tablename__ = "leader_lease"
    __table_args__ = (forget_rules(kept="which instance leads the scheduler: no people"),)

    name: str = Field(primary_key=True)  # "scheduler"
    holder: str | None = None  # instance id of the leader; None once it handed over
    epoch: int = 0
    expires_at: datetime = Field(sa_type=TZDateTime)
    renewed_at: datetime | None = Field(default=None, sa_type=TZDateTime)
