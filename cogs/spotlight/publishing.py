"""Which spotlight goes out next, and the record that it did (one per publishing day)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from cogs.spotlight.document import Document, build_document
from cogs.spotlight.models import SpotlightInterview, Status


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
