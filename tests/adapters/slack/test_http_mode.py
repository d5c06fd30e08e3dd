"""The Slack adapter end to end in HTTP mode: signed requests in, Block Kit out, via the fake Slack."""

from __future__ import annotations

import time
from pathlib import Path

from bot.core.events import MemberJoined
from bot.core.messages import Message, Plain, Section
from tests.adapters.slack.probe import ProbeCog
from tests.fakes.slack import pings, texts_of
from tests.fixtures.chat_slack import slack_chat


async def test_command_replies_ephemerally_and_parses_slack_references(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,)) as chat:
        [me] = await chat.command("alice", "/steward me")
        assert me.ephemeral and me.kind == "reply"
        assert "alice" in me.text and "member" in me.text
        [who] = await chat.command("alice", "/probe who <@U0BOBBY|bob>")
        assert "id U0BOBBY name bob" in who.text
        [named] = await chat.command("alice", '/probe who user:"<@U0CAROL|carol>"')
        assert "id U0CAROL" in named.text
        # Replies went through the response_url, not the Web API.
        assert not chat.fake.calls_of("chat.postEphemeral")


async def test_bad_arguments_get_the_usage_line_ephemerally(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,)) as chat:
        [reply] = await chat.command("bob", "/probe long many")
        assert reply.ephemeral
        assert "'many' is not a whole number" in reply.text
        assert "Usage: /probe long <count>" in reply.text
        [unknown] = await chat.command("bob", "/probe nothing")
        assert "Choose one of: ask, buttons, echo, long, who" in unknown.text


async def test_button_press_is_routed_to_the_owning_cog(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,)) as chat:
        [menu] = await chat.command("alice", "/probe buttons")
        assert not menu.ephemeral and menu.buttons == ["Press"]
        [pressed] = await chat.click("bob", menu, "Press")
        assert pressed.text == "pressed 42 by bob"
        assert pressed.ephemeral


async def test_modal_submission_shows_errors_inline_then_runs(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,)) as chat:
        [form] = await chat.command("alice", "/probe ask")
        assert form.kind == "form" and "Your age" in form.text
        [modal] = chat.fake.calls_of("views.open")
        assert modal.args["view"]["submit"]["text"] == "Submit"
        [error] = await chat.fill_form("alice", {"age": "old"})
        assert error.kind == "form" and error.text.startswith("Your age: ")
        [done] = await chat.fill_form("alice", {"age": "31"})
        assert done.text == "age 31 value v1"


async def test_outside_text_cannot_ping(database_url: str, tmp_path: Path) -> None:
    nasty = "<!channel> <!here> <!subteam^S123> <@U0000001> & <https://evil.example|click>"
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,)) as chat:
        replies = await chat.command("mallory", f"/probe echo {nasty}")
        [post] = chat.posts("announcements")
        [reply] = [r for r in replies if r.kind == "reply"]
        assert post.handle in [r.handle for r in replies]
        for shown in (reply, post):
            assert nasty in shown.text  # shown literally...
            record = shown.handle
            assert pings(" ".join([*texts_of(record.blocks), record.text])) == []  # ...and pings nobody


async def test_a_429_is_honoured_and_the_post_delivered(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        chat.fake.rate_limit("chat.postMessage", retry_after=1)
        started = time.monotonic()
        [result] = await chat.app.services.poster.post("announcements", Message([Section(Plain("hello"))]))
        assert result.status == "sent"
        assert time.monotonic() - started >= 1.0
        statuses = [c.status for c in chat.fake.calls_of("chat.postMessage")]
        assert statuses == [429, 200]
        assert [p.text for p in chat.posts("announcements")] == ["hello"]


async def test_a_message_over_50_blocks_is_split(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,)) as chat:
        replies = await chat.command("alice", "/probe long 120")
        assert [len(r.handle.blocks) for r in replies] == [50, 50, 20]
        assert replies[0].text.startswith("line 0") and replies[2].text.endswith("line 119")
        # A channel post of the same size is split too, in order.
        message = Message([Section(f"row {i}") for i in range(51)])
        await chat.adapter.post("C0ANNOUNCE", message)
        assert [len(p.handle.blocks) for p in chat.posts("announcements")] == [50, 1]


