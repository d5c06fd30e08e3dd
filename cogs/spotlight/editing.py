"""The editors' side: introduction, editor's notes, GitHub stats, and the two approvals.

Any change after an approval withdraws it: what gets published is always exactly what the
contributor approved last.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, func, select

from bot.core.errors import UserError
from bot.db.models import Repo, TrackedIssue
from cogs.spotlight.document import Stats, answers_of, build_document, text_version
from cogs.spotlight.interview import StatusRefusal, questions_of
from cogs.spotlight.models import SpotlightInterview, Status

EDITABLE = (Status.SUBMITTED, Status.EDITOR_APPROVED, Status.APPROVED)


def require_editable(interview: SpotlightInterview) -> None:
    """Refuse editing an interview that is still being answered or already closed."""
    if interview.status not in EDITABLE:
        raise StatusRefusal("spotlight.review.not_editable", interview.status, id=interview.id)


def _edited(interview: SpotlightInterview) -> bool:
    """Withdraw approvals after a change; True when one was withdrawn."""
    withdrawn = interview.status in (Status.EDITOR_APPROVED, Status.APPROVED)
    interview.status = Status.SUBMITTED
    interview.editor_approved_at = None
    interview.approved_at = None
    return withdrawn


def set_introduction(session: Session, interview: SpotlightInterview, text: str | None) -> bool:
    """Write (or, with empty text, remove) the introduction; True when an approval was withdrawn."""
    require_editable(interview)
    interview.introduction = text.strip() if text and text.strip() else None
    withdrawn = _edited(interview)
    session.add(interview)
    return withdrawn


def set_note(session: Session, interview: SpotlightInterview, number: int, text: str | None) -> bool:
    """Put an editor's note after answer ``number`` (empty text removes it)."""
    require_editable(interview)
    assert interview.id is not None
    qs = questions_of(interview)
    if not 1 <= number <= len(qs):
        raise UserError("spotlight.review.no_question", number=number, count=len(qs))
    answer = answers_of(session, interview.id).get(qs[number - 1].id)
    if answer is None:
        raise UserError("spotlight.review.unanswered", number=number)
    answer.editor_note = text.strip() if text and text.strip() else None
    session.add(answer)
    withdrawn = _edited(interview)
    session.add(interview)
    return withdrawn


def contributor_stats(session: Session, login: str) -> Stats:
    """First merged PR, merged PR count and repositories touched, from the synced GitHub tables."""
    merged = (
        col(TrackedIssue.is_pull_request).is_(True),
        col(TrackedIssue.merged).is_(True),
        col(TrackedIssue.merged_at).is_not(None),
        col(TrackedIssue.removed_at).is_(None),
        func.lower(TrackedIssue.author_login) == login.lower(),
    )
    first, count = session.exec(select(func.min(TrackedIssue.merged_at), func.count()).where(*merged)).one()
    repos = session.exec(
        select(Repo.full_name)
        .join(TrackedIssue, col(TrackedIssue.repo_id) == col(Repo.id))
        .where(*merged)
        .distinct()
    ).all()
    return Stats(first, int(count or 0), tuple(sorted(repos, key=str.lower)))


def attach_stats(session: Session, interview: SpotlightInterview, remove: bool = False) -> Stats | None:
    """Attach a snapshot of the contributor's GitHub stats (or remove it)."""
    require_editable(interview)
    if remove:
        if interview.stats is None:  # nothing changes: no approval is withdrawn either
            raise UserError("spotlight.review.no_stats", id=interview.id)
        interview.stats = None
        stats = None
    else:
        if not interview.github_login:
            raise UserError("spotlight.review.no_github", name=interview.display_name)
        stats = contributor_stats(session, interview.github_login)
        interview.stats = stats.to_json()
    _edited(interview)
    session.add(interview)
    return stats


def editor_approve(
    session: Session, interview: SpotlightInterview, editor_id: int | None, now: datetime
) -> None:
    """The editors' approval: the text is final and goes to the contributor to approve."""
    if interview.status == Status.EDITOR_APPROVED:
        raise UserError("spotlight.review.already_approved", id=interview.id)
    if interview.status != Status.SUBMITTED:
        raise StatusRefusal("spotlight.review.not_editable", interview.status, id=interview.id)
    interview.status = Status.EDITOR_APPROVED
    interview.editor_approved_at = now
    interview.editor_id = editor_id
    interview.change_request = None
    session.add(interview)


def require_waiting(interview: SpotlightInterview) -> None:
    """Refuse a contributor's decision on a text that is not waiting for one."""
    if interview.status != Status.EDITOR_APPROVED:
        raise StatusRefusal("spotlight.final.not_waiting", interview.status)


def _lock(session: Session, interview: SpotlightInterview) -> None:
    """Lock and re-read the interview's row (PostgreSQL; SQLite transactions hold the write lock
    already), so an edit committing meanwhile is seen before the version check, never after it."""
    statement = (
        select(SpotlightInterview)
        .where(col(SpotlightInterview.id) == interview.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    session.exec(statement).one()


def contributor_approve(
    session: Session, interview: SpotlightInterview, version: str | None, now: datetime
) -> bool:
    """The contributor approves the text version ``version`` (what their Approve button was sent with);
    True when this approved it, False when it was approved already.

    Any other version is refused: the text changed after that button was sent, and only the newest
    text may be approved. Pressing the button of the approved text again changes nothing.
    """
    _lock(session, interview)
    if interview.status not in (Status.EDITOR_APPROVED, Status.APPROVED):
        raise StatusRefusal("spotlight.final.not_waiting", interview.status)
    if version is None or version != text_version(build_document(session, interview)):
        raise UserError("spotlight.final.stale")
    if interview.status == Status.APPROVED:
        return False
    interview.status = Status.APPROVED
    interview.approved_at = now
    session.add(interview)
    return True


def contributor_changes(session: Session, interview: SpotlightInterview, changes: str | None) -> None:
    """The contributor asks for changes: the interview goes back to the editors with their request."""
    require_waiting(interview)
    interview.status = Status.SUBMITTED
    interview.editor_approved_at = None
    interview.change_request = (changes or "").strip() or None
    session.add(interview)
