"""Candidate ranking and the interview's state changes, on real databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.core.errors import FormInvalid, UserError
from bot.db.database import Database
from bot.db.models import Member
from cogs.spotlight import editing
from cogs.spotlight import interview as flow
from cogs.spotlight.candidates import CandidateFinder, CandidateRules, anniversary_years, months_before
from cogs.spotlight.config import default_questions
from cogs.spotlight.document import answers_of, build_document, text_version
from cogs.spotlight.models import SpotlightCredit, SpotlightInterview, Status
from cogs.spotlight.people import Person
from tests.cogs.spotlight.history import NOW, seed_history


def rules(**changes: object) -> CandidateRules:
    base = {
        "lookback_weeks": 8,
        "cooldown_months": 6,
        "not_now_cooldown": timedelta(days=90),
        "bot_logins": (),
    }
    return CandidateRules(**{**base, **changes})  # type: ignore[arg-type]


def names(db: Database, finder: CandidateFinder, now: datetime = NOW) -> list[str]:
    return [c.person.display_name for c in db.call(lambda s: finder.find(s, now))]


def add_member(db: Database, name: str, login: str | None = None) -> int:
    def write(session: Session) -> int:
        member = Member(display_name=name, created_at=NOW)
        if login:
            member.github_login, member.github_login_lower, member.github_verified_at = (
                login,
                login.lower(),
                NOW,
            )
        session.add(member)
        session.flush()
        assert member.id is not None
        return member.id

    return db.call(write)


def test_ranking_and_exclusions(db: Database) -> None:
    seed_history(db)
    assert names(db, CandidateFinder(rules())) == ["newbie-dev", "old-timer", "veteran"]
    # Configured bot logins (renovate-style accounts without the [bot] suffix) are excluded too.
    assert names(db, CandidateFinder(rules(bot_logins=("Veteran",)))) == ["newbie-dev", "old-timer"]
    # A shorter look-back drops what happened before it; first contributions are dated by the first merge.
    assert names(db, CandidateFinder(rules(lookback_weeks=1))) == ["newbie-dev", "old-timer", "veteran"]
    veteran = [c for c in db.call(lambda s: CandidateFinder(rules(lookback_weeks=1)).find(s, NOW))][2]
    assert [(r.kind, r.count) for r in veteran.reasons] == [("merged_prs", 1)]


def test_interviewed_and_published_people_wait_for_the_cooldown(db: Database) -> None:
    seed_history(db)
    member_id = add_member(db, "Vera", "veteran")
    finder = CandidateFinder(rules())

    def interview(status: Status, **fields: object) -> None:
        db.call(
            lambda s: s.add(
                SpotlightInterview(
                    member_id=member_id,
                    github_login="veteran",
                    display_name="Vera",
                    status=status,
                    invited_at=NOW,
                    **fields,
                )
            )
        )

    interview(Status.ACCEPTED)
    assert "Vera" not in names(db, finder)

    def published_months_ago(session: Session) -> None:
        row = session.exec(select(SpotlightInterview)).one()
        row.status, row.published_at = Status.PUBLISHED, NOW - timedelta(days=150)
        session.add(row)

    db.call(published_months_ago)
    assert "Vera" not in names(db, finder)  # published five months ago, cooldown six
    assert "Vera" in names(db, finder, NOW + timedelta(days=40))  # and it reappears once it has passed


def test_nominations_and_credits_from_other_features(db: Database) -> None:
    member_id = add_member(db, "Gil")
    finder = CandidateFinder(rules())
    db.call(
        lambda s: s.add(
            SpotlightCredit(
                member_id=member_id, kind="nominated", detail="great reviews", at=NOW - timedelta(days=300)
            )
        )
    )
    [gil] = db.call(lambda s: finder.find(s, NOW))
    assert gil.person.member_id == member_id and [(r.kind, r.details) for r in gil.reasons] == [
        ("nominated", ("great reviews",))
    ]
    assert gil.score == 4


def test_a_nomination_counts_once_however_often_it_is_given(db: Database) -> None:
    gil = add_member(db, "Gil")
    mia, ola = add_member(db, "Mia"), add_member(db, "Ola")
    finder = CandidateFinder(rules())

    def credit(kind: str, detail: str, by: int | None = None, days: int = 1) -> None:
        at = NOW - timedelta(days=days)
        db.call(
            lambda s: s.add(SpotlightCredit(member_id=gil, kind=kind, detail=detail, by_member_id=by, at=at))
        )

    credit("nominated", "Great work", by=mia, days=2)
    credit("nominated", "great work ", by=mia)  # the same nomination, typed again
    [cand] = db.call(lambda s: finder.find(s, NOW))
    assert [(r.kind, r.count, r.details) for r in cand.reasons] == [("nominated", 1, ("Great work",))]
    assert cand.score == 4
    credit("nominated", "Helpful reviews", by=ola)
    credit("gfi_done", "acme/widgets#1")
    credit("gfi_done", "acme/widgets#2")
    [cand] = db.call(lambda s: finder.find(s, NOW))
    reasons = {r.kind: (r.count, r.details) for r in cand.reasons}
    assert reasons == {
        "nominated": (2, ("Great work", "Helpful reviews")),
        "gfi_done": (2, ("acme/widgets#1", "acme/widgets#2")),
    }
    assert cand.score == 4 + 2  # each kind once: two nominators and two issues add nothing more


def test_calendar_helpers() -> None:
    assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 6) == datetime(2025, 7, 15, tzinfo=UTC)
    leap = datetime(2024, 2, 29, 12, tzinfo=UTC)
    assert anniversary_years(leap, datetime(2025, 3, 1, tzinfo=UTC)) == 1
    assert anniversary_years(leap, datetime(2025, 4, 1, tzinfo=UTC)) == 0


def _accepted(db: Database, questions: int = 7) -> tuple[int, int]:
    member_id = add_member(db, "Ivy", "ivy")

    def work(session: Session) -> int:
        person = Person(member_id, "ivy", "Ivy")
        interview = flow.invite(
            session, person, by_member_id=None, now=NOW, default_locale="en", bot_logins=()
        )
        assert interview.id is not None
        flow.respond(session, interview.id, member_id, "accept", NOW, default_questions()[:questions])
        return interview.id

    return db.call(work), member_id


def test_answers_are_stored_verbatim_and_validated(db: Database) -> None:
    interview_id, member_id = _accepted(db)
    raw = "  Indented **as typed** @everyone\n\n"

    def save(values: dict[str, str], page: int = 1) -> flow.Progress:
        return db.call(
            lambda s: flow.save_page(s, flow.get_interview(s, interview_id), page, values, NOW, 3000)
        )

    state = save({"intro": raw, "learned": "x"})
    assert (state.answered, state.total, state.pages) == (2, 7, 2)
    assert db.call(lambda s: answers_of(s, interview_id)["intro"].text) == raw
    with pytest.raises(FormInvalid) as too_long:
        save({"intro": "y" * 3001})
    assert too_long.value.errors == {"intro": "core.form.too_long"}
    assert too_long.value.params["intro"]["count"] == 1  # one character to cut
    assert save({"learned": "   "}).answered == 1  # emptied: removed
    with pytest.raises(UserError) as no_page:
        save({}, page=3)
    assert no_page.value.key == "spotlight.answer.no_page"
    with pytest.raises(UserError):
        db.call(lambda s: flow.own_interview(s, interview_id, member_id + 1))


def test_edits_after_approval_withdraw_it(db: Database) -> None:
    interview_id, _ = _accepted(db, questions=5)
    answers = {q.id: f"Answer {q.id}." for q in default_questions()[:5]}

    def step(fn: object) -> SpotlightInterview:
        def work(session: Session) -> SpotlightInterview:
            interview = flow.get_interview(session, interview_id)
            fn(session, interview)  # type: ignore[operator]
            return interview

        return db.call(work)

    step(lambda s, i: flow.save_page(s, i, 1, answers, NOW, 3000))
    step(lambda s, i: flow.submit(s, i, NOW))
    step(lambda s, i: editing.editor_approve(s, i, None, NOW))
    assert step(lambda s, i: editing.contributor_changes(s, i, "Fix my name")).change_request == "Fix my name"
    step(lambda s, i: editing.editor_approve(s, i, None, NOW))
    version = db.call(lambda s: text_version(build_document(s, flow.get_interview(s, interview_id))))
    approved = step(lambda s, i: editing.contributor_approve(s, i, version, NOW))
    assert approved.status == Status.APPROVED
    withdrawn = db.call(lambda s: editing.set_note(s, flow.get_interview(s, interview_id), 2, "Note."))
    assert withdrawn
    interview = db.call(lambda s: flow.get_interview(s, interview_id))
    assert interview.status == Status.SUBMITTED and interview.approved_at is None
    doc = db.call(lambda s: build_document(s, flow.get_interview(s, interview_id)))
    assert [i.note for i in doc.items] == [None, "Note.", None, None, None]
    with pytest.raises(UserError):
        db.call(lambda s: editing.set_note(s, flow.get_interview(s, interview_id), 9, "x"))


def test_only_the_version_the_contributor_was_shown_can_be_approved(db: Database) -> None:
    interview_id, _ = _accepted(db, questions=5)
    answers = {q.id: f"Answer {q.id}." for q in default_questions()[:5]}

    def run(fn: object) -> str:
        def work(session: Session) -> str:
            interview = flow.get_interview(session, interview_id)
            fn(session, interview)  # type: ignore[operator]
            session.flush()
            return text_version(build_document(session, interview))

        return db.call(work)

    run(lambda s, i: flow.save_page(s, i, 1, answers, NOW, 3000))
    run(lambda s, i: flow.submit(s, i, NOW))
    shown = run(lambda s, i: editing.editor_approve(s, i, None, NOW))
    run(lambda s, i: editing.contributor_changes(s, i, "More, please."))
    edited = run(lambda s, i: editing.set_introduction(s, i, "An introduction."))
    assert edited != shown and run(lambda s, i: editing.editor_approve(s, i, None, NOW)) == edited
    for stale in (shown, None, ""):  # an older text, and a button from before versions existed
        with pytest.raises(UserError) as refused:
            run(lambda s, i, v=stale: editing.contributor_approve(s, i, v or None, NOW))
        assert refused.value.key == "spotlight.final.stale"
    run(lambda s, i: editing.contributor_approve(s, i, edited, NOW))
    assert db.call(lambda s: flow.get_interview(s, interview_id).status) == Status.APPROVED
