"""The contributor's side of an interview: invitation, answers saved page by page, submission,
reminders and expiry. Plain functions over a session; errors are ``UserError``s for the person."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.core.errors import FormInvalid, UserError
from bot.core.messages import TOO_LONG, too_long
from bot.db.models import Member
from cogs.spotlight.config import QuestionConfig
from cogs.spotlight.document import answers_of
from cogs.spotlight.models import OPEN_STATUSES, SpotlightAnswer, SpotlightInterview, Status
from cogs.spotlight.people import Person, is_bot_login, opted_out, person_of, set_opt_out
from cogs.spotlight.questions import InterviewQuestion, from_snapshot, pages, snapshot


class StatusRefusal(UserError):
    """A refusal that names where the interview stands.

    It holds the status code; the part that answers shows the status's label in the reader's language
    (``SpotlightService.run``), so no internal code ever reaches a person.
    """

    def __init__(self, key: str, status: str, **params: Any) -> None:
        super().__init__(key, status=status, **params)
        self.status = status


@dataclass(frozen=True)
class Progress:
    """How far an interview's answers are."""

    answered: int
    total: int
    missing_required: tuple[int, ...]  # question numbers
    pages: int


def get_interview(session: Session, interview_id: int) -> SpotlightInterview:
    interview = session.get(SpotlightInterview, interview_id)
    if interview is None:
        raise UserError("spotlight.error.no_interview", id=interview_id)
    return interview


def own_interview(session: Session, interview_id: int, member_id: int | None) -> SpotlightInterview:
    """The interview, if it is ``member_id``'s (buttons in DMs can be forwarded)."""
    interview = get_interview(session, interview_id)
    if interview.member_id != member_id:
        raise UserError("spotlight.error.not_yours")
    return interview


