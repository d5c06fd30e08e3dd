"""The stored versions of the repository config file (sessions in, rows out; no I/O besides the DB)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from bot.config.sections.source import ConfigSourceConfig
from bot.config_source.models import ConfigReloadRequest, ConfigVersion

if TYPE_CHECKING:
    from bot.config_source.fetch import CommitInfo, RepoFile
    from bot.config_source.summary import Change

# Retries while GitHub is down: quick at first, then every few minutes, never given up.
RETRY_DELAYS = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=5))


def _of(source: ConfigSourceConfig) -> tuple[object, ...]:
    return (
        ConfigVersion.repo == source.repo,
        ConfigVersion.path == source.path,
        ConfigVersion.ref == source.ref,
    )


def latest(session: Session, source: ConfigSourceConfig, status: str) -> ConfigVersion | None:
    """The newest row of ``status`` for this source."""
    query = select(ConfigVersion).where(*_of(source), ConfigVersion.status == status)  # type: ignore[arg-type]
    return session.exec(query.order_by(col(ConfigVersion.id).desc())).first()


def newest_known(session: Session, source: ConfigSourceConfig) -> ConfigVersion | None:
    """The newest row that is not superseded (what the last push, poll or reload asked for)."""
    query = select(ConfigVersion).where(*_of(source), ConfigVersion.status != "superseded")  # type: ignore[arg-type]
    return session.exec(query.order_by(col(ConfigVersion.id).desc())).first()


def newest_decided(session: Session, source: ConfigSourceConfig) -> ConfigVersion | None:
    """The newest accepted or refused version (detached), whose notice may still be due."""
    query = select(ConfigVersion).where(
        *_of(source),  # type: ignore[arg-type]
        col(ConfigVersion.status).in_(("accepted", "refused")),
    )
    row = session.exec(query.order_by(col(ConfigVersion.id).desc())).first()
    if row is not None:
        session.expunge(row)
    return row


def add_pending(
    session: Session,
    source: ConfigSourceConfig,
    now: datetime,
    trigger: str,
    commit_sha: str | None = None,
    pushed_by: str | None = None,
    commit_url: str | None = None,
) -> ConfigVersion | None:
    """Queue a version for the leader; None when that commit is what the newest version already is
    (a re-delivery, the same push through a second webhook). An older commit is queued again: after a
    force push back to it, it is the branch's state once more."""
    if commit_sha is not None:
        newest = newest_known(session, source)
        if newest is not None and newest.commit_sha == commit_sha:
            return None
    row = ConfigVersion(
        repo=source.repo,
        path=source.path,
        ref=source.ref,
        commit_sha=commit_sha,
        commit_url=commit_url,
        pushed_by=pushed_by,
        trigger=trigger,
        status="pending",
        recorded_at=now,
        next_attempt_at=now,
    )
    session.add(row)
    session.flush()
    return row


def take_pending(session: Session, source: ConfigSourceConfig, now: datetime) -> ConfigVersion | None:
    """The newest pending version due for an attempt; older pending ones are superseded by it (after a
    force push or two quick merges only the branch's newest state matters)."""
    pending = list(
        session.exec(
            select(ConfigVersion)
            .where(*_of(source), ConfigVersion.status == "pending")  # type: ignore[arg-type]
            .order_by(col(ConfigVersion.id).desc())
        )
    )
    if not pending:
        return None
    newest, older = pending[0], pending[1:]
    for row in older:
        row.status = "superseded"
        row.decided_at = now
        session.add(row)
    if newest.next_attempt_at is not None and newest.next_attempt_at > now:
        return None
    return newest


def retry_later(session: Session, version_id: int, now: datetime, error: str) -> None:
    """GitHub could not be asked: the version stays pending and is tried again after a backoff."""
    row = session.get(ConfigVersion, version_id)
    if row is None:
        return
    delay = RETRY_DELAYS[min(row.attempts, len(RETRY_DELAYS) - 1)]
    row.attempts += 1
    row.last_error = error[:500]
    row.next_attempt_at = now + delay
    session.add(row)


def record_reload(session: Session, instance: str, now: datetime) -> int:
    """Record a reload asked for on ``instance``; every instance re-reads when it sees a newer id."""
    row = ConfigReloadRequest(instance=instance, requested_at=now)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def last_reload(session: Session) -> int:
    """The id of the newest reload request (0 when none)."""
    row = session.exec(select(ConfigReloadRequest).order_by(col(ConfigReloadRequest.id).desc())).first()
    return row.id or 0 if row is not None else 0


@dataclass(frozen=True)
class Decision:
    """The leader's verdict on a pending version: what it read and what it found."""

    commit: CommitInfo | None
    found: RepoFile | None
    status: str  # "accepted" | "refused" | "superseded" (the content already runs)
    problems: list[str]
    warnings: list[str]
    changes: list[Change]
    at: datetime


def record_decision(session: Session, version_id: int | None, decision: Decision) -> ConfigVersion:
    """Store ``decision`` on the version; returns it detached (for the notice)."""
    stored = session.get(ConfigVersion, version_id)
    assert stored is not None, f"config version {version_id} vanished while being decided"
    commit, found = decision.commit, decision.found
    if commit is not None:
        stored.commit_sha, stored.pushed_by = commit.sha, stored.pushed_by or commit.author
        stored.commit_url = stored.commit_url or commit.url
    if found is not None:
        stored.blob_sha, stored.content = found.blob_sha, found.text
    stored.status = decision.status
    stored.problems, stored.warnings = decision.problems, decision.warnings
    # Kept for the notice: a leader killed before posting it leaves it to the next tick.
    stored.changes = [[key, params] for key, params in decision.changes]
    stored.decided_at = decision.at
    session.add(stored)
    session.flush()
    session.expunge(stored)
    return stored
