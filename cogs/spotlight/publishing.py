"""Which spotlight goes out next, which ones are half-posted, and the record that one was published
(one per publishing day)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.db.models import PostLog
from cogs.spotlight.document import Document, build_document
from cogs.spotlight.models import SpotlightInterview, Status

PUBLISH_JOB = "spotlight_publish"  # the post log's job name for published parts and the publish notices
_PART_PREFIX = "interview:"


def part_period(interview_id: int, part: int, total: int) -> str:
    """The post-log period of one part of a published spotlight."""
    return f"{_PART_PREFIX}{interview_id}:{part}/{total}"


def _interview_of_period(period: str) -> int | None:
    if not period.startswith(_PART_PREFIX):
        return None
    head = period.removeprefix(_PART_PREFIX).partition(":")[0]
    return int(head) if head.isascii() and head.isdigit() else None  # isdigit alone takes '²'


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day as aware datetimes."""
    tz = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tz)


def published_on(session: Session, now: datetime, timezone: str) -> bool:
    """Whether a spotlight was published on ``now``'s local day."""
    start, end = day_bounds(now.astimezone(ZoneInfo(timezone)).date(), timezone)
    found = session.exec(
        select(SpotlightInterview.id).where(
            col(SpotlightInterview.published_at) >= start, col(SpotlightInterview.published_at) < end
        )
    ).first()
    return found is not None


def next_to_publish(session: Session, now: datetime, timezone: str) -> Document | None:
    """The oldest approved spotlight, unless one was already published today (a re-run, a restart)."""
    if published_on(session, now, timezone):
        return None
    interview = session.exec(
        select(SpotlightInterview)
        .where(SpotlightInterview.status == Status.APPROVED)
        .order_by(col(SpotlightInterview.approved_at), col(SpotlightInterview.id))
    ).first()
    return build_document(session, interview) if interview is not None else None


def all_sent(session: Session, periods: Sequence[str], targets: Sequence[tuple[str, str]]) -> bool:
    """Whether the post log shows every period sent to every (platform, channel) target."""
    rows = session.exec(
        select(PostLog.period, PostLog.platform, PostLog.channel).where(
            PostLog.job == PUBLISH_JOB, PostLog.status == "sent", col(PostLog.period).in_(list(periods))
        )
    ).all()
    sent = {(period, platform, channel) for period, platform, channel in rows}
    return all((period, *target) in sent for period in periods for target in targets)


def unfinished_publications(session: Session) -> list[int]:
    """Approved spotlights whose posting began (some part is in the post log) but never completed."""
    approved = set(
        session.exec(select(SpotlightInterview.id).where(SpotlightInterview.status == Status.APPROVED)).all()
    )
    if not approved:
        return []
    periods = session.exec(
        select(PostLog.period)
        .where(PostLog.job == PUBLISH_JOB, col(PostLog.period).startswith(_PART_PREFIX))
        .distinct()
    ).all()
    started = {_interview_of_period(period) for period in periods}
    return sorted(i for i in approved if i is not None and i in started)


def mark_published(session: Session, interview_id: int, now: datetime) -> None:
    interview = session.get(SpotlightInterview, interview_id)
    if interview is not None and interview.status == Status.APPROVED:
        interview.status = Status.PUBLISHED
        interview.published_at = now
        session.add(interview)


def queue_position(session: Session, interview_id: int) -> int:
    """1 for the next spotlight to be published."""
    ids = session.exec(
        select(SpotlightInterview.id)
        .where(SpotlightInterview.status == Status.APPROVED)
        .order_by(col(SpotlightInterview.approved_at), col(SpotlightInterview.id))
    ).all()
    return ids.index(interview_id) + 1 if interview_id in ids else 0


def recent_interviews(session: Session, limit: int = 20) -> list[SpotlightInterview]:
    return list(
        session.exec(select(SpotlightInterview).order_by(col(SpotlightInterview.id).desc()).limit(limit))
    )


def published_interviews(session: Session, limit: int = 1000) -> list[SpotlightInterview]:
    """Published spotlights, newest publication first (the public archive)."""
    return list(
        session.exec(
            select(SpotlightInterview)
            .where(SpotlightInterview.status == Status.PUBLISHED)
            .order_by(col(SpotlightInterview.published_at).desc(), col(SpotlightInterview.id).desc())
            .limit(limit)
        )
    )


def published_document(session: Session, interview_id: int) -> Document | None:
    """The document of a published spotlight; None for any other id (drafts, unapproved, unknown)."""
    interview = session.get(SpotlightInterview, interview_id)
    if interview is None or interview.status != Status.PUBLISHED:
        return None
    return build_document(session, interview)