def current_interview(session: Session, member_id: int) -> SpotlightInterview | None:
    """The member's interview that is still open, newest first."""
    return session.exec(
        select(SpotlightInterview)
        .where(
            SpotlightInterview.member_id == member_id,
            col(SpotlightInterview.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .order_by(col(SpotlightInterview.id).desc())
    ).first()


def invite(
    session: Session,
    person: Person,
    *,
    by_member_id: int | None,
    now: datetime,
    default_locale: str,
    bot_logins: tuple[str, ...],
) -> SpotlightInterview:
    """Create an invitation for ``person``; refuses bots, opt-outs, people without a chat account and
    people who already have an interview under way."""
    if person.is_bot or (person.github_login and is_bot_login(person.github_login, bot_logins)):
        raise UserError("spotlight.invite.bot", name=person.display_name)
    if opted_out(session, person):
        raise UserError("spotlight.invite.opted_out", name=person.display_name)
    if person.member_id is None:
        raise UserError("spotlight.invite.no_chat_account", name=person.display_name)
    open_one = current_interview(session, person.member_id)
    if open_one is not None:
        raise UserError("spotlight.invite.already", name=person.display_name, id=open_one.id)
    member = session.get(Member, person.member_id)
    assert member is not None
    interview = SpotlightInterview(
        member_id=person.member_id,
        github_login=person.github_login,
        display_name=person.display_name,
        status=Status.INVITED,
        locale=member.locale or default_locale,
        invited_by=by_member_id,
        invited_at=now,
    )
    session.add(interview)
    session.flush()
    return interview


def respond(
    session: Session,
    interview_id: int,
    member_id: int | None,
    choice: str,
    now: datetime,
    questions: list[QuestionConfig],
) -> SpotlightInterview:
    """Accept, decline ("Not now") or opt out ("Never") of an invitation."""
    interview = own_interview(session, interview_id, member_id)
    if interview.status == Status.OPTED_OUT:
        raise UserError("spotlight.invite.closed_opted_out")
    if interview.status != Status.INVITED:
        if choice == "accept" and interview.status == Status.ACCEPTED:
            return interview  # pressing Accept twice just reopens the form
        raise StatusRefusal("spotlight.invite.no_longer_open", interview.status)
    if choice == "accept":
        interview.status = Status.ACCEPTED
        interview.accepted_at = now
        interview.questions = snapshot(questions)
    elif choice == "decline":
        interview.status = Status.DECLINED
        interview.closed_at = now
    elif choice == "never":
        interview.status = Status.OPTED_OUT
        interview.closed_at = now
        member = session.get(Member, interview.member_id)
        login = interview.github_login
        set_opt_out(session, Person(interview.member_id, login, interview.display_name), True, now)
        if member is not None and member.github_login and member.github_login != login:
            set_opt_out(session, Person(None, member.github_login, interview.display_name), True, now)
        close_open_interviews(session, interview.member_id, now)
    else:
        raise ValueError(choice)
    session.add(interview)
    return interview


def close_open_interviews(session: Session, member_id: int, now: datetime) -> list[SpotlightInterview]:
    """Close every unpublished interview of someone who opted out; none of it will be published."""
    closed = list(
        session.exec(
            select(SpotlightInterview).where(
                SpotlightInterview.member_id == member_id,
                col(SpotlightInterview.status).in_([s.value for s in OPEN_STATUSES]),
            )
        )
    )
    for row in closed:
        row.status = Status.OPTED_OUT
        row.closed_at = now
        session.add(row)
    return closed


def choose_opt(session: Session, member_id: int, out: bool, now: datetime) -> list[SpotlightInterview]:
    """``/spotlight opt in|out``; opting out also closes the person's open interviews (returned)."""
    member = session.get(Member, member_id)
    assert member is not None
    set_opt_out(session, person_of(member), out, now)
    return close_open_interviews(session, member_id, now) if out else []


def questions_of(interview: SpotlightInterview) -> list[InterviewQuestion]:
    return from_snapshot(interview.questions)


def progress(session: Session, interview: SpotlightInterview) -> Progress:
    assert interview.id is not None
    answers = answers_of(session, interview.id)
    qs = questions_of(interview)
    missing = tuple(q.number for q in qs if not q.optional and q.id not in answers)
    return Progress(sum(1 for q in qs if q.id in answers), len(qs), missing, len(pages(qs)))


def require_answering(interview: SpotlightInterview) -> None:
    if interview.status == Status.INVITED:
        raise UserError("spotlight.answer.accept_first")
    if interview.status != Status.ACCEPTED:
        raise StatusRefusal("spotlight.answer.closed", interview.status)


def save_page(
    session: Session,
    interview: SpotlightInterview,
    page: int,
    values: Mapping[str, str],
    now: datetime,
    max_length: int,
) -> Progress:
    """Store the answers of one page exactly as written; an emptied answer is removed."""
    require_answering(interview)
    assert interview.id is not None
    page_questions = _page(interview, page)
    over = {q.id: too_long(values.get(q.id) or "", max_length) for q in page_questions}
    params = {qid: found for qid, found in over.items() if found is not None}
    if params:
        raise FormInvalid(dict.fromkeys(params, TOO_LONG), params)
    answers = answers_of(session, interview.id)
    for q in page_questions:
        if q.id not in values:
            continue  # not on the submitted form: keep what is stored
        text = values[q.id]
        existing = answers.get(q.id)
        if not text.strip():
            if existing is not None:
                session.delete(existing)
            continue
        if existing is None:
            session.add(
                SpotlightAnswer(interview_id=interview.id, question_id=q.id, text=text, updated_at=now)
            )
        elif existing.text != text:
            existing.text = text
            existing.updated_at = now
            session.add(existing)
    session.flush()
    return progress(session, interview)


def _page(interview: SpotlightInterview, page: int) -> list[InterviewQuestion]:
    all_pages = pages(questions_of(interview))
    if not 1 <= page <= len(all_pages):
        raise UserError("spotlight.answer.no_page", page=page, count=len(all_pages))
    return all_pages[page - 1]


def page_questions(interview: SpotlightInterview, page: int) -> list[InterviewQuestion]:
    return _page(interview, page)


def first_open_page(session: Session, interview: SpotlightInterview) -> int:
    """The first page with an unanswered question (page 1 when everything is answered)."""
    assert interview.id is not None
    answers = answers_of(session, interview.id)
    for number, page in enumerate(pages(questions_of(interview)), start=1):
        if any(q.id not in answers for q in page):
            return number
    return 1


def submit(session: Session, interview: SpotlightInterview, now: datetime) -> None:
    """Hand the answers to the editors; every required question must be answered."""
    require_answering(interview)
    state = progress(session, interview)
    if state.missing_required:
        missing = state.missing_required
        raise UserError("spotlight.submit.missing", numbers=", ".join(map(str, missing)), count=len(missing))
    interview.status = Status.SUBMITTED
    interview.submitted_at = now
    session.add(interview)


@dataclass(frozen=True)
class Due:
    """Interviews whose contributor gets a reminder, and those that just expired."""

    remind: list[SpotlightInterview]
    expired: list[SpotlightInterview]


def due_reminders(session: Session, now: datetime, remind_after: timedelta, expire_after: timedelta) -> Due:
    """Mark unanswered interviews reminded or expired; each reminder is recorded so it goes once."""
    rows = session.exec(
        select(SpotlightInterview).where(
            col(SpotlightInterview.status).in_([Status.INVITED.value, Status.ACCEPTED.value])
        )
    ).all()
    remind: list[SpotlightInterview] = []
    expired: list[SpotlightInterview] = []
    for row in rows:
        started = row.accepted_at or row.invited_at
        if now - started >= expire_after:
            row.status = Status.EXPIRED
            row.closed_at = now
            expired.append(row)
        elif row.status == Status.ACCEPTED and row.reminded_at is None and now - started >= remind_after:
            row.reminded_at = now
            remind.append(row)
        else:
            continue
        session.add(row)
    return Due(remind, expired)
