"""An interview walked the way a person does it (invite, accept, answer, submit), for the chat tests."""

from __future__ import annotations

from sqlmodel import Session

from cogs.spotlight.interview import get_interview
from tests.cogs.spotlight.test_e2e import last, only
from tests.fixtures.chat import ChatDriver, Reply

# Six questions, the second optional (page 1: questions 1-5, page 2: question 6).
SIX_QUESTIONS_YAML = """\
spotlight:
  questions:
    - {id: a, text: {en: "Question A?", zh-CN: "问题 A？"}}
    - {id: b, text: "Question B?", optional: true}
    - {id: c, text: "Question C?"}
    - {id: d, text: "Question D?"}
    - {id: e, text: "Question E?"}
    - {id: f, text: "Question F?"}
"""
ANSWERS = {"a": "Answer A.", "c": "Answer C.", "d": "Answer D.", "e": "Answer E.", "f": "Answer F."}


async def invited(chat: ChatDriver, user: str, maintainer: str = "mia") -> Reply:
    """``user`` (made known by a first command) invited by ``maintainer``; the invitation DM."""
    await chat.command(user, "/spotlight answer")
    sent = only(await chat.command(maintainer, f"/spotlight invite {user}"))
    assert "sent to" in sent.text, sent.text
    return chat.dms(user)[-1]


async def submitted(chat: ChatDriver, user: str, answers: dict[str, str] = ANSWERS) -> tuple[Reply, Reply]:
    """``user`` invited, accepting and answering (questions left out of ``answers`` skipped) and
    submitting; returns the invitation and the last progress message (page buttons, Submit)."""
    invitation = await invited(chat, user)
    await chat.click(user, invitation, "Accept")
    progress = last(await chat.fill_form(user, answers))
    if "Question 6" in progress.buttons:
        await chat.click(user, progress, "Question 6")
        progress = last(await chat.fill_form(user, answers))
    done = only(await chat.click(user, progress, "Submit"))
    assert "submitted" in done.text, done.text
    return invitation, progress


def status_of(chat: ChatDriver, interview_id: int) -> str:
    return chat.app.db.call(lambda s: get_interview(s, interview_id).status)


def set_status(chat: ChatDriver, interview_id: int, status: str) -> None:
    """Put an interview in ``status`` directly (the states a test cannot reach in a few clicks)."""

    def write(session: Session) -> None:
        row = get_interview(session, interview_id)
        row.status = status
        session.add(row)

    chat.app.db.call(write)
