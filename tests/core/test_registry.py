"""Command declarations are checked against platform rules when they are registered."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.commands import ActionRoute, Command, CommandRegistry, CommandSpecError, Option, OptionType


async def _noop(inv: Any, **kw: Any) -> None:
    return None


def _cmd(path: str, *options: Option) -> Command:
    return Command(tuple(path.split()), "d", _noop, options)


@pytest.mark.parametrize(
    ("paths", "options", "fragment"),
    [
        (["a b c d"], (), "nest at most"),
        (["Gfi list"], (), "lower-case"),
        (["gfi", "gfi list"], (), "cannot also be a group"),
        (["gfi list", "gfi list"], (), "declared twice"),
        (["gfi list"], (Option("x", "d", required=False), Option("y", "d")), "required options"),
        (["gfi list"], (Option("x", "d"), Option("x", "d")), "declared twice"),
        (["gfi list"], (Option("x", "d", greedy=True), Option("y", "d")), "greedy"),
        (["gfi list"], (Option("x", "d", OptionType.INTEGER, greedy=True),), "greedy"),
        (["gfi list"], (Option("bad name", "d"),), "not a valid name"),
    ],
)
def test_invalid_specs_are_refused(paths: list[str], options: tuple[Option, ...], fragment: str) -> None:
    reg = CommandRegistry()
    with pytest.raises(CommandSpecError, match=fragment):
        for p in paths:
            reg.add(_cmd(p, *options))


def test_tree_navigation() -> None:
    reg = CommandRegistry()
    for p in ("gfi list", "gfi claim", "steward help", "steward digest preview", "steward digest send"):
        reg.add(_cmd(p))
    assert reg.top_level() == ["gfi", "steward"]
    assert reg.children(("steward",)) == ["digest", "help"]
    assert [c.name for c in reg.under("steward")] == [
        "steward help",
        "steward digest preview",
        "steward digest send",
    ]


def test_action_names_fit_custom_ids() -> None:
    reg = CommandRegistry()
    reg.add_action(ActionRoute("gfi.claim", _noop))
    with pytest.raises(CommandSpecError):
        reg.add_action(ActionRoute("gfi.claim", _noop))
    with pytest.raises(CommandSpecError):
        reg.add_action(ActionRoute("with:colon", _noop))
