"""Member joins with and without the privileged intent; DMs that fall back to the welcome channel."""

from __future__ import annotations

import logging

import pytest

from bot.core.events import MemberJoined
from bot.core.messages import Message, Plain, Section
from tests.adapters.discord.conftest import DemoChat


async def test_member_join_is_published_with_the_intent(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        seen: list[MemberJoined] = []

        async def record(event: MemberJoined) -> None:
            seen.append(event)

        chat.app.bus.subscribe(MemberJoined, record)
        await chat.join("newcomer")
        assert chat.adapter.members_intent
        [event] = seen
        assert event.platform == "discord" and event.display_name == "newcomer"
        assert event.user_id == chat.user("newcomer").id
        assert event.channel_id == chat.channels["welcome"]


async def test_missing_intent_is_explained_and_commands_still_work(
    demo_chat: DemoChat, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        async with demo_chat(members_intent=False) as chat:
            assert chat.fake.refused_intents and not chat.adapter.members_intent
            assert "Server Members Intent" in caplog.text
            seen: list[MemberJoined] = []

            async def record(event: MemberJoined) -> None:
                seen.append(event)

            chat.app.bus.subscribe(MemberJoined, record)
            await chat.join("newcomer")
            assert seen == []
            [reply] = await chat.command("alice", "/demo buttons")
            assert reply.buttons == ["Claim"]


async def test_closed_dms_get_a_private_notice_in_welcome_and_report_failure(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        open_user = chat.user("alice")
        closed = chat.fake.add_user("hermit", dms_open=False)
        assert await chat.adapter.send_dm(open_user.id, Message.text("psst"))
        assert [d.text for d in chat.dms("alice")] == ["psst"]
        secret = Message([Section("Your spotlight invitation: ", Plain("private words"))])
        assert not await chat.adapter.send_dm(closed.id, secret)  # not delivered: callers must know
        assert chat.dms("hermit") == []
        [post] = chat.posts("welcome")
        assert post.handle.pinged_users == [closed.id]
        assert post.text == (
            "@hermit I tried to send you a direct message but your DMs are closed — enable DMs from "
            "server members, then run /steward me."
        )
        assert "private words" not in post.text and "invitation" not in post.text


async def test_topic_is_set(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        assert await chat.adapter.set_topic(chat.channels["oncall"], "On call: mia")
        assert chat.fake.channels[chat.channels["oncall"]].topic == "On call: mia"
