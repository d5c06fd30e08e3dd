"""The one-time link code lives ``good_first_issues.link_code_lifetime`` when that is set, else an hour
(linking works without the board)."""

from __future__ import annotations

import pytest

from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatFactory

GITHUB = "github:\n  repos: [acme/widgets]\n"


@pytest.mark.parametrize(
    ("extra", "minutes"), [("", 60), ("good_first_issues:\n  link_code_lifetime: 10m\n", 10)]
)
async def test_code_lifetime(chat_factory: ChatFactory, extra: str, minutes: int) -> None:
    github = RecordingGitHub()
    github.bios["amy-gh"] = ""
    async with chat_factory(extra_yaml=GITHUB + extra, github=github) as chat:
        [started] = await chat.command("amy", "/steward link github amy-gh")
        assert f"within {minutes} minutes" in started.text
