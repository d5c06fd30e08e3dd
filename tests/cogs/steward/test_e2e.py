"""The core commands end to end on every platform driver."""

from __future__ import annotations

from tests.fixtures.chat import ChatFactory


async def test_help_me_timezone_language(chat_factory: ChatFactory) -> None:
    async with chat_factory(maintainers=["mia"]) as chat:
        [help_reply] = await chat.command("alice", "/steward help")
        assert "/steward timezone <zone>" in help_reply.text
        assert "/steward reload" not in help_reply.text
        assert help_reply.ephemeral

        [maint_help] = await chat.command("mia", "/steward help")
        assert "/steward reload" in maint_help.text

        [done] = await chat.command("alice", "/steward timezone Asia/Kolkata")
        assert "Asia/Kolkata" in done.text
        [me] = await chat.command("alice", "/steward me")
        assert "Asia/Kolkata" in me.text and "member" in me.text

        [zh] = await chat.command("alice", "/steward language zh-CN")
        assert "简体中文" in zh.text
        [zh_help] = await chat.command("alice", "/steward help")
        assert "列出所有命令及其用法" in zh_help.text

        [denied] = await chat.command("alice", "/steward reload")
        assert "只有维护者" in denied.text
        [ok] = await chat.command("mia", "/steward reload")
        assert "Configuration reloaded." in ok.text


async def test_bad_arguments_show_usage(chat_factory: ChatFactory) -> None:
    async with chat_factory() as chat:
        [reply] = await chat.command("bob", "/steward language klingon")
        assert "'klingon' is not a valid 'language'" in reply.text
        assert "Usage: /steward language <language>" in reply.text