async def test_forged_or_stale_requests_are_rejected_before_any_handler(
    database_url: str, tmp_path: Path
) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        uid = chat.uid("alice")
        body = "command=%2Fsteward&text=me&user_id=" + uid + "&channel_id=C0GENERAL&team_id=T0001"
        forged = await chat.sender.post(body, "application/x-www-form-urlencoded", secret="not-the-secret")
        stale = await chat.sender.post(body, "application/x-www-form-urlencoded", age=6 * 60)
        unsigned = await chat.sender.post(body, "application/x-www-form-urlencoded", signature="v0=00")
        assert (forged.status, stale.status, unsigned.status) == (401, 401, 401)
        await chat.adapter.drain()
        assert chat.fake.recorded == []
        assert chat.fake.calls_of("users.info") == []


async def test_team_join_and_welcome_channel_join(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        seen: list[MemberJoined] = []

        async def record(event: MemberJoined) -> None:
            seen.append(event)

        chat.app.bus.subscribe(MemberJoined, record)
        await chat.join("nina")
        assert [(e.platform, e.user_id, e.display_name) for e in seen] == [
            ("slack", chat.uid("nina"), "nina")
        ]

    async with slack_chat(database_url, tmp_path, slack_extra="  welcome_channel_join: true\n") as chat:
        seen.clear()
        chat.app.bus.subscribe(MemberJoined, record)
        await chat.join("omar")
        # A join elsewhere is not a welcome.
        await chat.sender.event(
            {"type": "member_joined_channel", "user": chat.uid("omar"), "channel": "C0OTHER"}
        )
        await chat.adapter.drain()
        assert [(e.user_id, e.channel_id) for e in seen] == [(chat.uid("omar"), "C0WELCOME")]


async def test_renamed_group_is_used_in_help_and_usage(database_url: str, tmp_path: Path) -> None:
    extra = "  command_names: {probe: /triage}\n"
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,), slack_extra=extra) as chat:
        [help_reply] = await chat.command("alice", "/steward help")
        assert "/triage long <count>" in help_reply.text and "/probe" not in help_reply.text
        [bad] = await chat.command("alice", "/probe long x")  # the driver types /triage
        assert "Usage: /triage long <count>" in bad.text
        [sent] = [c for c in chat.fake.calls if c.method == "users.info"][:1]
        assert sent.args["include_locale"] in ("1", "true", True)


async def test_maintainers_by_user_group_and_locale_from_slack(database_url: str, tmp_path: Path) -> None:
    extra = "  maintainer_usergroup_ids: [S0MAINT]\n"
    async with slack_chat(database_url, tmp_path, slack_extra=extra) as chat:
        chat.fake.usergroups["S0MAINT"] = [chat.uid("mia")]
        [ok] = await chat.command("mia", "/steward reload")
        assert "Configuration reloaded." in ok.text
        [denied] = await chat.command("alice", "/steward reload")
        assert "Only maintainers" in denied.text
        chat.world.user("li", locale="zh-CN")
        [zh] = await chat.command("li", "/steward me")
        assert "时区" in zh.text


async def test_home_tab_shows_the_persons_settings(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        await chat.command("alice", "/steward timezone Asia/Kolkata")
        await chat.sender.event(
            {"type": "app_home_opened", "user": chat.uid("alice"), "channel": "D1", "tab": "home"}
        )
        await chat.adapter.drain()
        [home] = [r for r in chat.fake.recorded if r.kind == "home"]
        assert home.user == chat.uid("alice")
        text = " ".join(texts_of(home.blocks))
        assert "Asia/Kolkata" in text and "/steward help" in text


async def test_dms_and_topics(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path) as chat:
        uid = chat.uid("alice")
        assert await chat.adapter.send_dm(uid, Message.text("psst"))
        assert [d.text for d in chat.dms("alice")] == ["psst"]
        chat.fake.add_user("U0ROBOT", "robot", is_bot=True)
        assert not await chat.adapter.send_dm("U0ROBOT", Message.text("hi"))
        [topic] = await chat.app.services.poster.set_topic("oncall", "On call: <!here> mia")
        assert topic.status == "sent"
        assert chat.fake.topics["C0ONCALL"] == "On call: <!here> mia"  # topics never ping
        long = "On call: <!here> " + "x" * 300
        [topic] = await chat.app.services.poster.set_topic("oncall", long)
        assert topic.status == "sent" and chat.fake.topics["C0ONCALL"] == "On call: <!here> mia"
        assert chat.posts("oncall")[-1].text == long  # too long for a topic: posted whole instead
