"""Commands as typed on a platform: usage lines and help follow renamed groups."""

from __future__ import annotations

import pytest

from bot.core.arguments import parse_line
from bot.core.commands import Command, CommandRegistry, CommandStyle, Option
from bot.core.errors import UsageError
from cogs.steward.service import help_entries


async def _noop(inv: object, **kw: object) -> None:
    return None


def _registry() -> CommandRegistry:
    reg = CommandRegistry()
    reg.add(Command(("oncall", "swap"), "d", _noop, (Option("week", "d"),)))
    reg.add(Command(("steward", "help"), "d", _noop))
    return reg


def test_renamed_group_in_usage_lines() -> None:
    style = CommandStyle("/", {"oncall": "/triage"})
    reg = _registry()
    assert reg.find(("oncall", "swap")).usage(style) == "/triage swap <week>"  # type: ignore[union-attr]
    assert reg.find(("oncall", "swap")).usage("!") == "!oncall swap <week>"  # type: ignore[union-attr]
    with pytest.raises(UsageError) as missing:
        parse_line(reg, "oncall swap", "slack", style)
    assert missing.value.usage == "/triage swap <week>"
    with pytest.raises(UsageError) as choose:
        parse_line(reg, "oncall", "slack", style)
    assert choose.value.usage == "/triage <swap>"
    with pytest.raises(UsageError) as unknown:
        parse_line(reg, "nope", "slack", CommandStyle("/", {"steward": "/stw"}))
    assert unknown.value.usage == "/stw help"


def test_help_is_headed_by_the_typed_name() -> None:
    groups = help_entries(_registry(), False, CommandStyle("/", {"oncall": "/triage"}))
    assert list(groups) == ["/triage", "steward"]
    assert groups["/triage"][0].usage == "/triage swap <week>"
