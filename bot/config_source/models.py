"""Tables of config as code: the versions of the repository file, reload requests, and PR checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Text
from sqlmodel import Field, SQLModel

from bot.db.models import _ts
from bot.db.personal import Names, OnForget, forget_rules, names_person


class ConfigVersion(SQLModel, table=True):
    """One version of the repository config file, from a push, a poll, a reload or the first start.

    ``pending`` rows wait for the leader to fetch and validate them (retried while GitHub is down);
    the newest ``accepted`` row is what every instance runs; ``refused`` rows keep the problems.
    """

    __tablename__ = "config_version"
    __table_args__ = (
        Index("ix_config_version_status_id", "status", "id"),
        # The file itself is the project's config (kept as merged); only who pushed it is personal.
        forget_rules(kept="config versions: the project's own file, reviewed on GitHub"),
    )

    id: int | None = Field(default=None, primary_key=True)
    repo: str
    path: str
    ref: str
    commit_sha: str | None = None  # None: "the head of ref" (a reload or a poll before it resolved it)
    blob_sha: str | None = None
    commit_url: str | None = None
    content: str | None = Field(default=None, sa_type=Text)
    status: str = "pending"  # pending | accepted | refused | superseded
    trigger: str  # push | poll | reload | start
    pushed_by: str | None = Field(  # who merged/pushed (GitHub login)
        default=None, sa_column_kwargs=names_person(Names.GITHUB_LOGIN, OnForget.DETACH)
    )
    recorded_at: datetime = _ts()
    decided_at: datetime | None = _ts(nullable=True)
    attempts: int = 0
    next_attempt_at: datetime | None = _ts(nullable=True)
    last_error: str | None = None
    problems: list[str] = Field(default_factory=list, sa_type=JSON)
    warnings: list[str] = Field(default_factory=list, sa_type=JSON)
    changes: list[Any] = Field(default_factory=list, sa_type=JSON)  # [catalog key, arguments] pairs


class ConfigReloadRequest(SQLModel, table=True):
    """A reload asked for on one instance; every other instance re-reads its files when it sees it."""

    __tablename__ = "config_reload_request"
    __table_args__ = (forget_rules(kept="reload requests between instances: no people"),)

    id: int | None = Field(default=None, primary_key=True)
    requested_at: datetime = _ts()
    instance: str


class ConfigCheck(SQLModel, table=True):
    """The check reported on one pull request: its check run, or its commit status and one comment."""

    __tablename__ = "config_check"
    __table_args__ = (forget_rules(kept="checks reported on config pull requests: no people"),)

    repo: str = Field(primary_key=True)
    number: int = Field(primary_key=True)
    head_sha: str
    conclusion: str
    check_run_id: int | None = Field(default=None, sa_type=BigInteger)
    comment_id: int | None = Field(default=None, sa_type=BigInteger)
    updated_at: datetime = _ts()
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
