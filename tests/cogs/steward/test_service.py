"""Preference validation and the help listing."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.commands import Access, Command, CommandRegistry
from bot.core.errors import UserError
from cogs.steward.service import help_entries, matching_timezones, validate_locale, validate_timezone


def test_timezones() -> None:
    assert validate_timezone("Asia/Shanghai") == "Asia/Shanghai"
    assert validate_timezone("america/new_york") == "America/New_York"
    with pytest.raises(UserError) as info:
        validate_timezone("Amerca/New_York")
    assert info.value.key == "steward.timezone.unknown_suggest"
    assert "America/New_York" in info.value.params["suggestions"]
    with pytest.raises(UserError) as info:
        validate_timezone("zzzz")
    assert info.value.key == "steward.timezone.unknown"
    assert "Europe/Berlin" in matching_timezones("berl")


def test_locales() -> None:
    assert validate_locale("ZH-cn") == "zh-CN"
    with pytest.raises(UserError):
        validate_locale("fr")


async def _noop(inv: Any, **kw: Any) -> None:
    return None


def test_help_hides_maintainer_commands_from_members() -> None:
    reg = CommandRegistry()
    reg.add(Command(("gfi", "list"), "k.list", _noop))
    reg.add(Command(("gfi", "stats"), "k.stats", _noop, access=Access.MAINTAINERS))
    reg.add(Command(("steward", "help"), "k.help", _noop))
    member = help_entries(reg, is_maintainer=False)
    assert [e.usage for e in member["gfi"]] == ["/gfi list"]
    maintainer = help_entries(reg, is_maintainer=True)
    assert [(e.usage, e.maintainers_only) for e in maintainer["gfi"]] == [
        ("/gfi list", False),
        ("/gfi stats", True),
    ]
