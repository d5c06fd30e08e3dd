"""Messages and forms of the spotlight feature (everything the cog shows that is not the post itself)."""

from __future__ import annotations

from bot.core.errors import UserError
from bot.core.messages import (
    Bold,
    BulletList,
    Button,
    Buttons,
    ButtonStyle,
    Code,
    Context,
    Form,
    Header,
    Inline,
    Message,
    Plain,
    Question,
    Quote,
    Section,
)
from bot.i18n import Translate
from cogs.spotlight.candidates import Candidate, Reason
from cogs.spotlight.document import Document
from cogs.spotlight.interview import Progress, StatusRefusal, page_questions, questions_of
from cogs.spotlight.models import SpotlightAnswer, SpotlightInterview, Status
from cogs.spotlight.questions import InterviewQuestion, pages


def ref(interview_id: int, page: int) -> str:
    """Button/form value naming a page of an interview."""
    return f"{interview_id}.{page}"


def button_id(value: str) -> int:
    """The number a button or form carries; a garbled or forged value is a stale button, not a crash."""
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise UserError("core.error.stale_button")
    return int(value)


def parse_ref(value: str) -> tuple[int, int]:
    """The (interview id, page) a :func:`ref` names."""
    head, _, tail = value.partition(".")
    return button_id(head), button_id(tail or "1")


def final_ref(interview_id: int, version: str) -> str:
    """Button value naming an interview and the version of its text the buttons were sent with."""
    return f"{interview_id}:{version}"


def parse_final_ref(value: str) -> tuple[int, str | None]:
    """The (interview id, text version) of a :func:`final_ref`; no version on buttons sent before it."""
    head, _, version = value.partition(":")
    return button_id(head), version or None


def status_label(t: Translate, status: str) -> str:
    """What a person reads for an interview status (never the internal code)."""
    return t(f"spotlight.status.{status}")


def status_refusal(t: Translate, refusal: StatusRefusal) -> UserError:
    """The refusal as the reader gets it: the status written as its label, in their language."""
    params = {**refusal.params, "status": status_label(t, refusal.status)}
    return UserError(refusal.key, outside=refusal.outside, **params)


def reason_text(t: Translate, reason: Reason) -> list[Inline]:
    """A reason with its details (nomination notes, finished issues) in parentheses."""
    text = t(f"spotlight.reason.{reason.kind}", count=reason.count)
    return [text, Plain(f" ({'; '.join(reason.details)})")] if reason.details else [text]


def candidate_list(t: Translate, candidates: list[Candidate], lookback_weeks: int) -> Message:
    msg = Message([Header(t("spotlight.candidates.title"))], summary=t("spotlight.candidates.title"))
    if not candidates:
        return msg.add(Section(t("spotlight.candidates.none", weeks=lookback_weeks, count=lookback_weeks)))
    items: list[tuple[Inline, ...]] = []
    for rank, cand in enumerate(candidates, start=1):
        p = cand.person
        who: list[Inline] = [Bold(f"{rank}. "), Bold(Plain(p.display_name))]
        if p.github_login and p.github_login.lower() != p.display_name.lower():
            who.append(Plain(f" (@{p.github_login})"))
        reasons: list[Inline] = []
        for i, reason in enumerate(cand.reasons):
            reasons.extend(([" · "] if i else []) + reason_text(t, reason))
        items.append((*who, " — ", *reasons, t("spotlight.candidates.score", score=cand.score)))
    msg.add(BulletList(tuple(items)))
    return msg.add(Context(t("spotlight.candidates.footer")))


def invitation(t: Translate, interview: SpotlightInterview, project: str, questions: int) -> Message:
    assert interview.id is not None
    value = str(interview.id)
    return Message(
        [
            Header(t("spotlight.invite.dm_title", project=project)),
            Section(t("spotlight.invite.dm_body", project=project, count=questions)),
            Buttons(
                (
                    Button(t("spotlight.invite.accept"), "spot_accept", value, ButtonStyle.PRIMARY),
                    Button(t("spotlight.invite.not_now"), "spot_notnow", value),
                    Button(t("spotlight.invite.never"), "spot_never", value, ButtonStyle.DANGER),
                )
            ),
            Context(t("spotlight.invite.dm_footer")),
        ],
        summary=t("spotlight.invite.dm_title", project=project),
    )


def page_form(
    t: Translate,
    interview: SpotlightInterview,
    page: int,
    answers: dict[str, SpotlightAnswer],
    max_length: int,
) -> Form:
    """One page of questions (at most five), pre-filled with what was saved."""
    assert interview.id is not None
    total = len(pages(questions_of(interview)))
    questions = []
    for q in page_questions(interview, page):
        saved = answers.get(q.id)
        questions.append(
            Question(
                id=q.id,
                # The one numbering: the question's number in the whole interview (adapters add none).
                label=f"{q.number}. {q.text(interview.locale)}",
                long=True,
                # Marked as it is: what Submit will demand is required here too (every platform shows
                # it the same way), so nothing reads "optional" and is then refused.
                required=not q.optional,
                max_length=max_length,
                placeholder=t("spotlight.form.optional") if q.optional else None,
                default=saved.text if saved is not None else None,
            )
        )
    return Form(
        title=t("spotlight.form.title", page=page, pages=total),
        action="spot_save",
        questions=tuple(questions),
        value=ref(interview.id, page),
    )


