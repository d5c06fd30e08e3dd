"""The shared line parser: positional and key:value arguments, quotes, users, channels, usage errors."""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from bot.core.arguments import INTEGER_LIMIT, TOKEN_LIMIT, parse_line, token_spans, tokenize
from bot.core.commands import Choice, Command, CommandRegistry, Option, OptionType
from bot.core.errors import UsageError
from bot.core.moments import Count
from bot.core.refs import ChannelRef, UserRef


async def _noop(inv: Any, **kw: Any) -> None:
    return None


@pytest.fixture()
def registry() -> CommandRegistry:
    reg = CommandRegistry()
    reg.add(Command(("gfi", "claim"), "d", _noop, (Option("issue", "d"),)))
    reg.add(
        Command(
            ("gfi", "list"),
            "d",
            _noop,
            (
                Option("repo", "d", required=False),
                Option("difficulty", "d", required=False, choices=(Choice("easy"), Choice("medium"))),
                Option("page", "d", OptionType.INTEGER, required=False, min_value=1, max_value=50),
            ),
        )
    )
    reg.add(Command(("oncall", "handoff"), "d", _noop, (Option("note", "d", required=False, greedy=True),)))
    reg.add(
        Command(
            ("oncall", "swap"),
            "d",
            _noop,
            (Option("date", "d"), Option("member", "d", OptionType.USER, required=False)),
        )
    )
    reg.add(
        Command(
            ("steward", "digest", "preview"),
            "d",
            _noop,
            (
                Option("channel", "d", OptionType.CHANNEL, required=False),
                Option("dry", "d", OptionType.BOOLEAN, required=False),
            ),
        )
    )
    return reg


def test_positional_and_named(registry: CommandRegistry) -> None:
    parsed = parse_line(registry, "gfi list vllm page:2 difficulty:EASY", "slack")
    assert parsed.command.path == ("gfi", "list")
    assert parsed.args == {"repo": "vllm", "difficulty": "easy", "page": 2}


def test_quoted_strings_and_greedy(registry: CommandRegistry) -> None:
    assert parse_line(registry, 'gfi claim "owner/repo#12"', "console").args == {"issue": "owner/repo#12"}
    parsed = parse_line(registry, "oncall handoff two PRs need review: #12 and #14", "slack")
    assert parsed.args == {"note": "two PRs need review: #12 and #14"}
    assert parse_line(registry, "oncall handoff", "slack").args == {"note": None}


@pytest.mark.parametrize(
    ("line", "note"),
    [
        # Quotes, runs of spaces and backslashes stay as typed: it is someone's text, not arguments.
        (
            'oncall handoff Watch "kernels#83"   (XPU wheels) -- author said: \\"soon\\"',
            'Watch "kernels#83"   (XPU wheels) -- author said: \\"soon\\"',
        ),
        (
            "oncall handoff please check #83 — it's urgent, isn't it?",
            "please check #83 — it's urgent, isn't it?",
        ),
        ("oncall handoff   tabs\tand  spaces  ", "tabs\tand  spaces"),
        ('oncall handoff "one quoted note"', "one quoted note"),  # quoting the whole of it only groups it
        ("oncall handoff 'it''s'", "'it''s'"),
        ('oncall handoff "say \\"hi\\""', '"say \\"hi\\""'),
        ("oncall handoff 'unclosed", "'unclosed"),
    ],
)
def test_a_rest_of_line_argument_is_taken_as_typed(registry: CommandRegistry, line: str, note: str) -> None:
    assert parse_line(registry, line, "slack").args == {"note": note}


def test_token_spans_say_where_each_token_starts() -> None:
    line = 'gfi  claim "a b"  it\'s'
    assert token_spans(line) == (
        [
            ("gfi", 0),
            ("claim", 5),
            ("a b", 11),
        ],
        18,
    )
    assert token_spans("  x  y ") == ([("x", 2), ("y", 5)], None)


def test_slack_user_and_channel_refs(registry: CommandRegistry) -> None:
    parsed = parse_line(registry, "oncall swap 2026-12-01 <@U024BE7LH|bob>", "slack")
    assert parsed.args["member"] == UserRef("slack", "U024BE7LH", "bob")
    parsed = parse_line(registry, "steward digest preview <#C024BE7LR|general> dry:yes", "slack")
    assert parsed.args == {"channel": ChannelRef("slack", "C024BE7LR", "general"), "dry": True}
    assert parse_line(registry, "oncall swap 2026-12-01 <@1234>", "discord").args["member"] == UserRef(
        "discord", "1234"
    )


