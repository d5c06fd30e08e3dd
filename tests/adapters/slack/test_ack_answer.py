"""A slash command's answer rides in its ack when it is ready in time; otherwise the response_url."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.slack import listeners as slack_listeners
from bot.adapters.slack.blocks import render_chunks
from bot.adapters.slack.responder import AckAnswer, SlackResponder
from bot.core.cog import Cog
from bot.core.commands import Option, OptionType, command
from bot.core.invocation import Invocation
from bot.core.messages import Message, Section
from tests.adapters.slack.probe import ProbeCog
from tests.fixtures.chat_slack import slack_chat

BUDGET = 0.3  # the ack budget in these tests (seconds)


class PaceCog(Cog):
    """Commands that answer late, twice, or after a DM."""

    name = "pace"

    @command("pace late", "probe.long", Option("seconds", "probe.count", OptionType.STRING))
    async def late(self, inv: Invocation, seconds: str) -> None:
        await asyncio.sleep(float(seconds))
        await inv.reply(Message.text("late answer"))

    @command("pace busy", "probe.long")
    async def busy(self, inv: Invocation) -> None:
        await inv.reply(Message.text("answer first"))
        await asyncio.sleep(BUDGET * 3)  # work the person need not wait for

    @command("pace twice", "probe.long")
    async def twice(self, inv: Invocation) -> None:
        await inv.reply(Message.text("first"))
        await inv.reply(Message.text("second"), ephemeral=False)

    @command("pace dm", "probe.long")
    async def dm(self, inv: Invocation) -> None:
        await inv.dm(Message.text("in your DMs"))
        await inv.reply(Message.text("sent you a DM"))

    @command("pace silent", "probe.long")
    async def silent(self, inv: Invocation) -> None:
        return None


@pytest.fixture(autouse=True)
def short_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slack_listeners, "ACK_ANSWER_BUDGET", BUDGET)


@pytest.mark.parametrize("socket", [False, True], ids=["http", "socket"])
async def test_an_answer_ready_in_time_is_the_ack(database_url: str, tmp_path: Path, socket: bool) -> None:
    async with slack_chat(database_url, tmp_path, socket=socket) as chat:
        [me] = await chat.command("alice", "/steward me")
        assert me.ephemeral and "alice" in me.text
        assert me.handle.in_ack  # one round trip: nothing was posted to the response_url


async def test_a_late_answer_goes_to_the_response_url(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(PaceCog,)) as chat:
        [late] = await chat.command("alice", f"/pace late {BUDGET * 3}")
        assert late.text == "late answer" and late.ephemeral
        assert not late.handle.in_ack


async def test_an_answer_followed_by_long_work_rides_in_the_ack_when_the_budget_ends(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(PaceCog,)) as chat:
        loop = asyncio.get_running_loop()
        started = loop.time()
        sent = await chat.sender.slash("/pace", "busy", chat.uid("alice"))
        assert sent.json is not None and "answer first" in sent.json["text"]
        assert loop.time() - started < BUDGET * 2.5  # not held until the work ended
        await chat.adapter.drain(within=30)


async def test_two_answers_both_take_the_response_url_in_order(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(PaceCog,)) as chat:
        first, second = await chat.command("alice", "/pace twice")
        # Both through the response_url, in order: the ack could not carry the first and be sure to
        # arrive before the second.
        assert (first.text, first.handle.in_ack, first.ephemeral) == ("first", False, True)
        assert (second.text, second.handle.in_ack, second.ephemeral) == ("second", False, False)


async def test_a_dm_before_the_answer_keeps_its_place(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(PaceCog,)) as chat:
        dm, answer = await chat.command("alice", "/pace dm")
        assert (dm.kind, dm.text) == ("dm", "in your DMs")
        assert answer.text == "sent you a DM" and not answer.handle.in_ack


async def test_a_long_answer_is_not_split_across_ack_and_response_url(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,)) as chat:
        replies = await chat.command("alice", "/probe long 60")
        assert [len(r.handle.blocks) for r in replies] == [50, 10]
        assert not any(r.handle.in_ack for r in replies)


async def test_a_command_without_answer_is_acked_at_once(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(PaceCog,)) as chat:
        loop = asyncio.get_running_loop()
        started = loop.time()
        sent = await chat.sender.slash("/pace", "silent", chat.uid("alice"))
        assert sent.status == 200 and sent.body == ""
        assert loop.time() - started < BUDGET  # the handler's end acks; the budget is not waited out
        assert await chat.command("alice", "/pace silent") == []


async def test_deferring_acks_at_once_and_later_replies_use_the_response_url(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        answer = AckAnswer()
        responder = SlackResponder(chat.adapter, "U1", "C1", None, ack_answer=answer)
        await responder.defer(ephemeral=True)
        assert answer.settled.is_set() and answer.ack_args() == {}
        [chunk] = render_chunks(Message([Section("late")]))
        assert not answer.hold(chunk, True)
