"""The numbers behind /gfi stats: the board's size, claims running and waiting, last 30 days' outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.db.models import Member
from cogs.good_first_issues.board import BoardRules, board_size
from cogs.good_first_issues.models import GfiClaim, GfiWaitlist


@dataclass(frozen=True)
class Stats:
    """Numbers for /gfi stats."""

    on_board: int
    active: int
    waiting: int
    finished_30d: int
    expired_30d: int
    released_30d: int
    refused_on_github: int
    top: list[tuple[str, int]]


def board_stats(session: Session, rules: BoardRules, now: datetime) -> Stats:
    """Counts as of ``now``; the outcome counts cover the 30 days before it, ``top`` all credited claims."""
    since = now - timedelta(days=30)

    def count(*conditions: object) -> int:
        return int(session.exec(select(func.count()).select_from(GfiClaim).where(*conditions)).one())  # type: ignore[arg-type]

    ended = col(GfiClaim.ended_at)
    reason = col(GfiClaim.end_reason)
    top = session.exec(
        select(Member.display_name, func.count())
        .join(GfiClaim, col(GfiClaim.member_id) == col(Member.id))
        .where(col(GfiClaim.credited).is_(True))
        .group_by(col(Member.id), col(Member.display_name))
        .order_by(func.count().desc(), col(Member.display_name))
        .limit(5)
    ).all()
    waiting = int(session.exec(select(func.count()).select_from(GfiWaitlist)).one())
    return Stats(
        on_board=board_size(session, rules),
        active=count(col(GfiClaim.open_issue_id).is_not(None)),
        waiting=waiting,
        finished_30d=count(reason == "done", ended >= since),
        expired_30d=count(reason == "expired", ended >= since),
        released_30d=count(reason == "released", ended >= since),
        # "failed": refused, and the comment naming them failed too
        refused_on_github=count(col(GfiClaim.github_state).in_(("refused", "failed")), ended.is_(None)),
        top=[(name, int(n)) for name, n in top],
    )