@pytest.mark.parametrize(
    ("line", "key", "usage"),
    [
        ("gfi claim", "core.usage.missing", "/gfi claim <issue>"),
        ("gfi list a b c d", "core.usage.too_many", "/gfi list [repo] [difficulty] [page]"),
        ("gfi list page:zero", "core.usage.not_integer", "/gfi list [repo] [difficulty] [page]"),
        ("gfi list page:99", "core.usage.too_large", "/gfi list [repo] [difficulty] [page]"),
        ("gfi list difficulty:hard", "core.usage.bad_choice", "/gfi list [repo] [difficulty] [page]"),
        ("gfi list page:1 page:2", "core.usage.duplicate_option", "/gfi list [repo] [difficulty] [page]"),
        ("gfi frobnicate", "core.usage.choose_subcommand", "/gfi <claim|list>"),
        ("nope", "core.usage.unknown_command", "/steward help"),
        ("", "core.usage.no_command", "/steward help"),
        ('gfi claim "unclosed', "core.usage.unbalanced_quotes", "/gfi claim <issue>"),  # not the line
        ("gfi", "core.usage.group_commands", "/gfi <claim|list>"),
        (
            "steward digest preview dry:maybe",
            "core.usage.not_boolean",
            "/steward digest preview [channel] [dry]",
        ),
    ],
)
def test_bad_input_names_the_usage(registry: CommandRegistry, line: str, key: str, usage: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_line(registry, line, "slack")
    assert info.value.key == key
    assert info.value.usage == usage


def test_an_integer_option_without_bounds_takes_what_discord_takes(registry: CommandRegistry) -> None:
    # A 20-digit number reached SQLite ("Python int too large to convert to SQLite INTEGER").
    registry.add(Command(("spotlight", "review"), "d", _noop, (Option("id", "d", OptionType.INTEGER),)))
    assert parse_line(registry, f"spotlight review {INTEGER_LIMIT}", "slack").args == {"id": INTEGER_LIMIT}
    for line, key, bound in (
        ("spotlight review 99999999999999999999999", "core.usage.too_large", {"max": Count(INTEGER_LIMIT)}),
        ("spotlight review -99999999999999999999999", "core.usage.too_small", {"min": Count(-INTEGER_LIMIT)}),
    ):
        with pytest.raises(UsageError) as info:
            parse_line(registry, line, "slack")
        assert info.value.key == key and info.value.params == {"option": "id", **bound}


def test_a_huge_value_is_refused_without_being_quoted_back_whole(registry: CommandRegistry) -> None:
    # A 5,000-character "issue reference" was quoted back in full (several messages on Discord).
    with pytest.raises(UsageError) as word:
        parse_line(registry, "gfi claim " + "a" * 5000, "slack")
    assert word.value.key == "core.usage.too_long" and word.value.params["max"] == Count(TOKEN_LIMIT)
    with pytest.raises(UsageError) as number:
        parse_line(registry, "gfi list page:" + "9x" * 2500, "slack")
    assert number.value.params["value"] == "9x" * 30 + "…"
    with pytest.raises(UsageError) as command:
        parse_line(registry, "z" * 3500, "slack")
    assert command.value.params["name"] == "z" * 60 + "…"
    # A rest-of-line argument keeps its own limit (none here): a long note is taken whole.
    note = "n" * 5000
    assert parse_line(registry, f"oncall handoff {note}", "slack").args == {"note": note}


def test_an_empty_optional_value_is_no_value(registry: CommandRegistry) -> None:
    assert parse_line(registry, "gfi list repo:", "slack").args["repo"] is None
    with pytest.raises(UsageError) as info:
        parse_line(registry, "gfi claim issue:", "slack")  # a required one is still missing
    assert info.value.key == "core.usage.missing"


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        "gfi list",
        "  gfi   claim\t42 \n",
        "oncall swap @ana 2026-12-01",
        "steward timezone Asia/Kolkata",
        "spotlight answer 你好\u3000世界",  # an ideographic space is not a shell blank
        "a\xa0b c",
        'say "two words" here',
        "say 'single quoted' and \\escaped",
        "it's",
    ],
)
def test_tokenize_splits_as_the_shell_does(line: str) -> None:
    lexer = shlex.shlex(line, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        expected: list[str] | None = list(lexer)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            tokenize(line)
    else:
        assert tokenize(line) == expected


def test_tokenize_keeps_hash_and_urls() -> None:
    assert tokenize("gfi claim https://github.com/o/r/issues/5 # x") == [
        "gfi",
        "claim",
        "https://github.com/o/r/issues/5",
        "#",
        "x",
    ]
