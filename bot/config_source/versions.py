"""The stored versions of the repository config file (sessions in, rows out; no I/O besides the DB)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.config.sections.source import ConfigSourceConfig
from bot.config_source.models import ConfigReloadRequest, ConfigVersion

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
