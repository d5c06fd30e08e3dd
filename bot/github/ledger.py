"""The record of comments and issue events already turned into published events.

Webhooks and polls both consult it before publishing, so a comment delivered by a webhook and
then listed by a poll, re-listed by the next poll, or seen again after a restart, is published
once: whoever records it first publishes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from bot.db.bulk import one_of
from bot.github.models import HandledActivity

COMMENT = "comment"
ISSUE_EVENT = "issue_event"


def handled(session: Session, kind: str, ids: Iterable[int]) -> set[int]:
    """Which of `ids` (of `kind`) are recorded already."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    query = select(HandledActivity.github_id).where(
        HandledActivity.kind == kind, one_of(HandledActivity.github_id, wanted, session.connection().dialect)
    )
    return set(session.exec(query).all())


def claim(session: Session, kind: str, repo: str, created: Mapping[int, datetime], now: datetime) -> set[int]:
    """Record the ids in `created` (id -> when it happened on GitHub); returns those recorded now,
    i.e. the ones the caller may publish. Ids recorded before, or by a concurrent writer, are left out."""
    fresh = set(created) - handled(session, kind, created)
    won: set[int] = set()
    for github_id in sorted(fresh):
        try:
            with session.begin_nested():  # losing a race to another instance must not undo the rest
                session.add(
                    HandledActivity(
                        kind=kind,
                        github_id=github_id,
                        repo=repo.lower(),
                        created_at=created[github_id],
                        handled_at=now,
                    )
                )
        except IntegrityError:
            continue
        won.add(github_id)
    return won


def prune(session: Session, before: datetime) -> None:
    """Forget records of activity that happened before `before` (callers ignore such activity)."""
    session.exec(delete(HandledActivity).where(col(HandledActivity.created_at) < before))