def progress_message(
    t: Translate, interview: SpotlightInterview, state: Progress, saved_page: int | None
) -> Message:
    """Where the answers stand, with a button per page, Save for later and Submit."""
    assert interview.id is not None
    msg = Message()
    if saved_page is not None:
        msg.add(Section(t("spotlight.answer.saved", page=saved_page)))
    msg.add(
        Section(t("spotlight.answer.progress", answered=state.answered, total=state.total, count=state.total))
    )
    if state.missing_required:
        numbers = ", ".join(map(str, state.missing_required))
        msg.add(Context(t("spotlight.answer.missing", numbers=numbers, count=len(state.missing_required))))
    qs = _questions(interview)
    buttons = []
    for number, page in enumerate(pages(qs), start=1):
        first, last = page[0].number, page[-1].number
        if first == last:
            label = t("spotlight.answer.page_button_one", number=first)
        else:
            label = t("spotlight.answer.page_button", first=first, last=last)
        buttons.append(Button(label, "spot_page", ref(interview.id, number)))
    buttons.append(Button(t("spotlight.answer.later"), "spot_later", str(interview.id)))
    style = ButtonStyle.PRIMARY if not state.missing_required else ButtonStyle.SECONDARY
    buttons.append(Button(t("spotlight.answer.submit"), "spot_submit", str(interview.id), style))
    msg.add(Buttons(tuple(buttons)))
    msg.summary = t(
        "spotlight.answer.progress", answered=state.answered, total=state.total, count=state.total
    )
    return msg


def _questions(interview: SpotlightInterview) -> list[InterviewQuestion]:
    return questions_of(interview)


def review_message(
    t: Translate, interview: SpotlightInterview, doc: Document, answers: dict[str, SpotlightAnswer]
) -> Message:
    """The editors' view: every question with its interview number, answers, notes, and the actions."""
    assert interview.id is not None
    msg = Message(
        [
            Header(Plain(t("spotlight.review.title", id=interview.id, name=interview.display_name)[:140])),
            Section(t("spotlight.review.status", status=status_label(t, interview.status))),
        ],
        summary=t("spotlight.review.title", id=interview.id, name=interview.display_name),
    )
    if interview.change_request:
        msg.add(Section(Bold(t("spotlight.review.change_request")), Plain(interview.change_request)))
    intro: Inline = (
        Plain(interview.introduction) if interview.introduction else t("spotlight.review.no_intro")
    )
    msg.add(Section(Bold(t("spotlight.review.intro")), intro))
    for q in _questions(interview):
        answer = answers.get(q.id)
        msg.add(Section(Bold(f"{q.number}. ", Plain(q.text(interview.locale)))))
        if answer is None:
            msg.add(Context(t("spotlight.review.skipped")))
            continue
        msg.add(Quote(Plain(answer.text)))
        if answer.editor_note:
            msg.add(Context("📝 ", Bold(t("spotlight.post.editor_note")), Plain(answer.editor_note)))
    if doc.stats is not None:
        prs = doc.stats.merged_prs
        msg.add(Context(t("spotlight.review.stats_attached", prs=prs, count=prs)))
    value = str(interview.id)
    msg.add(
        Buttons(
            (
                Button(t("spotlight.review.edit_intro"), "spot_intro", value),
                Button(t("spotlight.review.attach_stats"), "spot_stats", value),
                Button(t("spotlight.review.approve"), "spot_approve", value, ButtonStyle.PRIMARY),
            )
        ),
        Context(t("spotlight.review.hint", id=interview.id)),
    )
    return msg


def intro_form(t: Translate, interview: SpotlightInterview) -> Form:
    assert interview.id is not None
    return Form(
        title=t("spotlight.review.intro_form_title", id=interview.id),
        action="spot_intro_save",
        questions=(
            Question(
                id="introduction",
                label=t("spotlight.review.intro"),
                long=True,
                required=False,
                max_length=1500,
                default=interview.introduction,
            ),
        ),
        value=str(interview.id),
    )


def final_approval_request(t: Translate, interview: SpotlightInterview, version: str) -> Message:
    """Approve / Request changes under the final text; both name the ``version`` of the text shown."""
    assert interview.id is not None
    value = final_ref(interview.id, version)
    return Message(
        [
            Section(t("spotlight.final.request")),
            Buttons(
                (
                    Button(t("spotlight.final.approve"), "spot_final_ok", value, ButtonStyle.PRIMARY),
                    Button(t("spotlight.final.changes"), "spot_final_change", value),
                )
            ),
        ],
        summary=t("spotlight.final.request"),
    )


def changes_form(t: Translate, interview_id: int) -> Form:
    return Form(
        title=t("spotlight.final.changes_title"),
        action="spot_changes_save",
        questions=(
            Question(id="changes", label=t("spotlight.final.changes_label"), long=True, max_length=1500),
        ),
        value=str(interview_id),
    )


def interview_list(t: Translate, rows: list[SpotlightInterview]) -> Message:
    msg = Message([Header(t("spotlight.list.title"))], summary=t("spotlight.list.title"))
    if not rows:
        return msg.add(Section(t("spotlight.list.none")))
    items: list[tuple[Inline, ...]] = [
        (Code(f"#{r.id}"), " ", Plain(r.display_name), " — ", status_label(t, r.status)) for r in rows
    ]
    return msg.add(BulletList(tuple(items)))


def status_reply(t: Translate, interview: SpotlightInterview) -> Message:
    key = "spotlight.answer.status_submitted"
    if interview.status == Status.APPROVED:
        key = "spotlight.answer.status_approved"
    return Message.text(t(key))
