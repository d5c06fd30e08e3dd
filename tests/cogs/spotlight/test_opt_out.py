"""`/spotlight opt out` closes the person's open interview (and says so): the list shows it closed,
its old buttons refuse clearly, nothing of it is published, and the maintainers are told."""

from __future__ import annotations

from bot.core.clock import FakeClock
from cogs.spotlight.models import Status
from tests.cogs.spotlight.history import NOW
from tests.cogs.spotlight.interviews import SIX_QUESTIONS_YAML, invited, only, status_of, submitted
from tests.fixtures.chat import ChatFactory


async def test_opting_out_closes_an_open_invitation(chat_factory: ChatFactory) -> None:
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SIX_QUESTIONS_YAML, maintainers=["mia"], clock=clock) as chat:
        invitation = await invited(chat, "kwame")
        out = only(await chat.command("kwame", "/spotlight opt out"))
        assert out.text == (
            "You will not be invited to spotlight interviews. "
            "Your open interview #1 is closed: nothing from it will be published."
        )
        assert any(
            "kwame opted out" in p.text and "#1 is closed" in p.text for p in chat.posts("maintainers")
        )
        listed = only(await chat.command("mia", "/spotlight list"))
        assert "#1 kwame — opted out" in listed.text
        for label in ("Accept", "Not now"):
            refused = only(await chat.click("kwame", invitation, label))
            assert "You opted out of spotlight interviews, so this invitation is closed" in refused.text
        assert status_of(chat, 1) == Status.OPTED_OUT
        assert "no spotlight interview open" in only(await chat.command("kwame", "/spotlight answer")).text
        refused = only(await chat.command("mia", "/spotlight invite kwame"))
        assert "kwame asked never to be interviewed." in refused.text

        # Opting back in reopens nothing: a maintainer invites again.
        back = only(await chat.command("kwame", "/spotlight opt in"))
        assert back.text == "Spotlight invitations are welcome again."
        assert status_of(chat, 1) == Status.OPTED_OUT
        again = only(await chat.command("mia", "/spotlight invite kwame"))
        assert "Invitation #2 sent to kwame" in again.text


async def test_opting_out_withdraws_an_approved_spotlight(chat_factory: ChatFactory) -> None:
    clock = FakeClock(NOW)
    async with chat_factory(extra_yaml=SIX_QUESTIONS_YAML, maintainers=["mia"], clock=clock) as chat:
        await submitted(chat, "ben")
        await chat.command("mia", "/spotlight approve 1")
        await chat.click("ben", chat.dms("ben")[-1], "Approve")
        assert status_of(chat, 1) == Status.APPROVED
        out = only(await chat.command("ben", "/spotlight opt out"))
        assert "#1 is closed" in out.text
        await chat.app.jobs()["spotlight_publish"]()
        assert chat.posts("spotlight") == []
        plain = only(await chat.command("ben", "/spotlight opt out"))  # nothing open any more
        assert plain.text == "You will not be invited to spotlight interviews."
