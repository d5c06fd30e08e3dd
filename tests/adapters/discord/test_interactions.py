"""End to end through real discord.py and the fake Discord: commands, buttons, modals, replies."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlmodel import select

from bot.adapters.discord.forms import FormBook, FormProgress, progress_from_json, progress_to_json
from bot.adapters.models import DiscordFormState
from bot.core.messages import Form, Message, Question
from tests.adapters.discord.conftest import DemoChat
from tests.adapters.discord.demo_cog import HOSTILE_TITLE, LONG_TITLE
from tests.fixtures.chat import Reply
from tests.fixtures.chat_discord import WAIT
from tests.fixtures.waiting import eventually

pytestmark = pytest.mark.asyncio


async def test_commands_sync_to_the_guild_with_zh_cn_descriptions(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        synced = {c["name"]: c for c in chat.fake.guild_commands[chat.fake.guild_id]}
        assert {"steward", "demo"} <= set(synced)
        subs = {o["name"]: o for o in synced["steward"]["options"]}
        assert subs["help"]["type"] == 1
        assert subs["help"]["description_localizations"]["zh-CN"] == "列出所有命令及其用法"
        language = subs["language"]["options"][0]
        assert [c["value"] for c in language["choices"]] == ["en", "zh-CN"]
        assert subs["timezone"]["options"][0]["autocomplete"] is True
        assert not chat.fake.rejections
        assert chat.fake.gateway_queries[0]["compress"] == "zlib-stream"


async def test_button_click_is_routed_to_the_cog(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        [shown] = await chat.command("alice", "/demo buttons")
        assert shown.buttons == ["Claim"]
        [claimed] = await chat.click("bob", shown, "Claim")
        assert claimed.text == "Claimed #42 by bob" and claimed.ephemeral


async def test_modal_submit_with_errors_offers_prefilled_retry(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        [form] = await chat.command("alice", "/demo form 2")
        assert form.kind == "form" and form.text.startswith("Tell us")
        [fix] = await chat.fill_form("alice", {"q0": "4", "q1": "four"})
        assert "Some answers need fixing" in fix.text and "demo.not_a_number" in fix.text
        [again] = await chat.click("alice", fix, "Fix my answers")
        modal = again.handle
        assert [r["component"]["value"] for r in modal["components"]] == ["4", "four"]
        [done] = await chat.fill_form("alice", {"q0": "4", "q1": "5"})
        assert done.text == "Sum of 2 answers: 9"


async def test_long_form_is_chained_over_modals(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        [form] = await chat.command("alice", "/demo form 7")
        assert len(form.handle["components"]) == 5 and "(1/2)" in form.handle["title"]
        [done] = await chat.fill_form("alice", {f"q{i}": str(i) for i in range(7)})
        assert done.text == "Sum of 7 answers: 21"


async def test_a_chained_form_survives_a_restart_between_its_modals(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        await chat.command("alice", "/demo form 7")
        click = chat.click

        async def click_after_restart(user: str, reply: Reply, label: str) -> list[Reply]:
            # What a restart leaves of the form book: only what is in the database.
            chat.adapter.forms = FormBook(chat.app.db)
            return await click(user, reply, label)

        chat.click = click_after_restart  # type: ignore[method-assign]
        [done] = await chat.fill_form("alice", {f"q{i}": str(i) for i in range(7)})
        assert done.text == "Sum of 7 answers: 21"
        assert chat.app.db.call(lambda s: s.exec(select(DiscordFormState)).all()) == []


async def test_form_progress_round_trips_through_json() -> None:
    questions = (
        Question("why", "为什么？", long=True, max_length=4000),
        Question("name", "Name", required=False),
    )
    progress = FormProgress(
        Form("Interview — 采访", "spotlight_answer", questions, "7"), 1, {"why": "因为 ✓"}
    )
    assert progress_from_json(progress_to_json(progress)) == progress


async def test_slow_handler_is_deferred_then_followed_up(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        chat.adapter.router.defer_after = 0.1
        [reply] = await chat.command("alice", "/demo slow")
        assert reply.text == "Finally done." and not reply.ephemeral
        [interaction] = [i for i in chat.fake.interactions.values() if i.response_type == 5]
        assert interaction.latency is not None and interaction.latency < 3
        assert not chat.fake.rejections  # one acknowledgement, then a follow-up


async def test_long_reply_is_split_within_limits(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        replies = await chat.command("alice", "/demo long 100")
        assert len(replies) >= 4 and all(len(r.handle.payload["content"]) <= 2000 for r in replies)
        text = "\n".join(r.text for r in replies)
        assert "item 0000" in text and "item 0099" in text
        reports = await chat.command("alice", "/demo report 30")
        assert len(reports) >= 2 and text.count("item") == 100
        assert not chat.fake.rejections


async def test_outside_text_never_pings(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        replies = await chat.command("alice", "/demo announce")
        [reply] = [r for r in replies if r.kind == "reply"]
        [post] = chat.posts("announcements")
        for msg in (reply.handle, post.handle):
            assert not msg.pinged_everyone and not msg.pinged_users
            assert "@everyone" not in msg.payload["content"]
        assert post.text == "New issue: " + HOSTILE_TITLE  # readable as written


async def test_deliberate_mention_pings_only_that_user(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        chat.user("carol")
        [reply] = await chat.command("alice", "/demo ping @carol")
        assert reply.handle.pinged_users == [chat.user("carol").id]
        assert not reply.handle.pinged_everyone
        assert reply.text.startswith("Hey @carol")


async def test_autocomplete_offers_time_zones(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        user = chat.user("alice")
        zone = {"name": "zone", "type": 3, "value": "Asia/Kol", "focused": True}
        data = {
            "id": "1",
            "name": "steward",
            "type": 1,
            "options": [{"name": "timezone", "type": 1, "options": [zone]}],
        }
        interaction = chat.fake.interaction_payload(4, user, chat.general, data)
        await chat.fake.send_interaction(interaction)
        await asyncio.wait_for(interaction.answered.wait(), WAIT)
        assert interaction.response_type == 8
        assert {"name": "Asia/Kolkata", "value": "Asia/Kolkata"} in (interaction.response or {})["choices"]


async def test_autocomplete_never_cuts_a_label(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        issue = {"name": "issue", "type": 3, "value": "", "focused": True}
        data = {
            "id": "1",
            "name": "demo",
            "type": 1,
            "options": [{"name": "pick", "type": 1, "options": [issue]}],
        }
        interaction = chat.fake.interaction_payload(4, chat.user("alice"), chat.general, data)
        await chat.fake.send_interaction(interaction)
        await asyncio.wait_for(interaction.answered.wait(), WAIT)
        choices = (interaction.response or {})["choices"]
    # A label that fits is shown whole; one that does not gives way to its short label, never a cut
    # title; a choice with no label that fits is left out.
    assert choices == [
        {"name": "acme/app#1 — Short title", "value": "acme/app#1"},
        {"name": "acme/app#2", "value": "acme/app#2"},
    ]
    assert len(LONG_TITLE) > 100


async def test_maintainer_role_is_checked_server_side(demo_chat: DemoChat) -> None:
    async with demo_chat(maintainers=["mia"], maintainer_role=True) as chat:
        [ok] = await chat.command("mia", "/steward reload")
        assert "Configuration reloaded." in ok.text
        [denied] = await chat.command("alice", "/steward reload")
        assert "Only maintainers" in denied.text or "maintainers" in denied.text.lower()


async def test_rate_limit_is_honoured(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        rule = chat.fake.rate_limit("POST", r"/channels/\d+/messages$", retry_after=0.3)
        [result] = await chat.app.services.poster.post("announcements", Message.text("hello"))
        assert result.status == "sent"
        assert len(rule.hits) == 1 and rule.retried_at[0] - rule.hits[0] >= 0.3
        assert [p.text for p in chat.posts("announcements")] == ["hello"]


async def test_failed_send_is_logged_with_channel_and_reason(
    demo_chat: DemoChat, caplog: pytest.LogCaptureFixture
) -> None:
    async with demo_chat() as chat:
        announcements = chat.channels["announcements"]
        del chat.fake.channels[announcements]  # the channel was deleted on Discord
        with caplog.at_level(logging.ERROR):
            [result] = await chat.app.services.poster.post("announcements", Message.text("hello"))
        assert result.status == "failed"
        assert f"channel {announcements}" in caplog.text and "404" in caplog.text


async def test_reconnect_resumes_without_losing_work(demo_chat: DemoChat) -> None:
    async with demo_chat() as chat:
        chat.adapter.router.defer_after = 0.1
        running = asyncio.create_task(chat.command("alice", "/demo slow"))
        # Reconnect while the command is in flight: acknowledged (deferred), its answer still to come.
        await eventually(
            lambda: [i for i in chat.fake.interactions.values() if i.response_type == 5],
            "the slow command to be deferred",
        )
        await chat.fake.reconnect_request()
        [reply] = await running
        assert reply.text == "Finally done."
        assert chat.fake.resumes == 1
        [after] = await chat.command("alice", "/demo buttons")
        assert after.buttons == ["Claim"]
