"""The contributor approves one exact text: an Approve button sent under an older text approves
nothing, says why and points to the newest one; only the newest text is ever published."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.errors import UserError
from cogs.spotlight.document import build_document
from cogs.spotlight.interview import get_interview
from cogs.spotlight.models import Status
from cogs.spotlight.views import button_id, final_ref, parse_final_ref
from tests.cogs.spotlight.history import NOW
from tests.cogs.spotlight.interviews import ANSWERS, SIX_QUESTIONS_YAML, invited, only, status_of, submitted
from tests.fixtures.chat import ChatDriver, ChatFactory

STALE = "The text has changed since these buttons were sent"


async def test_an_old_approve_button_approves_nothing(chat_factory: ChatFactory) -> None:
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SIX_QUESTIONS_YAML, maintainers=["mia"], clock=clock) as chat:
        await submitted(chat, "ben")
        await chat.command("mia", '/spotlight intro 1 "Ben writes docs."')
        await chat.command("mia", "/spotlight approve 1")
        old = chat.dms("ben")[-1]
        assert old.buttons == ["Approve", "Request changes"]

        # Ben asks for changes: the old buttons now face a text that is back with the editors.
        await chat.click("ben", old, "Request changes")
        await chat.fill_form("ben", {"changes": "Say I write tutorials too."})
        waiting = only(await chat.click("ben", old, "Approve"))
        assert "not waiting for your approval. Status: submitted, with the editors." in waiting.text

        await chat.command("mia", '/spotlight intro 1 "Ben writes docs and tutorials. [edited]"')
        await chat.command("mia", "/spotlight approve 1")
        new = chat.dms("ben")[-1]
        assert new.buttons == ["Approve", "Request changes"]
        notices = len(chat.posts("maintainers"))

        stale = only(await chat.click("ben", old, "Approve"))
        assert STALE in stale.text and "/spotlight answer" in stale.text
        assert "queued for publishing" not in stale.text
        assert status_of(chat, 1) == Status.EDITOR_APPROVED and len(chat.posts("maintainers")) == notices

        ok = only(await chat.click("ben", new, "Approve"))
        assert "queued for publishing" in ok.text and status_of(chat, 1) == Status.APPROVED
        assert len(chat.posts("maintainers")) == notices + 1
        # The same text approved twice: no change, and the maintainers are not told a second time.
        again = only(await chat.click("ben", new, "Approve"))
        assert again.text == "You approved this text already; it is number 1 in the publishing queue."
        assert len(chat.posts("maintainers")) == notices + 1
        assert STALE in only(await chat.click("ben", old, "Approve")).text

        await chat.app.jobs()["spotlight_publish"]()
        text = "\n".join(p.text for p in chat.posts("spotlight"))
        assert "Ben writes docs and tutorials. [edited]" in text


async def test_the_answer_command_offers_the_newest_buttons(chat_factory: ChatFactory) -> None:
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SIX_QUESTIONS_YAML, maintainers=["mia"], clock=clock) as chat:
        await submitted(chat, "ben")
        await chat.command("mia", "/spotlight approve 1")
        old = chat.dms("ben")[-1]
        await chat.command("mia", "/spotlight stats 1 remove")  # any edit withdraws the approval
        again = only(await chat.command("mia", "/spotlight stats 1 remove"))
        assert again.text == "#1 has no GitHub stats to remove; nothing changed."
        await chat.command("mia", '/spotlight note 1 4 "Ben fixed this twice."')
        await chat.command("mia", "/spotlight approve 1")
        shown = [r for r in await chat.command("ben", "/spotlight answer") if r.kind == "reply"]
        assert "Ben fixed this twice." in "\n".join(r.text for r in shown)
        assert STALE in only(await chat.click("ben", old, "Approve")).text
        ok = only(await chat.click("ben", shown[-1], "Approve"))
        assert "queued for publishing" in ok.text


def test_a_garbled_button_value_is_a_stale_button() -> None:
    assert parse_final_ref(final_ref(12, "0123abcd0123abcd")) == (12, "0123abcd0123abcd")
    assert parse_final_ref("12") == (12, None)  # sent before buttons named a version: refused as stale
    for forged in ("²", "١", "abc", "", "-1", "1" * 40, "12.5"):
        with pytest.raises(UserError) as refused:
            parse_final_ref(forged + ":v")
        assert refused.value.key == "core.error.stale_button", forged
        with pytest.raises(UserError):
            button_id(forged)


async def test_the_interview_follows_a_language_chosen_before_the_first_answer(
    chat_factory: ChatFactory,
) -> None:
    # Invited while English, ben switches to Chinese before answering: the questions he answers and
    # the ones published beside his answers are the Chinese ones (they were English, beside a
    # Chinese form title).
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SIX_QUESTIONS_YAML, maintainers=["mia"], clock=clock) as chat:
        invitation = await invited(chat, "ben")
        await chat.command("ben", "/steward language zh-CN")
        await chat.click("ben", invitation, "Accept")
        await chat.fill_form("ben", ANSWERS)
        assert locale_of(chat, 1) == "zh-CN"
        doc = chat.app.db.call(lambda s: build_document(s, get_interview(s, 1)))
        assert doc.items[0].question == "问题 A？"
        # Once answers are saved, a later change of language leaves the interview's as it is.
        await chat.command("ben", "/steward language en")
        await chat.command("ben", "/spotlight answer")
        assert locale_of(chat, 1) == "zh-CN"


def locale_of(chat: ChatDriver, interview_id: int) -> str:
    return chat.app.db.call(lambda s: get_interview(s, interview_id).locale)
