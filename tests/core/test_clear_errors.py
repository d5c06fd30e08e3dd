"""Errors say what is wrong: a group alone lists its commands, an empty optional value is no value, an
unclosed quote shows the command's usage, choices are spelled as documented, and a feature left off
in the config says so. Discord's client only sends complete commands with their declared choices, and
a feature left off has no commands there, so these are typed on the console and on Slack."""

from __future__ import annotations

import pytest

from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, standard_board
from tests.cogs.good_first_issues.conftest import seed as seed_issues
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatFactory, Reply


def said(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def test_misleading_errors_are_gone(chat_factory: ChatFactory, github: RecordingGitHub) -> None:
    async with chat_factory(extra_yaml=GFI_YAML, github=github) as chat:
        if chat.platform == "discord":
            pytest.skip("Discord's client cannot send these lines (see the module docstring)")
        seed_issues(chat.app.db, REPO, standard_board(chat.clock.now()))

        for group, command in (("/gfi", "claim"), ("/steward", "language")):
            alone = said(await chat.command("alice", group))
            assert f"{group} has these commands:" in alone and command in alone, alone
            assert "not a subcommand" not in alone

        listing = said(await chat.command("alice", "/gfi list repo:"))
        assert "Good first issues" in listing and "required" not in listing, listing

        unclosed = said(await chat.command("alice", '/gfi claim "widgets#1'))
        assert "A quote is not closed." in unclosed and "Usage: /gfi claim <issue>" in unclosed, unclosed
        assert '"widgets#1' not in unclosed

        language = said(await chat.command("alice", "/steward language fr"))
        assert "Choose one of: en, zh-CN." in language, language

        if chat.platform == "console":  # Slack's manifest has no slash command for a feature left off
            off = said(await chat.command("alice", "/oncall now"))
            assert "'oncall' is not enabled in this community's config" in off, off
            assert "I don't know the command" not in off


async def test_console_controls_say_what_is_missing(chat_factory: ChatFactory) -> None:
    async with chat_factory() as chat:
        if chat.platform != "console":
            pytest.skip("console controls exist only on the console")
        console = chat.console  # type: ignore[attr-defined]
        out = console.stdout
        await console.handle_line(":join")
        await console.handle_line(":click abc")
        printed = out.getvalue()
        assert "Who joins? Type :join NAME" in printed
        assert "':click abc' needs the number shown in brackets before a button" in printed
        assert "Unknown console control" not in printed


async def test_a_missing_or_bad_value_is_answered_with_the_usage_line(chat_factory: ChatFactory) -> None:
    async with chat_factory() as chat:
        missing = said(await chat.command("alice", "/steward timezone"))
        assert "Usage: /steward timezone <zone>" in missing, missing
        bad = said(await chat.command("alice", "/steward language fr"))
        assert "Choose one of: en, zh-CN." in bad and "Usage:" in bad, bad
