"""The one-time link code lives ``github.link_code_lifetime`` (an hour by default), with or without
the good-first-issue board."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_config_text
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatFactory

GITHUB = "github:\n  repos: [acme/widgets]\n"


@pytest.mark.parametrize(
    ("extra", "minutes"),
    [
        ("", 60),
        ("  link_code_lifetime: 10m\n", 10),
        ("  link_code_lifetime: 10m\ngood_first_issues: {}\n", 10),
    ],
)
async def test_code_lifetime(chat_factory: ChatFactory, extra: str, minutes: int) -> None:
    github = RecordingGitHub()
    github.bios["amy-gh"] = ""
    async with chat_factory(extra_yaml=GITHUB + extra, github=github) as chat:
        [started] = await chat.command("amy", "/steward link github amy-gh")
        assert f"within {minutes} minutes" in started.text


def test_the_old_place_says_where_the_setting_moved() -> None:
    text = "project:\n  name: X\ngood_first_issues:\n  link_code_lifetime: 10m\n"
    with pytest.raises(ConfigError) as refused:
        load_config_text(text)
    assert "good_first_issues.link_code_lifetime" in str(refused.value)
    assert "moved: set github.link_code_lifetime instead" in str(refused.value)
