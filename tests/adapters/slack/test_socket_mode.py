"""The Slack adapter end to end in Socket Mode: envelopes over the fake's websocket, acks back."""

from __future__ import annotations

from pathlib import Path

from bot.core.events import MemberJoined
from tests.adapters.slack.probe import ProbeCog
from tests.fixtures.chat_slack import slack_chat


async def test_socket_mode_commands_buttons_forms_and_joins(database_url: str, tmp_path: Path) -> None:
    async with slack_chat(database_url, tmp_path, cogs=(ProbeCog,), socket=True) as chat:
        # The connection was opened with the app-level token through apps.connections.open.
        [opened] = chat.fake.calls_of("apps.connections.open")
        assert opened.error is None
        assert not chat.app.http.needed  # no HTTP endpoint in Socket Mode

        [me] = await chat.command("alice", "/steward me")
        assert me.ephemeral and "alice" in me.text
        [bad] = await chat.command("alice", "/steward language klingon")
        assert "Usage: /steward language <language>" in bad.text

        [menu] = await chat.command("alice", "/probe buttons")
        [pressed] = await chat.click("bob", menu, "Press")
        assert pressed.text == "pressed 42 by bob"

        await chat.command("alice", "/probe ask")
        [error] = await chat.fill_form("alice", {"age": "x"})
        assert error.kind == "form" and error.text.startswith("Your age: ")
        [done] = await chat.fill_form("alice", {"age": "7"})
        assert done.text == "age 7 value v1"

        seen: list[MemberJoined] = []

        async def record(event: MemberJoined) -> None:
            seen.append(event)

        chat.app.bus.subscribe(MemberJoined, record)
        await chat.join("nina")
        assert [e.user_id for e in seen] == [chat.uid("nina")]

        # Every envelope was acknowledged exactly once.
        ids = [a["envelope_id"] for a in chat.fake.envelope_acks]
        assert len(ids) == len(set(ids)) == 8
