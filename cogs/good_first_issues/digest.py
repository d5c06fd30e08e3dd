"""The board's part of the weekly digest: new, claimed, finished and stale good first issues."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core.messages import Block, BulletList, Header, Inline, Plain, Section
from bot.db.models import Member, Repo, TrackedIssue
from cogs.good_first_issues.models import GfiAnnouncement, GfiClaim
from cogs.good_first_issues.notices import issue_link

MAX_ITEMS = 5


@dataclass(frozen=True)
class BoardWeek:
    """Counts and a few examples for [start, end)."""

    new: list[tuple[str, str, str | None]]  # (ref, title, url)
    new_count: int
    claimed: int
    finished: list[tuple[str, str]]  # (member name, ref)
    finished_count: int
    stale: int


def board_week(session: Session, start: datetime, end: datetime) -> BoardWeek:
    seen = col(GfiAnnouncement.seen_at)
    new_rows = session.exec(
        select(Repo.full_name, TrackedIssue.number, TrackedIssue.title, TrackedIssue.html_url)
        .select_from(GfiAnnouncement)
        .join(TrackedIssue, col(TrackedIssue.id) == col(GfiAnnouncement.issue_id))
        .join(Repo, col(Repo.id) == col(TrackedIssue.repo_id))
        .where(seen >= start, seen < end)
        .order_by(seen.desc())
    ).all()
    claimed = session.exec(
        select(func.count())
        .select_from(GfiClaim)
        .where(col(GfiClaim.claimed_at) >= start, col(GfiClaim.claimed_at) < end)
    ).one()
    ended = col(GfiClaim.ended_at)
    finished_rows = session.exec(
        select(Member.display_name, Repo.full_name, TrackedIssue.number)
        .select_from(GfiClaim)
        .join(Member, col(GfiClaim.member_id) == col(Member.id))
        .join(TrackedIssue, col(TrackedIssue.id) == col(GfiClaim.issue_id))
        .join(Repo, col(Repo.id) == col(TrackedIssue.repo_id))
        .where(col(GfiClaim.end_reason) == "done", ended >= start, ended < end)
        .order_by(ended)
    ).all()
    # Stale: claims that ran out in the period, plus running ones already past their reminder.
    expired = session.exec(
        select(func.count())
        .select_from(GfiClaim)
        .where(col(GfiClaim.end_reason) == "expired", ended >= start, ended < end)
    ).one()
    overdue = session.exec(
        select(func.count()).select_from(GfiClaim).where(ended.is_(None), col(GfiClaim.remind_at) < end)
    ).one()
    return BoardWeek(
        new=[(f"{repo}#{n}", title, url) for repo, n, title, url in new_rows[:MAX_ITEMS]],
        new_count=len(new_rows),
        claimed=int(claimed),
        finished=[(name, f"{repo}#{n}") for name, repo, n in finished_rows[:MAX_ITEMS]],
        finished_count=len(finished_rows),
        stale=int(expired) + int(overdue),
    )


def digest_blocks(t: Callable[..., str], week: BoardWeek) -> list[Block]:
    if not (week.new_count or week.claimed or week.finished_count or week.stale):
        return []
    blocks: list[Block] = [
        Header(t("gfi.digest.title")),
        Section(
            t(
                "gfi.digest.summary",
                new=week.new_count,
                claimed=week.claimed,
                finished=week.finished_count,
                stale=week.stale,
            )
        ),
    ]
    if week.new:
        blocks.append(Section(t("gfi.digest.new")))
        blocks.append(BulletList(tuple((issue_link(ref, title, url),) for ref, title, url in week.new)))
    if week.finished:
        blocks.append(Section(t("gfi.digest.finished")))
        items: list[tuple[Inline, ...]] = [(Plain(name), " — ", Plain(ref)) for name, ref in week.finished]
        blocks.append(BulletList(tuple(items)))
    return blocks
